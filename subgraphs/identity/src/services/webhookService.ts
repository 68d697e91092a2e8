/**
 * Webhook use cases behind the GraphQL fields: endpoints created, changed, deleted and listed,
 * deliveries listed and redelivered. Authorization: an OWNER of the organization (or a platform
 * admin), or an API key of that organization with `webhooks:read` (reads) / `webhooks:write`.
 */
import { randomUUID } from 'node:crypto';
import {
  authorizeOrganization,
  notFound,
  unauthenticated,
  userError,
  type PageRequest,
  type RequestBase,
  type UserError,
} from '@learncraft/kit';
import { checkUrlAddresses, type HostResolver } from './webhookAddresses';
import type { WebhookEventEnum } from '../domain/webhookEvents';
import type { OrganizationAccess } from './webhookOrganizationAccess';
import { newSigningSecret, type SecretBox } from './webhookSecrets';
import type { DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookStore } from '../stores/webhookStore';
import {
  MAX_ENDPOINTS_PER_ORGANIZATION,
  WebhookErrorCode,
  checkDescription,
  eventsProblem,
  toWireEvents,
} from '../domain/webhookValidation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Caller = Pick<RequestBase, 'viewer' | 'apiKey'>;

export interface EndpointCreateInput {
  organizationId: string;
  url: string;
  events: WebhookEventEnum[];
  description?: string | null;
}

export interface EndpointUpdateInput {
  endpointId: string;
  url?: string | null;
  events?: WebhookEventEnum[] | null;
  description?: string | null;
  enabled?: boolean | null;
}

export interface WebhookServiceOptions {
  store: WebhookStore;
  organizations: OrganizationAccess;
  secrets: SecretBox;
  allowPrivateUrls: boolean;
  resolve: HostResolver;
  now: () => Date;
}

export class WebhookService {
  constructor(private readonly o: WebhookServiceOptions) {}

  get store(): WebhookStore {
    return this.o.store;
  }

  async authorize(caller: Caller, organizationId: string, access: 'read' | 'write'): Promise<void> {
    await authorizeOrganization(
      caller,
      organizationId,
      { scope: access === 'read' ? 'webhooks:read' : 'webhooks:write', roles: ['OWNER'] },
      this.o.organizations,
    );
    if (!UUID.test(organizationId)) throw notFound('Organization', organizationId);
  }

  async endpointsOf(caller: Caller, organizationId: string, page: PageRequest) {
    await this.authorize(caller, organizationId, 'read');
    return this.o.store.endpointsPage(organizationId, page);
  }

  async create(
    caller: Caller,
    input: EndpointCreateInput,
  ): Promise<{ endpoint: WebhookEndpoint; signingSecret: string } | { userErrors: UserError[] }> {
    await this.authorize(caller, input.organizationId, 'write');
    const description = checkDescription(input.description ?? '');
    const problem =
      eventsProblem(input.events) ??
      ('problem' in description ? description.problem : null) ??
      (await this.urlProblem(input.url));
    if (problem) return { userErrors: [problem] };
    const signingSecret = newSigningSecret();
    const created = await this.o.store.createWithinLimit(
      {
        id: randomUUID(),
        organizationId: input.organizationId,
        url: input.url,
        description: 'value' in description ? description.value : '',
        events: toWireEvents(input.events),
        enabled: true,
        secretEncrypted: this.o.secrets.seal(signingSecret),
        createdAt: this.o.now(),
      },
      MAX_ENDPOINTS_PER_ORGANIZATION,
    );
    if (created === 'LIMIT_REACHED')
      return {
        userErrors: [
          userError(
            WebhookErrorCode.TOO_MANY_ENDPOINTS,
            `An organization can have at most ${MAX_ENDPOINTS_PER_ORGANIZATION} webhook endpoints.`,
            ['input', 'organizationId'],
          ),
        ],
      };
    return { endpoint: created, signingSecret };
  }

  async update(
    caller: Caller,
    input: EndpointUpdateInput,
  ): Promise<{ endpoint: WebhookEndpoint } | { userErrors: UserError[] }> {
    const endpoint = await this.endpointForWrite(caller, input.endpointId);
    const description = input.description == null ? null : checkDescription(input.description);
    const problem =
      (input.events == null ? null : eventsProblem(input.events)) ??
      (description && 'problem' in description ? description.problem : null) ??
      (input.url == null ? null : await this.urlProblem(input.url));
    if (problem) return { userErrors: [problem] };
    const updated = await this.o.store.updateEndpoint(
      endpoint.id,
      {
        ...(input.url == null ? {} : { url: input.url }),
        ...(input.events == null ? {} : { events: toWireEvents(input.events) }),
        ...(description && 'value' in description ? { description: description.value } : {}),
        ...(input.enabled == null ? {} : { enabled: input.enabled }),
      },
      this.o.now(),
    );
    if (!updated) throw notFound('WebhookEndpoint', input.endpointId);
    return { endpoint: updated };
  }

  async delete(caller: Caller, endpointId: string): Promise<string> {
    const endpoint = await this.endpointForWrite(caller, endpointId);
    await this.o.store.deleteEndpoint(endpoint.id);
    return endpoint.id;
  }

  async redeliver(
    caller: Caller,
    deliveryId: string,
  ): Promise<{ delivery: WebhookDelivery } | { userErrors: UserError[] }> {
    requireCaller(caller);
    const delivery = UUID.test(deliveryId) ? await this.o.store.deliveryById(deliveryId) : null;
    if (!delivery) throw notFound('WebhookDelivery', deliveryId);
    const endpoint = await this.endpointForWrite(caller, delivery.endpointId);
    if (!endpoint.enabled)
      return {
        userErrors: [
          userError(
            WebhookErrorCode.ENDPOINT_DISABLED,
            'The endpoint is paused: enable it before redelivering.',
            ['input', 'deliveryId'],
          ),
        ],
      };
    const redelivered = await this.o.store.redeliver(delivery.id, this.o.now());
    if (!redelivered) throw notFound('WebhookDelivery', deliveryId);
    return { delivery: redelivered };
  }

  deliveriesOf(endpointId: string, status: DeliveryStatus | null, page: PageRequest) {
    return this.o.store.deliveriesPage(endpointId, status, page);
  }

  private async endpointForWrite(caller: Caller, endpointId: string): Promise<WebhookEndpoint> {
    requireCaller(caller);
    const endpoint = UUID.test(endpointId) ? await this.o.store.endpointById(endpointId) : null;
    if (!endpoint) throw notFound('WebhookEndpoint', endpointId);
    await this.authorize(caller, endpoint.organizationId, 'write');
    return endpoint;
  }

  private async urlProblem(url: string): Promise<UserError | null> {
    const check = await checkUrlAddresses(url, this.o.allowPrivateUrls, this.o.resolve);
    return check.ok ? null : userError(check.problem.code, check.problem.message, ['input', 'url']);
  }
}

function requireCaller(caller: Caller): void {
  if (!caller.viewer && !caller.apiKey) throw unauthenticated();
}
