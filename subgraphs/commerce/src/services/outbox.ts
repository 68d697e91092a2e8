/**
 * The outbox relay: publishes the events commerce wrote in its transactions, after their commit,
 * at least once. It runs when kicked (after a commit that wrote events), on a timer, and at
 * start, so events of a process that died between commit and publish go out from the next one.
 * Rows go out in order; a row is marked published only after the bus accepted it (with
 * `delivered: true` the HTTP-push bus waits for every subscriber), and the first failure stops the
 * batch and backs off. Consumers recognise a repeat by the event id, which is the row's id.
 */
import { DrainLoop, type Logger } from '@learncraft/kit';
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
  private readonly loop: DrainLoop;

  constructor(private readonly options: OutboxRelayOptions) {
    this.loop = new DrainLoop(() => this.round(), {
      name: 'outbox relay',
      logger: options.logger,
      intervalMs: options.intervalMs,
      retryBaseMs: options.retryBaseMs ?? 500,
      retryMaxMs: options.retryMaxMs ?? 30_000,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Publishes what is waiting, now (unless backing off after a failure). */
  kick(): void {
    this.loop.kick();
  }

  /** Runs until nothing is left to publish or a publish failed; resolves when done. */
  drain(): Promise<void> {
    return this.loop.drain();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async round(): Promise<'more' | 'done' | 'failed'> {
    const batchSize = this.options.batchSize ?? 50;
    let outcome: 'more' | 'done' | 'failed' = 'done';
    await this.options.store.withUnpublished(batchSize, async (rows) => {
      const report = await this.publishInOrder(rows);
      outcome = report.failure ? 'failed' : rows.length === batchSize ? 'more' : 'done';
      return report;
    });
    return outcome;
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
        return { published, failure: { id: row.id, error: message } };
      }
    }
    return { published, failure: null };
  }
}
