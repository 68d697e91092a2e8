/**
 * GraphQL glue of webhooks: `Organization.webhookEndpoints` (merged into identity's Organization
 * resolvers), `Query.webhookEndpoint`, the WebhookEndpoint and WebhookDelivery types, and the four
 * mutations.
 */
import { keyedLoader, pageRequest, toConnection, type Connection } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { eventTypeToEnum, type WebhookEventEnum } from '../domain/webhookEvents';
import type { EndpointCreateInput, EndpointUpdateInput, WebhookService } from '../services/webhookService';
import type { DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookStore } from '../stores/webhookStore';

/** What a request carries for webhooks (`IdentityContext.webhooks`). */
export interface WebhookRequest {
  service: WebhookService;
  endpointById: ReturnType<typeof endpointLoader>;
}

const endpointLoader = (store: WebhookStore) =>
  keyedLoader(
    (ids: readonly string[]) => store.endpointsByIds(ids),
    (endpoint) => endpoint.id,
  );

export function createWebhookRequest(service: WebhookService): WebhookRequest {
  return { service, endpointById: endpointLoader(service.store) };
}

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const webhookQueries = {
  webhookEndpoint: async (_root: unknown, { id }: { id: string }, context: IdentityContext) => {
    const endpoint = await context.webhooks.endpointById.load(id);
    if (!endpoint) return null;
    await context.webhooks.service.authorize(context, endpoint.organizationId, 'read');
    return endpoint;
  },
};

export const webhookOrganizationResolvers = {
  webhookEndpoints: async (
    organization: { id: string },
    args: PageArgs,
    context: IdentityContext,
  ): Promise<Connection<WebhookEndpoint>> => {
    const page = pageRequest(args);
    const { items, totalCount } = await context.webhooks.service.endpointsOf(context, organization.id, page);
    return toConnection(items, totalCount, page);
  },
};

export const webhookEndpointResolvers = {
  organization: (endpoint: WebhookEndpoint) => ({ __typename: 'Organization', id: endpoint.organizationId }),
  events: (endpoint: WebhookEndpoint): WebhookEventEnum[] => endpoint.events.map(eventTypeToEnum),
  deliveries: async (
    endpoint: WebhookEndpoint,
    args: PageArgs & { status?: DeliveryStatus | null },
    { webhooks }: IdentityContext,
  ): Promise<Connection<WebhookDelivery>> => {
    const page = pageRequest(args);
    const { items, totalCount } = await webhooks.service.deliveriesOf(endpoint.id, args.status ?? null, page);
    return toConnection(items, totalCount, page);
  },
};

export const webhookDeliveryResolvers = {
  endpoint: (delivery: WebhookDelivery, _args: unknown, { webhooks }: IdentityContext) =>
    webhooks.endpointById.load(delivery.endpointId),
  eventType: (delivery: WebhookDelivery): WebhookEventEnum => eventTypeToEnum(delivery.eventType),
  createdAt: (delivery: WebhookDelivery) => delivery.occurredAt,
};

export const webhookMutations = {
  webhookEndpointCreate: async (
    _root: unknown,
    { input }: { input: EndpointCreateInput },
    context: IdentityContext,
  ) => {
    const result = await context.webhooks.service.create(context, input);
    if ('userErrors' in result) return { endpoint: null, signingSecret: null, userErrors: result.userErrors };
    return { ...result, userErrors: [] };
  },
  webhookEndpointUpdate: async (
    _root: unknown,
    { input }: { input: EndpointUpdateInput },
    context: IdentityContext,
  ) => {
    const result = await context.webhooks.service.update(context, input);
    if ('userErrors' in result) return { endpoint: null, userErrors: result.userErrors };
    return { endpoint: result.endpoint, userErrors: [] };
  },
  webhookEndpointDelete: async (
    _root: unknown,
    { input }: { input: { endpointId: string } },
    context: IdentityContext,
  ) => ({
    deletedEndpointId: await context.webhooks.service.delete(context, input.endpointId),
    userErrors: [],
  }),
  webhookDeliveryRedeliver: async (
    _root: unknown,
    { input }: { input: { deliveryId: string } },
    context: IdentityContext,
  ) => {
    const result = await context.webhooks.service.redeliver(context, input.deliveryId);
    if ('userErrors' in result) return { delivery: null, userErrors: result.userErrors };
    return { delivery: result.delivery, userErrors: [] };
  },
};
