/**
 * The PubSub port that carries subscription events. Publish after the database commit; every
 * subscriber on every replica receives it (Redis) or every subscriber in this process (memory).
 * Each subscription has a bounded queue: when a consumer falls behind, the oldest events are
 * dropped and counted, so a slow reader cannot grow memory without limit.
 */
import Redis from 'ioredis';

export interface Subscription<T> extends AsyncIterableIterator<T> {
  /** Events discarded because this subscriber fell more than `queueLimit` behind. */
  readonly dropped: number;
}

export interface PubSub {
  publish<T>(topic: string, payload: T): Promise<void>;
  subscribe<T>(topic: string, options?: { queueLimit?: number }): Promise<Subscription<T>>;
  /** How many subscribers of `topic` this process has (for readiness checks and metrics). */
  subscriberCount(topic: string): number;
  close(): Promise<void>;
}

const DEFAULT_QUEUE_LIMIT = 1_000;

/** A queue-backed async iterator; `push` is called by the transport, `return` by the consumer. */
class QueueIterator<T> implements Subscription<T> {
  private readonly queue: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private done = false;
  dropped = 0;

  constructor(
    private readonly limit: number,
    private readonly onReturn: () => void,
  ) {}

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return;
    }
    if (this.queue.length >= this.limit) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(value);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift() as T, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
      this.onReturn();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

export class MemoryPubSub implements PubSub {
  private readonly topics = new Map<string, Set<QueueIterator<unknown>>>();

  publish<T>(topic: string, payload: T): Promise<void> {
    // Deliver a structured clone so publishers and subscribers never share mutable objects.
    for (const subscriber of this.topics.get(topic) ?? []) subscriber.push(structuredClone(payload));
    return Promise.resolve();
  }

  subscribe<T>(topic: string, options: { queueLimit?: number } = {}): Promise<Subscription<T>> {
    const set = this.topics.get(topic) ?? new Set();
    this.topics.set(topic, set);
    const iterator: QueueIterator<unknown> = new QueueIterator(
      options.queueLimit ?? DEFAULT_QUEUE_LIMIT,
      () => {
        set.delete(iterator);
        if (set.size === 0) this.topics.delete(topic);
      },
    );
    set.add(iterator);
    return Promise.resolve(iterator as Subscription<T>);
  }

  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    for (const set of this.topics.values()) for (const iterator of set) await iterator.return();
    this.topics.clear();
  }
}

/**
 * Redis adapter: one publisher connection and one subscriber connection per process; a channel is
 * subscribed in Redis while at least one local subscriber listens to it.
 */
export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly local = new MemoryPubSub();
  private readonly listeners = new Map<string, number>();

  constructor(
    url: string,
    private readonly prefix = 'learncraft:',
  ) {
    this.publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.subscriber = new Redis(url, { lazyConnect: false });
    this.subscriber.on('message', (channel: string, message: string) => {
      void this.local.publish(channel.slice(this.prefix.length), JSON.parse(message));
    });
  }

  async publish<T>(topic: string, payload: T): Promise<void> {
    await this.publisher.publish(this.prefix + topic, JSON.stringify(payload));
  }

  async subscribe<T>(topic: string, options: { queueLimit?: number } = {}): Promise<Subscription<T>> {
    const count = this.listeners.get(topic) ?? 0;
    this.listeners.set(topic, count + 1);
    if (count === 0) await this.subscriber.subscribe(this.prefix + topic);
    const inner = await this.local.subscribe<T>(topic, options);
    const release = async () => {
      const left = (this.listeners.get(topic) ?? 1) - 1;
      if (left > 0) this.listeners.set(topic, left);
      else {
        this.listeners.delete(topic);
        await this.subscriber.unsubscribe(this.prefix + topic).catch(() => undefined);
      }
    };
    return {
      get dropped() {
        return inner.dropped;
      },
      next: () => inner.next(),
      async return() {
        await release();
        return inner.return!();
      },
      [Symbol.asyncIterator](this: Subscription<T>) {
        return this;
      },
    };
  }

  subscriberCount(topic: string): number {
    return this.local.subscriberCount(topic);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

export function createPubSub(redisUrl: string | undefined): PubSub {
  return redisUrl ? new RedisPubSub(redisUrl) : new MemoryPubSub();
}
