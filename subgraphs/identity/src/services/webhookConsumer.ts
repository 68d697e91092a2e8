/**
 * The consumer of progress's learning events (group `identity-webhooks`): for each organization
 * the learner belongs to, and each of its enabled endpoints subscribed to the event's type, one
 * delivery is queued in the outbox, once per (endpoint, event id) however often the event comes.
 * A handler failure (database, organizations) rejects, so the bus retries the event.
 */
import type { DomainEvent, EventBus, EventConsumer, Logger } from '@learncraft/kit';
import type { UserStore } from '../stores';
import {
  LEARNING_TOPIC,
  WEBHOOK_CONSUMER_GROUP,
  learningEventSchema,
  webhookBody,
  webhookTypeOf,
} from '../domain/webhookEvents';
import type { OrganizationAccess } from './webhookOrganizationAccess';
import type { WebhookStore } from '../stores/webhookStore';

export interface ConsumerOptions {
  store: WebhookStore;
  users: Pick<UserStore, 'byId'>;
  organizations: OrganizationAccess;
  logger: Logger;
  now: () => Date;
}

/** Queues the deliveries of one learning event; returns how many were new. */
export async function queueLearningEvent(
  options: ConsumerOptions,
  event: DomainEvent<unknown>,
): Promise<number> {
  const parsed = learningEventSchema.safeParse(event.payload);
  if (!parsed.success) {
    options.logger.warn('unreadable learning event ignored', {
      eventId: event.id,
      issues: parsed.error.issues.slice(0, 3),
    });
    return 0;
  }
  const learning = parsed.data;
  const memberships = await options.organizations.organizationsOf(learning.userId);
  if (memberships.length === 0) return 0;
  const type = webhookTypeOf(learning);
  const endpoints = await options.store.subscribedEndpoints(
    memberships.map((membership) => membership.organizationId),
    type,
  );
  if (endpoints.length === 0) return 0;
  const user = await options.users.byId(learning.userId);
  if (!user) return 0;
  const occurredAt = new Date(learning.occurredAt);
  return options.store.enqueue(
    endpoints.map((endpoint) => ({
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: type,
      payload: webhookBody(event.id, learning, endpoint.organizationId, user),
      occurredAt,
    })),
    options.now(),
  );
}

export function consumeLearningEvents(bus: EventBus, options: ConsumerOptions): Promise<EventConsumer> {
  return bus.consume(LEARNING_TOPIC, WEBHOOK_CONSUMER_GROUP, async (event) => {
    await queueLearningEvent(options, event);
  });
}
