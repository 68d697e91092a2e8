/**
 * @jest-environment jsdom
 *
 * The console's API keys (owners): the list with prefix, scopes, dates and state; creating a key
 * with the scopes picked shows its secret exactly once (copyable, with the warning), and after it
 * is dismissed the secret is nowhere on the page; a refusal shows at the scopes and keeps the
 * form; rotating shows the new secret once; revoking asks first.
 */
import { fireEvent, screen, within } from '@testing-library/react';
import type {
  ApiKeyCreateMutationVariables,
  ApiKeyRotateMutationVariables,
} from '@learncraft/operations/types';
import {
  ApiKeyCreateMutation,
  ApiKeyRevokeMutation,
  ApiKeyRotateMutation,
  OrganizationApiKeysQuery,
} from '@learncraft/operations';
import { apiKey, ORG_ID, organizationMock, pageInfo, renderConsole, userError } from './organizationFixtures';

const SECRET = 'lck_3fa9c2d1_Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg';
const NEW_SECRET = 'lck_77aa00ff_bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2VjcmV0bmV3c2U';

function keysMock(keys: ReturnType<typeof apiKey>[]) {
  return {
    request: { query: OrganizationApiKeysQuery, variables: { id: ORG_ID, first: 100 } },
    result: {
      data: {
        organization: {
          __typename: 'Organization',
          id: ORG_ID,
          apiKeys: {
            __typename: 'ApiKeyConnection',
            totalCount: keys.length,
            pageInfo: pageInfo(false, null),
            edges: keys.map((node) => ({ __typename: 'ApiKeyEdge', cursor: node.id, node })),
          },
        },
      },
    },
  };
}

const created = apiKey({
  id: 'key-2',
  name: 'Progress sync',
  prefix: 'lck_3fa9c2d1',
  scopes: ['MEMBERS_WRITE', 'PROGRESS_READ'],
  createdAt: '2030-01-05T12:00:00.000Z',
});

const keyRows = () =>
  Array.from(document.querySelectorAll('table.api-keys tbody tr')).map((row) =>
    Array.from(row.querySelectorAll('td'))
      .slice(0, 6)
      .map((cell) => cell.textContent),
  );

describe('the API keys section', () => {
  const writeText = jest.fn(() => Promise.resolve());
  beforeEach(() => {
    writeText.mockClear();
    Object.assign(navigator, { clipboard: { writeText } });
  });

  it('lists keys with their prefix, scopes, creation, last use and state', async () => {
    renderConsole(
      [
        organizationMock('OWNER'),
        keysMock([
          apiKey({ lastUsedAt: '2030-01-06T09:30:00.000Z', scopes: ['MEMBERS_READ', 'PROGRESS_READ'] }),
          apiKey({
            id: 'key-0',
            name: 'Old',
            prefix: 'lck_00000000',
            createdAt: '2024-12-01T12:00:00.000Z',
            revokedAt: '2025-01-05T12:00:00.000Z',
          }),
          // Rotated with a grace period that ends after the machine's clock: still working.
          apiKey({
            id: 'key-9',
            name: 'Rotated',
            prefix: 'lck_99999999',
            revokedAt: '2099-01-05T12:00:00.000Z',
          }),
        ]),
      ],
      'keys',
    );
    await screen.findByRole('table');
    expect(keyRows()).toEqual([
      ['HR sync', 'lck_3fa9c2d1', 'members:read, progress:read', 'Jan 4, 2030', 'Jan 6, 2030', 'Active'],
      ['Old', 'lck_00000000', 'members:read', 'Dec 1, 2024', 'Never', 'Revoked Jan 5, 2025'],
      ['Rotated', 'lck_99999999', 'members:read', 'Jan 4, 2030', 'Never', 'Stops Jan 5, 2099'],
    ]);
    const revokedRow = screen.getAllByRole('row')[2]!;
    expect(within(revokedRow).queryByRole('button', { name: 'Revoke' })).toBeNull();
    expect(within(revokedRow).queryByRole('button', { name: 'Rotate' })).toBeNull();
  });

  it('creates a key with the picked scopes and shows its secret once, gone once dismissed', async () => {
    const sent: ApiKeyCreateMutationVariables['input'][] = [];
    renderConsole(
      [
        organizationMock('OWNER'),
        keysMock([]),
        {
          request: { query: ApiKeyCreateMutation },
          variableMatcher: () => true,
          result: (variables: ApiKeyCreateMutationVariables) => {
            sent.push(variables.input);
            return {
              data: {
                apiKeyCreate: {
                  __typename: 'ApiKeyCreatePayload',
                  apiKey: created,
                  secret: SECRET,
                  userErrors: [],
                },
              },
            };
          },
        },
        keysMock([created]),
      ],
      'keys',
    );
    await screen.findByText('No API keys yet.');
    fireEvent.change(screen.getByLabelText('Key name'), { target: { value: '  Progress sync ' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /^members:write/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /^progress:read/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));

    const secretField = await within(
      await screen.findByRole('region', { name: 'Key “Progress sync” created' }),
    ).findByLabelText<HTMLInputElement>('Secret');
    expect(secretField.value).toBe(SECRET);
    expect(secretField.readOnly).toBe(true);
    expect(screen.getByText('Copy it now: you will not see it again.')).toBeTruthy();
    expect(sent).toEqual([
      { organizationId: ORG_ID, name: 'Progress sync', scopes: ['MEMBERS_WRITE', 'PROGRESS_READ'] },
    ]);

    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await screen.findByText('Copied to the clipboard.');
    expect(writeText).toHaveBeenCalledWith(SECRET);

    await screen.findByRole('table');
    expect(keyRows()).toEqual([
      ['Progress sync', 'lck_3fa9c2d1', 'members:write, progress:read', 'Jan 5, 2030', 'Never', 'Active'],
    ]);
    // The list never carries the secret: only the prefix.
    expect(document.querySelector('table')!.textContent).not.toContain(SECRET);

    fireEvent.click(screen.getByRole('button', { name: 'I have stored it' }));
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(screen.getByRole('button', { name: 'Create key' })).toBeTruthy();
  });

  it('shows a refusal at the scopes, keeps the name typed and shows no secret', async () => {
    renderConsole(
      [
        organizationMock('OWNER'),
        keysMock([]),
        {
          request: {
            query: ApiKeyCreateMutation,
            variables: { input: { organizationId: ORG_ID, name: 'Nothing', scopes: [] } },
          },
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
    await screen.findByText('No API keys yet.');
    fireEvent.change(screen.getByLabelText('Key name'), { target: { value: 'Nothing' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create key' }));
    await screen.findByText('Pick 1 to 7 distinct scopes.');
    const scopes = screen.getByRole('group', { name: 'Scopes' });
    expect(scopes.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(scopes.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Pick 1 to 7 distinct scopes.',
    );
    expect(screen.getByLabelText<HTMLInputElement>('Key name').value).toBe('Nothing');
    expect(screen.queryByText('Copy it now: you will not see it again.')).toBeNull();
  });

  it('rotates a key with a grace period and shows the new secret once', async () => {
    const sent: ApiKeyRotateMutationVariables['input'][] = [];
    renderConsole(
      [
        organizationMock('OWNER'),
        keysMock([apiKey()]),
        {
          request: { query: ApiKeyRotateMutation },
          variableMatcher: () => true,
          result: (variables: ApiKeyRotateMutationVariables) => {
            sent.push(variables.input);
            return {
              data: {
                apiKeyRotate: {
                  __typename: 'ApiKeyRotatePayload',
                  apiKey: apiKey({ id: 'key-3', prefix: 'lck_77aa00ff' }),
                  secret: NEW_SECRET,
                  previousApiKey: apiKey({ revokedAt: '2030-01-07T12:00:00.000Z' }),
                  userErrors: [],
                },
              },
            };
          },
        },
        keysMock([
          apiKey({ id: 'key-3', prefix: 'lck_77aa00ff' }),
          apiKey({ revokedAt: '2030-01-07T12:00:00.000Z' }),
        ]),
      ],
      'keys',
    );
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Old key keeps working'), { target: { value: '3600' } });
    fireEvent.click(screen.getByRole('button', { name: 'Rotate' }));
    fireEvent.click(screen.getByRole('button', { name: 'Rotate key' }));
    const secretField = await within(
      await screen.findByRole('region', { name: 'Key “HR sync” rotated' }),
    ).findByLabelText<HTMLInputElement>('Secret');
    expect(secretField.value).toBe(NEW_SECRET);
    expect(sent).toEqual([{ apiKeyId: 'key-1', graceSeconds: 3600 }]);
  });

  it('revokes a key only after confirming, and shows the refusal when it was already revoked', async () => {
    let calls = 0;
    renderConsole(
      [
        organizationMock('OWNER'),
        keysMock([apiKey()]),
        {
          request: { query: ApiKeyRevokeMutation, variables: { input: { apiKeyId: 'key-1' } } },
          result: () => {
            calls += 1;
            return {
              data: {
                apiKeyRevoke: {
                  __typename: 'ApiKeyRevokePayload',
                  apiKey: null,
                  userErrors: [userError('API_KEY_REVOKED', 'This key is already revoked.')],
                },
              },
            };
          },
        },
      ],
      'keys',
    );
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(calls).toBe(0);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(
      screen.getByRole('group', { name: 'Revoke “HR sync”? Programs using it stop working.' }),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Revoke key' }));
    await screen.findByText('This key is already revoked.');
    expect(calls).toBe(1);
  });
});
