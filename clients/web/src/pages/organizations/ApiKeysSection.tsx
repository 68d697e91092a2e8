/**
 * API keys (owners): every key with its name, prefix, scopes, dates and state; creating one with a
 * scope picker shows its secret once; rotating (with a grace period for the old key) shows the new
 * secret once; revoking asks to confirm. The secret lives only in this component's state until the
 * owner dismisses it.
 */
import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageSkeleton } from '../../components/Skeleton';
import { TableHead } from '../../components/TableHead';
import type { ApiKeyFieldsFragment, ApiKeyScope } from '@learncraft/operations/types';
import {
  ApiKeyCreateMutation,
  ApiKeyRevokeMutation,
  ApiKeyRotateMutation,
  OrganizationApiKeysQuery,
} from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { API_KEY_SCOPES, scopeName } from '../../lib/organizations';
import { fieldError, FieldMessage, FormMessages, formText, type FormUserError } from '../authForm';
import { answerErrors, ConfirmButton, SecretOnce } from './consoleParts';

/** Grace periods offered when rotating, in seconds (apiKeyRotate allows 0 to 86 400). */
const GRACE_OPTIONS = [
  [0, 'None: the old key stops now'],
  [3600, '1 hour'],
  [86_400, '24 hours'],
] as const;

export function ApiKeysSection({ organizationId }: { organizationId: string }) {
  const { data, loading, error, refetch } = useQuery(OrganizationApiKeysQuery, {
    variables: { id: organizationId, first: 100 },
    fetchPolicy: 'cache-and-network',
  });
  const [secret, setSecret] = useState<{ title: string; value: string } | null>(null);
  const connection = data?.organization?.apiKeys;
  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      {secret ? (
        <SecretOnce title={secret.title} secret={secret.value} onDone={() => setSecret(null)} />
      ) : (
        <ApiKeyCreateForm
          organizationId={organizationId}
          onCreated={(name, value) => setSecret({ title: `Key “${name}” created`, value })}
        />
      )}
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The API keys could not be loaded" />
      ) : !connection || connection.edges.length === 0 ? (
        <p>No API keys yet.</p>
      ) : (
        <table className="data-table api-keys">
          <caption>
            {connection.totalCount} {connection.totalCount === 1 ? 'key' : 'keys'}
          </caption>
          <TableHead columns={['Name', 'Prefix', 'Scopes', 'Created', 'Last used', 'State', 'Actions']} />
          <tbody>
            {connection.edges.map(({ node }) => (
              <ApiKeyRow
                key={node.id}
                apiKey={node}
                onRotated={(value) => setSecret({ title: `Key “${node.name}” rotated`, value })}
              />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function keyState(key: ApiKeyFieldsFragment): string {
  if (key.revokedAt)
    return new Date(key.revokedAt) > new Date()
      ? `Stops ${formatDate(key.revokedAt)}`
      : `Revoked ${formatDate(key.revokedAt)}`;
  if (key.expiresAt) return `Expires ${formatDate(key.expiresAt)}`;
  return 'Active';
}

function ApiKeyRow({
  apiKey,
  onRotated,
}: {
  apiKey: ApiKeyFieldsFragment;
  onRotated: (secret: string) => void;
}) {
  const [rotate, rotating] = useMutation(ApiKeyRotateMutation, {
    refetchQueries: ({ data }) => (data?.apiKeyRotate.apiKey ? [OrganizationApiKeysQuery] : []),
  });
  const [revoke, revoking] = useMutation(ApiKeyRevokeMutation);
  const [grace, setGrace] = useState(0);
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);
  const revoked = apiKey.revokedAt !== null;

  const onRotate = async () => {
    const answer = await rotate({ variables: { input: { apiKeyId: apiKey.id, graceSeconds: grace } } }).catch(
      () => null,
    );
    const payload = answer?.data?.apiKeyRotate;
    setErrors(answerErrors(payload, 'Rotating the key failed. Please try again.'));
    if (payload?.secret) onRotated(payload.secret);
  };
  const onRevoke = async () => {
    const answer = await revoke({ variables: { input: { apiKeyId: apiKey.id } } }).catch(() => null);
    setErrors(answerErrors(answer?.data?.apiKeyRevoke, 'Revoking the key failed. Please try again.'));
  };

  return (
    <tr className={revoked ? 'revoked' : undefined}>
      <td>{apiKey.name}</td>
      <td>
        <code>{apiKey.prefix}</code>
      </td>
      <td>{apiKey.scopes.map(scopeName).join(', ')}</td>
      <td>{formatDate(apiKey.createdAt)}</td>
      <td>{apiKey.lastUsedAt ? formatDate(apiKey.lastUsedAt) : 'Never'}</td>
      <td>{keyState(apiKey)}</td>
      <td>
        {!revoked && (
          <>
            <label className="field compact">
              <span>Old key keeps working</span>
              <select value={grace} onChange={(event) => setGrace(Number(event.target.value))}>
                {GRACE_OPTIONS.map(([seconds, label]) => (
                  <option key={seconds} value={seconds}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <ConfirmButton
              label="Rotate"
              confirmLabel="Rotate key"
              question={`Replace “${apiKey.name}” with a new key?`}
              busy={rotating.loading}
              onConfirm={onRotate}
            />{' '}
            <ConfirmButton
              label="Revoke"
              confirmLabel="Revoke key"
              question={`Revoke “${apiKey.name}”? Programs using it stop working.`}
              busy={revoking.loading}
              onConfirm={onRevoke}
            />
          </>
        )}
        <div role="alert">
          <FormMessages errors={errors} />
        </div>
      </td>
    </tr>
  );
}

function ApiKeyCreateForm({
  organizationId,
  onCreated,
}: {
  organizationId: string;
  onCreated: (name: string, secret: string) => void;
}) {
  const [create, creating] = useMutation(ApiKeyCreateMutation, {
    refetchQueries: ({ data }) => (data?.apiKeyCreate.apiKey ? [OrganizationApiKeysQuery] : []),
  });
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = formText(form, 'name').trim();
    const scopes = form.getAll('scopes').filter((value): value is ApiKeyScope => typeof value === 'string');
    const answer = await create({ variables: { input: { organizationId, name, scopes } } }).catch(() => null);
    const payload = answer?.data?.apiKeyCreate;
    setErrors(answerErrors(payload, 'Creating the key failed. Please try again.'));
    if (payload?.apiKey && payload.secret) onCreated(payload.apiKey.name, payload.secret);
  };

  const nameError = fieldError(errors, 'name');
  const scopesError = fieldError(errors, 'scopes');
  return (
    <form className="api-key-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h3>Create a key</h3>
      <label className="field">
        <span>Key name</span>
        <input
          name="name"
          autoComplete="off"
          maxLength={80}
          required
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? 'key-name-error' : undefined}
        />
        <FieldMessage id="key-name-error" message={nameError} />
      </label>
      <fieldset
        className="field scope-picker"
        aria-invalid={scopesError ? true : undefined}
        aria-describedby={scopesError ? 'scopes-error' : undefined}
      >
        <legend>Scopes</legend>
        {API_KEY_SCOPES.map((entry) => (
          <label key={entry.scope} className="choice">
            <input type="checkbox" name="scopes" value={entry.scope} />
            <code>{entry.name}</code> <span>{entry.description}</span>
          </label>
        ))}
        <FieldMessage id="scopes-error" message={scopesError} />
      </fieldset>
      <button type="submit" className="button" disabled={creating.loading}>
        {creating.loading ? 'Creating…' : 'Create key'}
      </button>
      <div role="alert">
        <FormMessages errors={errors} />
      </div>
    </form>
  );
}
