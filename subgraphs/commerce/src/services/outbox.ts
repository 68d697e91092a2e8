/**
 * The outbox relay: publishes the events commerce wrote in its transactions, after their commit,
 * at least once. It runs when kicked (after a commit that wrote events), on a timer, and at
 * start, so events of a process that died between commit and publish go out from the next one.
 * Rows go out in order; a row is marked published only after the bus accepted it (with
 * `delivered: true` the HTTP-push bus waits for every subscriber), and the first failure stops the
 * batch and backs off. Consumers recognise a repeat by the event id, which is the row's id.
 */
import type { Logger } from '@learncraft/kit';
import type { CommerceStore, OutboxRecord } from '../stores/commerceStore';

/** The options of the kit's `EventBus.publish` this relay relies on. */
export interface PublishOptions {
  /** The event id (the outbox row's), so consumers recognise a repeat. */
  id?: string;
  /** HTTP push: resolve only once every subscriber acknowledged it. */
  delivered?: boolean;
}

/** What the relay needs of the kit's EventBus. */
export interface OutboxPublisher {
  publish(topic: string, payload: unknown, options?: PublishOptions): Promise<void>;
}

export interface OutboxRelayOptions {
  store: CommerceStore;
  events: OutboxPublisher;
  logger: Logger;
  /** How often unpublished rows are looked for without a kick. */
  intervalMs?: number;
  batchSize?: number;
  /** Back-off after a failed publish: doubling from `retryBaseMs` up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private retryAt = 0;
  private stopped = true;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
    this.kick();
  }

  /** Publishes what is waiting, now (unless backing off after a failure). */
  kick(): void {
    if (this.stopped || Date.now() < this.retryAt) return;
    void this.drain();
  }

  /** Runs until nothing is left to publish or a publish failed; resolves when done. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      let more = false;
      try {
        await this.options.store.withUnpublished(this.options.batchSize ?? 50, async (rows) => {
          const report = await this.publishInOrder(rows);
          more = rows.length === (this.options.batchSize ?? 50) && report.failure === null;
          return report;
        });
      } catch (error) {
        this.options.logger.error('outbox relay failed', { error });
        this.backOff();
        return;
      }
      if (more) this.again = true;
    } while (this.again && !this.stopped && Date.now() >= this.retryAt);
  }

  private async publishInOrder(rows: OutboxRecord[]) {
    const published: string[] = [];
    for (const row of rows) {
      try {
        await this.options.events.publish(row.topic, row.payload, { id: row.id, delivered: true });
        published.push(row.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.options.logger.warn('outbox event not published; will retry', {
          id: row.id,
          topic: row.topic,
          attempts: row.attempts + 1,
          error: message,
        });
        this.backOff();
        return { published, failure: { id: row.id, error: message } };
      }
    }
    this.failures = 0;
    this.retryAt = 0;
    return { published, failure: null };
  }

  private backOff(): void {
    this.failures += 1;
    const base = this.options.retryBaseMs ?? 500;
    const delay = Math.min(this.options.retryMaxMs ?? 30_000, base * 2 ** (this.failures - 1));
    this.retryAt = Date.now() + delay;
  }
}
