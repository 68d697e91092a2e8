/**
 * The dispatcher: every poll interval it claims due deliveries (leased, so replicas never send
 * one row at once), checks each endpoint's address again (SSRF, DNS resolved now), POSTs the
 * stored body with a fresh signature, and records the attempt: 2xx is SUCCEEDED; anything else is
 * retried with exponential back-off until the give-up window has passed, then FAILED. At most
 * `concurrency` deliveries are in flight per process.
 */
import type { Logger } from '@learncraft/kit';
import { checkUrlAddresses, type HostResolver } from './webhookAddresses';
import type { WebhookSettings } from '../config';
import { nextAttemptAfterFailure } from '../domain/webhookRetry';
import { signatureHeader, type SecretBox } from './webhookSecrets';
import { postWebhook } from './webhookSender';
import type { ClaimedDelivery, WebhookStore } from '../stores/webhookStore';

export const WEBHOOK_USER_AGENT = 'LearnCraft-Webhooks/1';

export interface DispatcherOptions {
  store: WebhookStore;
  secrets: SecretBox;
  settings: WebhookSettings;
  resolve: HostResolver;
  logger: Logger;
  now: () => Date;
}

export class WebhookDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: DispatcherOptions) {}

  /** Starts polling every `pollIntervalMs`. */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.polling = this.poll()
        .then(() => undefined)
        .catch((error: unknown) => this.o.logger.error('webhook poll failed', { error }))
        .finally(() => {
          this.polling = null;
          if (!this.stopped) this.timer = setTimeout(tick, this.o.settings.pollIntervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops polling; resolves once the deliveries in flight have been recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await this.idle();
  }

  /** Claims what is due (up to the free places) and starts sending it; returns how many were claimed. */
  async poll(): Promise<number> {
    const room = this.o.settings.concurrency - this.inFlight.size;
    const claimed = await this.o.store.claimDue(this.o.now(), this.o.settings.leaseMs, room);
    for (const delivery of claimed) {
      const sending: Promise<void> = this.send(delivery)
        .catch((error: unknown) =>
          this.o.logger.error('webhook delivery failed unexpectedly', { deliveryId: delivery.id, error }),
        )
        .finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
    return claimed.length;
  }

  /** Resolves once every delivery in flight has been recorded. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** One poll and its deliveries, awaited (tests). */
  async runOnce(): Promise<number> {
    const claimed = await this.poll();
    await this.idle();
    return claimed;
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const startedAt = this.o.now();
    const started = performance.now();
    const result = await this.attempt(delivery, startedAt);
    const at = this.o.now();
    const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
    const attempt = {
      at: startedAt.toISOString(),
      responseStatus: result.status,
      durationMs: Math.round(performance.now() - started),
      error: succeeded ? null : (result.error ?? `HTTP ${result.status}`),
    };
    const nextAttemptAt = succeeded
      ? null
      : nextAttemptAfterFailure(this.o.settings, delivery.attemptCount + 1, delivery.createdAt, at);
    const status = succeeded ? 'SUCCEEDED' : nextAttemptAt ? 'PENDING' : 'FAILED';
    const recorded = await this.o.store.recordAttempt(delivery, { attempt, status, nextAttemptAt });
    this.o.logger[succeeded ? 'debug' : 'info'](`webhook delivery ${status.toLowerCase()}`, {
      deliveryId: delivery.id,
      eventId: delivery.eventId,
      responseStatus: result.status,
      error: attempt.error,
      recorded,
    });
  }

  private async attempt(delivery: ClaimedDelivery, at: Date) {
    const check = await checkUrlAddresses(delivery.url, this.o.settings.allowPrivateUrls, this.o.resolve);
    if (!check.ok) return { status: null, body: '', error: `refused: ${check.problem.message}` };
    const secret = this.o.secrets.open(delivery.secretEncrypted);
    return postWebhook({
      url: delivery.url,
      address: check.address,
      body: delivery.payload,
      timeoutMs: this.o.settings.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'learncraft-event-id': delivery.eventId,
        'learncraft-event-type': delivery.eventType,
        'learncraft-delivery-id': delivery.id,
        'learncraft-signature': signatureHeader(secret, delivery.payload, at),
      },
    });
  }
}
