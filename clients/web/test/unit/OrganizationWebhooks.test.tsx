/**
 * @jest-environment jsdom
 *
 * The console's webhooks (owners): creating an endpoint shows its signing secret once; a refused
 * URL shows at its field with the form kept; an endpoint is paused, and its delivery log shows
 * each delivery's status, attempts, response codes and payload, with a redeliver.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import type { WebhookEndpointCreateMutationVariables } from '@learncraft/operations/types';
import {
  OrganizationWebhooksQuery,
  WebhookDeliveriesQuery,
  WebhookDeliveryRedeliverMutation,
  WebhookEndpointCreateMutation,
  WebhookEndpointUpdateMutation,
} from '@learncraft/operations';
import { ORG_ID, organizationMock, pageInfo, renderConsole, userError } from './organizationFixtures';

const SIGNING_SECRET = 'whsec_c2lnbmluZ3NlY3JldHNpZ25pbmdzZWNyZXQ';
const PAYLOAD = '{"id":"evt-1","type":"lesson.completed"}';

function endpoint(overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'WebhookEndpoint',
    id: 'endpoint-1',
    url: 'https://hooks.northwind.example/learncraft',
    description: 'HR system',
    events: ['LESSON_COMPLETED', 'COURSE_COMPLETED'],
    enabled: true,
    createdAt: '2030-01-05T12:00:00.000Z',
    ...overrides,
  };
}

function endpointsMock(endpoints: ReturnType<typeof endpoint>[]) {
  return {
    request: { query: OrganizationWebhooksQuery, variables: { id: ORG_ID, first: 100 } },
    result: {
      data: {
        organization: {
          __typename: 'Organization',
          id: ORG_ID,
          webhookEndpoints: {
            __typename: 'WebhookEndpointConnection',
            totalCount: endpoints.length,
            pageInfo: pageInfo(false, null),
            edges: endpoints.map((node) => ({ __typename: 'WebhookEndpointEdge', cursor: node.id, node })),
          },
        },
      },
    },
  };
}

function delivery(overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'WebhookDelivery',
    id: 'delivery-1',
    eventId: 'evt-1',
    eventType: 'LESSON_COMPLETED',
    payload: PAYLOAD,
    status: 'FAILED',
    nextAttemptAt: null,
    createdAt: '2030-01-06T12:00:00.000Z',
    attempts: [
      {
        __typename: 'WebhookDeliveryAttempt',
        at: '2030-01-06T12:00:00.000Z',
        responseStatus: 500,
        durationMs: 120,
        error: 'HTTP 500',
      },
      {
        __typename: 'WebhookDeliveryAttempt',
        at: '2030-01-06T12:01:00.000Z',
        responseStatus: null,
        durationMs: 10000,
        error: 'timed out after 10000 ms',
      },
    ],
    ...overrides,
  };
}

const deliveriesMock = {
  request: { query: WebhookDeliveriesQuery, variables: { endpointId: 'endpoint-1', first: 20 } },
  result: {
    data: {
      webhookEndpoint: {
        __typename: 'WebhookEndpoint',
        id: 'endpoint-1',
        deliveries: {
          __typename: 'WebhookDeliveryConnection',
          totalCount: 1,
          pageInfo: pageInfo(false, 'delivery-1'),
          edges: [{ __typename: 'WebhookDeliveryEdge', cursor: 'delivery-1', node: delivery() }],
        },
      },
    },
  },
};

describe('the webhooks section', () => {
  it('adds an endpoint with the picked events and shows its signing secret once', async () => {
    const sent: WebhookEndpointCreateMutationVariables['input'][] = [];
    renderConsole(
      [
        organizationMock('OWNER'),
        endpointsMock([]),
        {
          request: { query: WebhookEndpointCreateMutation },
          variableMatcher: () => true,
          result: (variables: WebhookEndpointCreateMutationVariables) => {
            sent.push(variables.input);
            return {
              data: {
                webhookEndpointCreate: {
                  __typename: 'WebhookEndpointCreatePayload',
                  endpoint: endpoint(),
                  signingSecret: SIGNING_SECRET,
                  userErrors: [],
                },
              },
            };
          },
        },
        endpointsMock([endpoint()]),
      ],
      'webhooks',
    );
    await screen.findByText('No webhook endpoints yet.');
    fireEvent.change(screen.getByLabelText('Endpoint URL'), {
      target: { value: ' https://hooks.northwind.example/learncraft ' },
    });
    fireEvent.change(screen.getByLabelText('Description (optional)'), { target: { value: 'HR system' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'lesson.completed' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'course.completed' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    const region = await screen.findByRole('region', { name: 'Endpoint added: its signing secret' });
    expect(within(region).getByLabelText<HTMLInputElement>('Secret').value).toBe(SIGNING_SECRET);
    expect(within(region).getByText('Copy it now: you will not see it again.')).toBeTruthy();
    expect(sent).toEqual([
      {
        organizationId: ORG_ID,
        url: 'https://hooks.northwind.example/learncraft',
        events: ['LESSON_COMPLETED', 'COURSE_COMPLETED'],
        description: 'HR system',
      },
    ]);
    await screen.findByRole('table');
    expect(
      Array.from(document.querySelectorAll('table.webhook-endpoints tbody td'))
        .slice(0, 4)
        .map((cell) => cell.textContent),
    ).toEqual([
      'https://hooks.northwind.example/learncraft HR system',
      'lesson.completed, course.completed',
      'Enabled',
      'Jan 5, 2030',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(document.body.innerHTML).not.toContain(SIGNING_SECRET);
  });

  it('shows a refused URL at its field and keeps the form', async () => {
    renderConsole(
      [
        organizationMock('OWNER'),
        endpointsMock([]),
        {
          request: { query: WebhookEndpointCreateMutation },
          variableMatcher: () => true,
          result: {
            data: {
              webhookEndpointCreate: {
                __typename: 'WebhookEndpointCreatePayload',
                endpoint: null,
                signingSecret: null,
                userErrors: [
                  userError('URL_NOT_ALLOWED', 'The URL must reach a public address.', ['input', 'url']),
                ],
              },
            },
          },
        },
      ],
      'webhooks',
    );
    await screen.findByText('No webhook endpoints yet.');
    const url = screen.getByLabelText<HTMLInputElement>('Endpoint URL');
    fireEvent.change(url, { target: { value: 'https://127.0.0.1/hook' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'member.enrolled' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add endpoint' }));
    await screen.findByText('The URL must reach a public address.');
    expect(url.value).toBe('https://127.0.0.1/hook');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: 'member.enrolled' }).checked).toBe(true);
  });

  it('pauses an endpoint, and shows its deliveries with attempts, responses and payload, and redelivers', async () => {
    let redelivered = 0;
    renderConsole(
      [
        organizationMock('OWNER'),
        endpointsMock([endpoint()]),
        {
          request: {
            query: WebhookEndpointUpdateMutation,
            variables: { input: { endpointId: 'endpoint-1', enabled: false } },
          },
          result: {
            data: {
              webhookEndpointUpdate: {
                __typename: 'WebhookEndpointUpdatePayload',
                endpoint: endpoint({ enabled: false }),
                userErrors: [],
              },
            },
          },
        },
        deliveriesMock,
        {
          request: {
            query: WebhookDeliveryRedeliverMutation,
            variables: { input: { deliveryId: 'delivery-1' } },
          },
          result: () => {
            redelivered += 1;
            return {
              data: {
                webhookDeliveryRedeliver: {
                  __typename: 'WebhookDeliveryRedeliverPayload',
                  delivery: delivery({ status: 'PENDING', nextAttemptAt: '2030-01-07T12:00:00.000Z' }),
                  userErrors: [],
                },
              },
            };
          },
        },
      ],
      'webhooks',
    );
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Disable' }));
    await screen.findByRole('button', { name: 'Enable' });
    expect(screen.getByText('Paused')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Deliveries' }));
    const log = await screen.findByRole('region', { name: 'Deliveries' });
    await within(log).findByRole('table');
    expect(
      Array.from(log.querySelectorAll('tbody td'))
        .slice(0, 5)
        .map((cell) => cell.textContent),
    ).toEqual(['lesson.completed evt-1', 'Failed', '2', '500, timed out after 10000 ms', 'Jan 6, 2030']);
    expect(within(log).getByText('View payload')).toBeTruthy();
    expect(log.querySelector('pre')!.textContent).toBe(PAYLOAD);

    fireEvent.click(within(log).getByRole('button', { name: 'Redeliver' }));
    await within(log).findByText('Queued for delivery now.');
    expect(within(log).getByText('Pending')).toBeTruthy();
    expect(redelivered).toBe(1);
  });
});
