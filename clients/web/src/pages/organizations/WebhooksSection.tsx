/**
 * Webhooks (owners): the endpoints with their events; creating one shows its signing secret once;
 * each can be paused or resumed, deleted (confirmed), and opened on its delivery log (status,
 * attempts with their response codes, the payload as sent, redeliver).
 */
import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageSkeleton } from '../../components/Skeleton';
import { TableHead } from '../../components/TableHead';
import type {
  WebhookDeliveryFieldsFragment,
  WebhookEndpointFieldsFragment,
  WebhookEventType,
} from '@learncraft/operations/types';
import {
  OrganizationWebhooksQuery,
  WebhookDeliveriesQuery,
  WebhookDeliveryRedeliverMutation,
  WebhookEndpointCreateMutation,
  WebhookEndpointDeleteMutation,
  WebhookEndpointUpdateMutation,
} from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { DELIVERY_STATUS_LABELS, eventName, WEBHOOK_EVENTS } from '../../lib/organizations';
import { fieldError, FieldMessage, FormMessages, formText, type FormUserError } from '../authForm';
import { answerErrors, ConfirmButton, SecretOnce } from './consoleParts';

export function WebhooksSection({ organizationId }: { organizationId: string }) {
  const { data, loading, error, refetch } = useQuery(OrganizationWebhooksQuery, {
    variables: { id: organizationId, first: 100 },
    fetchPolicy: 'cache-and-network',
  });
  const [secret, setSecret] = useState<string | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  const connection = data?.organization?.webhookEndpoints;
  return (
    <section aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhooks</h2>
      {secret ? (
        <SecretOnce
          title="Endpoint added: its signing secret"
          secret={secret}
          onDone={() => setSecret(null)}
        />
      ) : (
        <EndpointCreateForm organizationId={organizationId} onCreated={setSecret} />
      )}
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !connection ? (
        <ErrorState
          error={error}
          onRetry={() => refetch()}
          title="The webhook endpoints could not be loaded"
        />
      ) : !connection || connection.edges.length === 0 ? (
        <p>No webhook endpoints yet.</p>
      ) : (
        <>
          <table className="data-table webhook-endpoints">
            <caption>
              {connection.totalCount} {connection.totalCount === 1 ? 'endpoint' : 'endpoints'}
            </caption>
            <TableHead columns={['URL', 'Events', 'State', 'Created', 'Actions']} />
            <tbody>
              {connection.edges.map(({ node }) => (
                <EndpointRow
                  key={node.id}
                  endpoint={node}
                  opened={opened === node.id}
                  onToggleLog={() => setOpened(opened === node.id ? null : node.id)}
                />
              ))}
            </tbody>
          </table>
          {opened && <DeliveryLog endpointId={opened} />}
        </>
      )}
    </section>
  );
}

function EndpointRow({
  endpoint,
  opened,
  onToggleLog,
}: {
  endpoint: WebhookEndpointFieldsFragment;
  opened: boolean;
  onToggleLog: () => void;
}) {
  const [update, updating] = useMutation(WebhookEndpointUpdateMutation);
  const [remove, removing] = useMutation(WebhookEndpointDeleteMutation, {
    refetchQueries: ({ data }) =>
      data?.webhookEndpointDelete.deletedEndpointId ? [OrganizationWebhooksQuery] : [],
  });
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);

  const onToggle = async () => {
    const input = { endpointId: endpoint.id, enabled: !endpoint.enabled };
    const answer = await update({ variables: { input } }).catch(() => null);
    setErrors(
      answerErrors(answer?.data?.webhookEndpointUpdate, 'Changing the endpoint failed. Please try again.'),
    );
  };
  const onDelete = async () => {
    const answer = await remove({ variables: { input: { endpointId: endpoint.id } } }).catch(() => null);
    setErrors(
      answerErrors(answer?.data?.webhookEndpointDelete, 'Deleting the endpoint failed. Please try again.'),
    );
  };

  return (
    <tr>
      <td>
        <code>{endpoint.url}</code>
        {endpoint.description && <small className="muted"> {endpoint.description}</small>}
      </td>
      <td>{endpoint.events.map(eventName).join(', ')}</td>
      <td>{endpoint.enabled ? 'Enabled' : 'Paused'}</td>
      <td>{formatDate(endpoint.createdAt)}</td>
      <td>
        <button type="button" className="button secondary" aria-expanded={opened} onClick={onToggleLog}>
          {opened ? 'Hide deliveries' : 'Deliveries'}
        </button>{' '}
        <button
          type="button"
          className="button secondary"
          disabled={updating.loading}
          onClick={() => void onToggle()}
        >
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>{' '}
        <ConfirmButton
          label="Delete"
          confirmLabel="Delete endpoint"
          question={`Delete the endpoint ${endpoint.url}? Pending deliveries are dropped.`}
          busy={removing.loading}
          onConfirm={onDelete}
        />
        <div role="alert">
          <FormMessages errors={errors} />
        </div>
      </td>
    </tr>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const { data, loading, error, refetch } = useQuery(WebhookDeliveriesQuery, {
    variables: { endpointId, first: 20 },
    fetchPolicy: 'cache-and-network',
  });
  const deliveries = data?.webhookEndpoint?.deliveries;
  return (
    <section aria-labelledby="deliveries-heading" className="delivery-log">
      <h3 id="deliveries-heading">Deliveries</h3>
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !deliveries ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The deliveries could not be loaded" />
      ) : !deliveries || deliveries.edges.length === 0 ? (
        <p>Nothing delivered to this endpoint yet.</p>
      ) : (
        <table className="data-table">
          <caption>
            Latest {deliveries.edges.length} of {deliveries.totalCount}
          </caption>
          <TableHead
            columns={['Event', 'Status', 'Attempts', 'Responses', 'Created', 'Payload', 'Actions']}
          />
          <tbody>
            {deliveries.edges.map(({ node }) => (
              <DeliveryRow key={node.id} delivery={node} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** What each attempt got: the HTTP status, or why no answer came. */
const responses = (delivery: WebhookDeliveryFieldsFragment): string =>
  delivery.attempts.map((attempt) => attempt.responseStatus ?? attempt.error ?? 'no answer').join(', ') ||
  '—';

function DeliveryRow({ delivery }: { delivery: WebhookDeliveryFieldsFragment }) {
  const [redeliver, redelivering] = useMutation(WebhookDeliveryRedeliverMutation);
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);
  const [queued, setQueued] = useState(false);
  const onRedeliver = async () => {
    setQueued(false);
    const answer = await redeliver({ variables: { input: { deliveryId: delivery.id } } }).catch(() => null);
    const payload = answer?.data?.webhookDeliveryRedeliver;
    setErrors(answerErrors(payload, 'Redelivering failed. Please try again.'));
    if (payload?.delivery) setQueued(true);
  };
  return (
    <tr>
      <td>
        {eventName(delivery.eventType)}
        <small className="muted"> {delivery.eventId}</small>
      </td>
      <td>{DELIVERY_STATUS_LABELS[delivery.status]}</td>
      <td>{delivery.attempts.length}</td>
      <td>{responses(delivery)}</td>
      <td>{formatDate(delivery.createdAt)}</td>
      <td>
        <details>
          <summary>View payload</summary>
          <pre>{delivery.payload}</pre>
        </details>
      </td>
      <td>
        <button
          type="button"
          className="button secondary"
          disabled={redelivering.loading}
          onClick={() => void onRedeliver()}
        >
          Redeliver
        </button>
        <div role="alert">
          <FormMessages errors={errors} />
        </div>
        <span role="status">{queued && 'Queued for delivery now.'}</span>
      </td>
    </tr>
  );
}

function EndpointCreateForm({
  organizationId,
  onCreated,
}: {
  organizationId: string;
  onCreated: (signingSecret: string) => void;
}) {
  const [create, creating] = useMutation(WebhookEndpointCreateMutation, {
    refetchQueries: ({ data }) => (data?.webhookEndpointCreate.endpoint ? [OrganizationWebhooksQuery] : []),
  });
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const events = form
      .getAll('events')
      .filter((value): value is WebhookEventType => typeof value === 'string');
    const description = formText(form, 'description').trim();
    const input = {
      organizationId,
      url: formText(form, 'url').trim(),
      events,
      description: description || null,
    };
    const answer = await create({ variables: { input } }).catch(() => null);
    const payload = answer?.data?.webhookEndpointCreate;
    setErrors(answerErrors(payload, 'Creating the endpoint failed. Please try again.'));
    if (payload?.endpoint && payload.signingSecret) onCreated(payload.signingSecret);
  };

  const urlError = fieldError(errors, 'url');
  const eventsError = fieldError(errors, 'events');
  return (
    <form className="webhook-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h3>Add an endpoint</h3>
      <label className="field">
        <span>Endpoint URL</span>
        <input
          name="url"
          type="url"
          autoComplete="off"
          maxLength={2000}
          required
          aria-invalid={urlError ? true : undefined}
          aria-describedby={urlError ? 'url-error' : undefined}
        />
        <FieldMessage id="url-error" message={urlError} />
      </label>
      <label className="field">
        <span>Description (optional)</span>
        <input name="description" autoComplete="off" maxLength={200} required={false} />
      </label>
      <fieldset
        className="field event-picker"
        aria-invalid={eventsError ? true : undefined}
        aria-describedby={eventsError ? 'events-error' : undefined}
      >
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((entry) => (
          <label key={entry.event} className="choice">
            <input type="checkbox" name="events" value={entry.event} />
            <code>{entry.name}</code>
          </label>
        ))}
        <FieldMessage id="events-error" message={eventsError} />
      </fieldset>
      <button type="submit" className="button" disabled={creating.loading}>
        {creating.loading ? 'Adding…' : 'Add endpoint'}
      </button>
      <div role="alert">
        <FormMessages errors={errors} />
      </div>
    </form>
  );
}
