/**
 * Webhooks of organizations: endpoints (GraphQL), the outbox of deliveries filled from progress's
 * learning events, and the dispatcher that sends them signed. `startWebhooks` wires them for
 * identity's server; the rest is the public surface for tests and the lead's merge.
 */
import type { KeyObject } from 'node:crypto';
import type { Database, EventBus, EventConsumer, Logger } from '@learncraft/kit';
import type { UserStore } from '../stores';
import { systemResolver, type HostResolver } from './webhookAddresses';
import { webhookSettings, type WebhookSettings, type webhookEnv } from '../config';
import { consumeLearningEvents } from './webhookConsumer';
import { WebhookDispatcher } from './webhookDispatcher';
import type { OrganizationAccess } from './webhookOrganizationAccess';
import { createSecretBox } from './webhookSecrets';
import { WebhookService } from './webhookService';
import { WebhookStore } from '../stores/webhookStore';
import type { z } from 'zod';

export { organizationAccessOf, type OrganizationAccess } from './webhookOrganizationAccess';
export { webhookEnv, webhookSettings, type WebhookSettings } from '../config';
export { WebhookDispatcher, WEBHOOK_USER_AGENT } from './webhookDispatcher';
export { WebhookService } from './webhookService';
export { WebhookStore } from '../stores/webhookStore';
export { queueLearningEvent } from './webhookConsumer';
export { LEARNING_TOPIC, WEBHOOK_CONSUMER_GROUP, WEBHOOK_EVENT_TYPES } from '../domain/webhookEvents';
export { isForbiddenAddress, type HostResolver } from './webhookAddresses';

export interface WebhooksOptions {
  config: z.infer<z.ZodObject<typeof webhookEnv>>;
  db: Database;
  users: Pick<UserStore, 'byId'>;
  organizations: OrganizationAccess;
  /** WEBHOOK_SECRET_KEY, else the identity signing key: what the secrets' encryption key is derived from. */
  secretKeyMaterial: string | KeyObject;
  /** The bus progress's learning events arrive on (its routes are served by identity). */
  events: EventBus;
  logger: Logger;
  now: () => Date;
  /** DNS for the SSRF checks (tests resolve names their own way). */
  resolve?: HostResolver;
  /** Dispatcher polling (default true); tests drive `dispatcher.runOnce()` themselves. */
  dispatch?: boolean;
}

export interface RunningWebhooks {
  readonly service: WebhookService;
  readonly dispatcher: WebhookDispatcher;
  readonly settings: WebhookSettings;
  close(): Promise<void>;
}

export async function startWebhooks(options: WebhooksOptions): Promise<RunningWebhooks> {
  const settings = webhookSettings(options.config);
  const store = new WebhookStore(options.db);
  const secrets = createSecretBox(options.secretKeyMaterial);
  const resolve = options.resolve ?? systemResolver;
  const service = new WebhookService({
    store,
    organizations: options.organizations,
    secrets,
    allowPrivateUrls: settings.allowPrivateUrls,
    resolve,
    now: options.now,
  });
  const dispatcher = new WebhookDispatcher({
    store,
    secrets,
    settings,
    resolve,
    logger: options.logger.child('dispatcher'),
    now: options.now,
  });
  const consumer: EventConsumer = await consumeLearningEvents(options.events, {
    store,
    users: options.users,
    organizations: options.organizations,
    logger: options.logger,
    now: options.now,
  });
  if (options.dispatch ?? true) dispatcher.start();
  if (settings.allowPrivateUrls)
    options.logger.warn('webhooks may reach private and loopback addresses (WEBHOOK_ALLOW_PRIVATE_URLS)');
  return {
    service,
    dispatcher,
    settings,
    async close() {
      await consumer.stop();
      await dispatcher.stop();
    },
  };
}
