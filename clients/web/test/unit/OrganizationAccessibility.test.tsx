/**
 * @jest-environment jsdom
 *
 * The console's members, API keys, webhooks and progress sections have no axe violations in jsdom
 * (labels, names, ARIA), with their data and with a userError shown. Colour contrast needs a
 * real browser: the organization journey checks it there.
 */
import { fireEvent, screen } from '@testing-library/react';
import axe from 'axe-core';
import {
  ApiKeyCreateMutation,
  OrganizationApiKeysQuery,
  OrganizationEnrollmentsQuery,
  OrganizationMembersQuery,
  OrganizationWebhooksQuery,
} from '@learncraft/operations';
import {
  apiKey,
  MEMBER,
  member,
  ORG_ID,
  organizationMock,
  OWNER,
  pageInfo,
  renderConsole,
  userError,
} from './organizationFixtures';

async function violations(): Promise<string[]> {
  // Rendered without the app's frame, the page is not inside <main>: the landmark rule is the frame's.
  const result = await axe.run(document.body, {
    rules: { 'color-contrast': { enabled: false }, region: { enabled: false } },
  });
  return result.violations.map(
    (violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`,
  );
}

const connection = (typename: string, nodes: unknown[]) => ({
  __typename: `${typename}Connection`,
  totalCount: nodes.length,
  pageInfo: pageInfo(false, null),
  edges: nodes.map((node, index) => ({ __typename: `${typename}Edge`, cursor: `c${index}`, node })),
});
const organization = (field: string, value: unknown) => ({
  data: { organization: { __typename: 'Organization', id: ORG_ID, [field]: value } },
});

describe('the organization console has no axe violations', () => {
  it('in the members section', async () => {
    renderConsole([
      organizationMock('OWNER'),
      {
        request: { query: OrganizationMembersQuery, variables: { id: ORG_ID, first: 50 } },
        result: organization(
          'members',
          connection('OrganizationMember', [member(OWNER, 'OWNER'), member(MEMBER, 'MEMBER')]),
        ),
      },
    ]);
    await screen.findByRole('table');
    expect(await violations()).toEqual([]);
  });

  it('in the API keys section, with a refusal shown at the scopes', async () => {
    renderConsole(
      [
        organizationMock('OWNER'),
        {
          request: { query: OrganizationApiKeysQuery, variables: { id: ORG_ID, first: 100 } },
          result: organization('apiKeys', connection('ApiKey', [apiKey()])),
        },
        {
          request: { query: ApiKeyCreateMutation },
          variableMatcher: () => true,
          result: {
            data: {
              apiKeyCreate: {
                __typename: 'ApiKeyCreatePayload',
                apiKey: null,
                secret: null,
                userErrors: [
                  userError('INVALID_SCOPES', 'Pick 1 to 7 distinct scopes.', ['input', 'scopes']),
                ],
              },
            },
          },
        },
      ],
      'keys',
    );
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await screen.findByText('Pick 1 to 7 distinct scopes.');
    expect(await violations()).toEqual([]);
  });

  it('in the webhooks section', async () => {
    renderConsole(
      [
        organizationMock('OWNER'),
        {
          request: { query: OrganizationWebhooksQuery, variables: { id: ORG_ID, first: 100 } },
          result: organization('webhookEndpoints', connection('WebhookEndpoint', [])),
        },
      ],
      'webhooks',
    );
    await screen.findByText('No webhook endpoints yet.');
    expect(await violations()).toEqual([]);
  });

  it('in the progress section', async () => {
    renderConsole(
      [
        organizationMock('MANAGER'),
        {
          request: {
            query: OrganizationEnrollmentsQuery,
            variables: { id: ORG_ID, first: 50, filterBy: {} },
          },
          result: organization(
            'enrollments',
            connection('Enrollment', [
              {
                __typename: 'Enrollment',
                id: 'e1',
                progressPercent: 40,
                completedAt: null,
                updatedAt: '2030-01-10T08:00:00.000Z',
                user: MEMBER,
                course: { __typename: 'Course', id: 'c1', slug: 'git', title: 'Git basics' },
              },
            ]),
          ),
        },
      ],
      'progress',
    );
    await screen.findByRole('table');
    expect(await violations()).toEqual([]);
  });
});
