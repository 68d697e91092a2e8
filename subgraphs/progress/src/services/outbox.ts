/**
 * The outbox relay: publishes the learning events progress wrote in its transactions, after their
 * commit, at least once, through the kit's EventBus (`{ id: row id, delivered: true }`, so the
 * HTTP-push bus resolves only once every subscriber acknowledged, and consumers recognise a repeat
 * by the id). It runs when kicked (after a commit that wrote events), on a timer, and at start, so
 * the rows a process left behind (it died, or the subscriber was down) go out from the next one.
 * Rows are leased, not locked across the publish: two replicas share the work without
 * publishing one row twice at once. A failed row is retried with back-off (doubling, capped)
 * and never dropped; the first failure also ends the batch and pauses the relay likewise.
 */
import { randomUUID } from 'node:crypto';
import { DrainLoop, type EventBus, type Logger } from '@learncraft/kit';
import type { OutboxRecord, OutboxStore } from '../stores/outboxStore';

export interface OutboxRelayOptions {
  store: OutboxStore;
  events: Pick<EventBus, 'publish'>;
  logger: Logger;
  /** How often due rows are looked for without a kick (default 1 s). */
  intervalMs?: number;
  batchSize?: number;
  /** How long a claim holds its rows: longer than one batch's publishing can take. */
  leaseMs?: number;
  /** Back-off after a failed publish: doubling from `retryBaseMs` up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Published rows are deleted after this long (default 7 days). */
  keepPublishedMs?: number;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

export class OutboxRelay {
  /** This relay's lease name: unique per process and start. */
  readonly owner = `progress:${process.pid}:${randomUUID()}`;
  private readonly loop: DrainLoop;
  private purgedAt = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.loop = new DrainLoop(() => this.round(), {
      name: 'outbox relay',
      logger: options.logger,
      intervalMs: options.intervalMs,
      retryBaseMs: options.retryBaseMs ?? 500,
      retryMaxMs: options.retryMaxMs ?? 60_000,
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Publishes what is due, now (unless backing off after a failure). */
  kick(): void {
    this.loop.kick();
  }

  /** Runs until nothing due is left or a publish failed; resolves when done. */
  drain(): Promise<void> {
    return this.loop.drain();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private get batchSize() {
    return this.options.batchSize ?? 50;
  }

  private async round(): Promise<'more' | 'done' | 'failed'> {
    const rows = await this.options.store.claim(this.owner, this.batchSize, this.options.leaseMs ?? 60_000);
    const published = await this.publishInOrder(rows);
    await this.purge();
    if (!published) return 'failed';
    return rows.length === this.batchSize ? 'more' : 'done';
  }

  /** True when every row was published; on the first failure (or a stop) the rest are given back. */
  private async publishInOrder(rows: OutboxRecord[]): Promise<boolean> {
    const { store, events, logger } = this.options;
    const published: string[] = [];
    for (const [index, row] of rows.entries()) {
      if (this.loop.isStopped) {
        await store.markPublished(this.owner, published);
        await store.release(
          this.owner,
          rows.slice(index).map((rest) => rest.id),
        );
        return true;
      }
      try {
        await events.publish(row.topic, row.payload, { id: row.id, delivered: true });
        published.push(row.id);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const retryInMs = this.loop.delay(row.attempts + 1);
        logger.warn('outbox event not published; will retry', {
          id: row.id,
          topic: row.topic,
          attempts: row.attempts + 1,
          retryInMs,
          error: message,
        });
        await store.markPublished(this.owner, published);
        await store.markFailed(this.owner, row.id, message, retryInMs);
        await store.release(
          this.owner,
          rows.slice(index + 1).map((rest) => rest.id),
        );
        return false;
      }
    }
    await store.markPublished(this.owner, published);
    return true;
  }

  private async purge(): Promise<void> {
    if (Date.now() - this.purgedAt < PURGE_EVERY_MS) return;
    this.purgedAt = Date.now();
    await this.options.store.purgePublished(this.options.keepPublishedMs ?? 7 * 24 * 60 * 60 * 1000);
  }
}
