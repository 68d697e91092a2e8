/**
 * The EventBus port: domain events between services (e.g. catalog's `course.changed`, which the ai
 * service indexes from), published after the database commit. Unlike PubSub (live subscription
 * fan-out, lossy by design) every event reaches every consumer group at least once:
 *
 * - Redis adapter (REDIS_URL set): one Redis Stream per topic, a consumer group per `group`.
 *   Replicas of one consumer share the group's work; an event is acknowledged only after its
 *   handler succeeds, a failed one is retried, and the pending entries of a consumer that died are
 *   claimed by another after `claimIdleMs`. A group is created at the start of the stream, so a
 *   group's first consumer also receives the events published before it existed, as far back as
 *   the stream's cap (`maxStreamLength`, approximate) keeps them.
 * - HTTP push adapter (embedded default): the publisher POSTs each event to every subscriber base
 *   URL at `POST /internal/events` (internal secret), in the background, retrying with exponential
 *   back-off for about ten minutes; the consumer serves that route from `routes()` and answers 202
 *   only once its handler succeeded (503 while no handler is registered, so the publisher retries).
 *   The queue lives in the publisher's memory: events still queued when it stops are lost (logged).
 *   A publisher with its own durable outbox passes `{ delivered: true }` instead: one attempt per
 *   subscriber, awaited, rejecting unless every subscriber acknowledged, and nothing queued.
 *
 * Delivery is at-least-once and unordered across retries: handlers must be idempotent, and may use
 * `DomainEvent.id` to recognise a repeat.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ServerResponse } from 'node:http';
import Redis from 'ioredis';
import { z } from 'zod';
import type { SubgraphEnv } from './config';
import { sendJson, type HttpRoute } from './http';
import { internalHeaders, internalJsonRoute, parseJsonBody } from './internal';
import type { Logger } from './logger';

export interface DomainEvent<T> {
  /** Unique per published event; a redelivery carries the same id. */
  id: string;
  topic: string;
  payload: T;
  /** ISO-8601 time of publication. */
  publishedAt: string;
}

export type EventHandler<T> = (event: DomainEvent<T>) => Promise<void>;

export interface EventConsumer {
  /** Stops taking events; resolves once a handler that is running has finished. */
  stop(): Promise<void>;
}

/** How one event is published. */
export interface PublishOptions {
  /** The event's id (e.g. its outbox row id, so consumers recognise a repeat); a fresh UUID otherwise. */
  id?: string;
  /**
   * HTTP push: resolve only after every subscriber acknowledged the event (one attempt each,
   * rejecting when any did not; no background retry, the caller retries, e.g. from its outbox).
   * Redis resolves after XADD either way.
   */
  delivered?: boolean;
}

export interface EventBus {
  publish<T>(topic: string, payload: T, options?: PublishOptions): Promise<void>;
  consume<T>(topic: string, group: string, handler: EventHandler<T>): Promise<EventConsumer>;
  /** Routes a consumer must serve (the HTTP adapter's `POST /internal/events`); none on Redis. */
  routes(): Record<string, HttpRoute>;
  close(): Promise<void>;
}

export const EVENTS_ROUTE = 'POST /internal/events';
export const EVENTS_PATH = '/internal/events';

export interface EventBusOptions {
  /** Redis Streams when set; HTTP push otherwise. */
  redisUrl?: string;
  /** HTTP push: base URLs of the consuming services (e.g. http://127.0.0.1:4005). */
  subscriberUrls: string[];
  /**
   * HTTP push: the consumers of particular topics, instead of `subscriberUrls` for those topics.
   * A consumer answers 503 for a topic it has no handler for (it may still be starting), so a
   * publisher of several topics names who consumes each; a topic listed with no URLs goes nowhere.
   */
  subscribersByTopic?: Record<string, string[]>;
  /** The internal secret: sent by the HTTP publisher, required by the HTTP consumer's route. */
  secret?: string;
  logger: Logger;
  /** The publishing or consuming service's name (consumer names, logs). */
  service: string;
  /** Redis: key prefix of the streams (tests use a fresh one). */
  streamPrefix?: string;
  /** Redis: the approximate number of events each stream keeps. */
  maxStreamLength?: number;
  /** Redis: how long a read blocks before the consumer looks for retries again. */
  blockMs?: number;
  /** Redis: pending events idle this long (their consumer died) are claimed by another. */
  claimIdleMs?: number;
  /** Redis: events one read takes at most. */
  batchSize?: number;
  /** Both: retry back-off (first delay, doubling up to the cap) and attempts before an event is dropped. */
  retry?: Partial<RetryPolicy>;
  /** HTTP push: deliveries held at once (all subscribers); beyond it the oldest is dropped. */
  maxQueued?: number;
  /** HTTP push: how long one delivery may take (the consumer's handler runs inside it). */
  deliveryTimeoutMs?: number;
}

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

/** 0.5 s doubling to 60 s: seventeen attempts span about ten minutes. */
export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 60_000, maxAttempts: 17 };

export function createEventBus(options: EventBusOptions): EventBus {
  return options.redisUrl
    ? new RedisEventBus({ ...options, redisUrl: options.redisUrl })
    : new HttpEventBus(options);
}

/**
 * A subgraph's bus for the events it consumes (and publishes to no HTTP subscriber): Redis Streams
 * when REDIS_URL is set, else HTTP push received on `routes()`, which the subgraph must serve.
 */
export function createConsumerEventBus(
  config: Pick<SubgraphEnv, 'REDIS_URL' | 'INTERNAL_API_SECRET'>,
  service: string,
  logger: Logger,
): EventBus {
  return createEventBus({
    redisUrl: config.REDIS_URL,
    subscriberUrls: [],
    secret: config.INTERNAL_API_SECRET,
    logger: logger.child('events'),
    service,
  });
}

/** The delay before retry number `attempt` (1 = the first retry). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

const eventBody = z.object({
  id: z.string().min(1).max(200),
  topic: z.string().min(1).max(200),
  payload: z.unknown(),
  publishedAt: z.string().min(1).max(100),
});

function newEvent<T>(topic: string, payload: T, id?: string): DomainEvent<T> {
  return { id: id ?? randomUUID(), topic, payload, publishedAt: new Date().toISOString() };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

// ---------------------------------------------------------------------------------------------
// HTTP push

interface Delivery {
  url: string;
  event: DomainEvent<unknown>;
  attempts: number;
  timer?: NodeJS.Timeout;
}

export class HttpEventBus implements EventBus {
  private readonly handlers = new Map<string, { group: string; handler: EventHandler<unknown> }[]>();
  /** Round-robin position per `topic\0group`, so consumers of one group share its events. */
  private readonly turns = new Map<string, number>();
  private readonly queued = new Set<Delivery>();
  private readonly retry: RetryPolicy;
  private closed = false;

  constructor(private readonly options: EventBusOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const pushes = [options.subscriberUrls, ...Object.values(options.subscribersByTopic ?? {})];
    if (pushes.some((urls) => urls.length > 0) && !options.secret) {
      throw new Error('The HTTP event bus needs the internal secret to push events to subscribers.');
    }
  }

  publish<T>(topic: string, payload: T, options: PublishOptions = {}): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The event bus is closed.'));
    const event = newEvent(topic, payload, options.id) as DomainEvent<unknown>;
    const bases = this.options.subscribersByTopic?.[topic] ?? this.options.subscriberUrls;
    const urls = bases.map((base) => `${base.replace(/\/+$/, '')}${EVENTS_PATH}`);
    if (options.delivered) return this.deliverNow(event, urls);
    for (const url of urls) {
      const delivery: Delivery = { url, event, attempts: 0 };
      this.enqueue(delivery);
      void this.attempt(delivery);
    }
    return Promise.resolve();
  }

  consume<T>(topic: string, group: string, handler: EventHandler<T>): Promise<EventConsumer> {
    const entry = { group, handler: handler as EventHandler<unknown> };
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), entry]);
    return Promise.resolve({
      stop: () => {
        const left = (this.handlers.get(topic) ?? []).filter((candidate) => candidate !== entry);
        if (left.length > 0) this.handlers.set(topic, left);
        else this.handlers.delete(topic);
        return Promise.resolve();
      },
    });
  }

  routes(): Record<string, HttpRoute> {
    return {
      [EVENTS_ROUTE]: internalJsonRoute(
        {
          secret: this.options.secret,
          schema: eventBody,
          shape: '{"id": string, "topic": string, "payload": any, "publishedAt": string}',
        },
        (event, res) => this.receive(event as DomainEvent<unknown>, res),
      ),
    };
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.queued.size > 0) {
      this.options.logger.warn('event deliveries dropped on close', { count: this.queued.size });
    }
    for (const delivery of this.queued) clearTimeout(delivery.timer);
    this.queued.clear();
    this.handlers.clear();
    return Promise.resolve();
  }

  private enqueue(delivery: Delivery) {
    const limit = this.options.maxQueued ?? 10_000;
    if (this.queued.size >= limit) {
      const [oldest] = this.queued;
      if (oldest) {
        clearTimeout(oldest.timer);
        this.queued.delete(oldest);
        this.options.logger.error('event delivery dropped: the queue is full', {
          eventId: oldest.event.id,
          topic: oldest.event.topic,
          url: oldest.url,
        });
      }
    }
    this.queued.add(delivery);
  }

  /** One attempt per subscriber, all at once; rejects naming the subscribers that did not acknowledge. */
  private async deliverNow(event: DomainEvent<unknown>, urls: string[]): Promise<void> {
    const outcomes = await Promise.all(urls.map((url) => this.post(url, event)));
    const failures = outcomes.flatMap((outcome, index) =>
      outcome.ok ? [] : [`${urls[index]}: ${outcome.failure}`],
    );
    if (failures.length > 0) {
      throw new Error(`event ${event.id} (${event.topic}) was not delivered to ${failures.join('; ')}`);
    }
  }

  /** POSTs the event once; `final` when the refusal will not change on a retry (bad body, wrong secret). */
  private async post(
    url: string,
    event: DomainEvent<unknown>,
  ): Promise<{ ok: true } | { ok: false; failure: string; final: boolean }> {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...internalHeaders(this.options.secret ?? '') },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs ?? 30_000),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { ok: true };
      const final = response.status === 400 || response.status === 403;
      return { ok: false, failure: `HTTP ${response.status}`, final };
    } catch (error) {
      return { ok: false, failure: error instanceof Error ? error.message : String(error), final: false };
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.timer = undefined;
    if (!this.queued.has(delivery)) return;
    delivery.attempts += 1;
    const outcome = await this.post(delivery.url, delivery.event);
    if (outcome.ok) return void this.queued.delete(delivery);
    const { failure } = outcome;
    if (outcome.final) return this.drop(delivery, failure);
    if (!this.queued.has(delivery)) return;
    if (delivery.attempts >= this.retry.maxAttempts) return this.drop(delivery, failure);
    const delay = retryDelayMs(this.retry, delivery.attempts);
    this.options.logger.debug('event delivery failed; retrying', {
      eventId: delivery.event.id,
      url: delivery.url,
      attempts: delivery.attempts,
      delayMs: delay,
      failure,
    });
    delivery.timer = setTimeout(() => void this.attempt(delivery), delay);
    delivery.timer.unref();
  }

  private drop(delivery: Delivery, failure: string) {
    this.queued.delete(delivery);
    this.options.logger.error('event delivery abandoned', {
      eventId: delivery.event.id,
      topic: delivery.event.topic,
      url: delivery.url,
      attempts: delivery.attempts,
      failure,
    });
  }

  private async receive(event: DomainEvent<unknown>, res: ServerResponse): Promise<void> {
    const chosen = this.handlersFor(event.topic);
    if (chosen.length === 0)
      return sendJson(res, 503, { error: 'NO_CONSUMER', message: `No consumer of "${event.topic}" yet.` });
    try {
      for (const handler of chosen) await handler(event);
    } catch (error) {
      this.options.logger.warn('event handler failed; the publisher will retry', {
        eventId: event.id,
        topic: event.topic,
        error,
      });
      return sendJson(res, 503, { error: 'HANDLER_FAILED', message: 'The event could not be handled.' });
    }
    sendJson(res, 202, { accepted: true });
  }

  /** One handler per group registered for `topic`, taking turns among a group's consumers. */
  private handlersFor(topic: string): EventHandler<unknown>[] {
    const byGroup = new Map<string, EventHandler<unknown>[]>();
    for (const { group, handler } of this.handlers.get(topic) ?? []) {
      byGroup.set(group, [...(byGroup.get(group) ?? []), handler]);
    }
    return [...byGroup].map(([group, handlers]) => {
      const key = `${topic}\0${group}`;
      const turn = this.turns.get(key) ?? 0;
      this.turns.set(key, turn + 1);
      return handlers[turn % handlers.length]!;
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Redis Streams

type StreamEntry = [id: string, fields: string[] | null];

let consumerCounter = 0;

export class RedisEventBus implements EventBus {
  private readonly commands: Redis;
  private readonly consumers = new Set<RedisStreamConsumer>();
  private readonly prefix: string;

  constructor(private readonly options: EventBusOptions & { redisUrl: string }) {
    this.commands = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
    this.prefix = options.streamPrefix ?? 'learncraft:events:';
  }

  async publish<T>(topic: string, payload: T, options: PublishOptions = {}): Promise<void> {
    const event = newEvent(topic, payload, options.id);
    await this.commands.call(
      'XADD',
      this.prefix + topic,
      'MAXLEN',
      '~',
      String(this.options.maxStreamLength ?? 10_000),
      '*',
      'event',
      JSON.stringify(event),
    );
  }

  async consume<T>(topic: string, group: string, handler: EventHandler<T>): Promise<EventConsumer> {
    const stream = this.prefix + topic;
    try {
      await this.commands.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
    consumerCounter += 1;
    const consumer = new RedisStreamConsumer({
      commands: this.commands,
      blocking: new Redis(this.options.redisUrl, { maxRetriesPerRequest: null }),
      stream,
      group,
      name: `${this.options.service}:${hostname()}:${process.pid}:${consumerCounter}`,
      handler: handler as EventHandler<unknown>,
      logger: this.options.logger,
      retry: { ...DEFAULT_RETRY, ...this.options.retry },
      blockMs: this.options.blockMs ?? 5_000,
      claimIdleMs: this.options.claimIdleMs ?? 60_000,
      batchSize: this.options.batchSize ?? 10,
    });
    this.consumers.add(consumer);
    consumer.start();
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  routes(): Record<string, HttpRoute> {
    return {};
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.stop()));
    this.consumers.clear();
    this.commands.disconnect();
  }
}

interface StreamConsumerOptions {
  commands: Redis;
  /** Its own connection: XREADGROUP BLOCK holds it until an event arrives. */
  blocking: Redis;
  stream: string;
  group: string;
  name: string;
  handler: EventHandler<unknown>;
  logger: Logger;
  retry: RetryPolicy;
  blockMs: number;
  claimIdleMs: number;
  batchSize: number;
}

/**
 * One consumer of a group: reads new entries, and between reads (when a retry is due, and
 * periodically) re-delivers its own failed entries and claims those left by dead consumers.
 */
class RedisStreamConsumer {
  private stopped = false;
  private loop: Promise<void> = Promise.resolve();
  /** Failed deliveries by entry id; an entry is dropped after `retry.maxAttempts`. */
  private readonly failures = new Map<string, number>();
  private nextRecoveryAt = 0;

  constructor(private readonly o: StreamConsumerOptions) {}

  start() {
    this.loop = this.run().catch((error: unknown) => {
      if (!this.stopped) this.o.logger.error('event consumer stopped unexpectedly', { error });
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.loop;
    this.stopped = true;
    // Interrupts a blocked read; a handler that is running finishes and is acknowledged first.
    this.o.blocking.disconnect();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (Date.now() >= this.nextRecoveryAt) await this.recover();
        const wait = Math.max(1, Math.min(this.o.blockMs, this.nextRecoveryAt - Date.now()));
        const reply = await this.o.blocking.call(
          'XREADGROUP',
          'GROUP',
          this.o.group,
          this.o.name,
          'COUNT',
          String(this.o.batchSize),
          'BLOCK',
          String(wait),
          'STREAMS',
          this.o.stream,
          '>',
        );
        for (const entry of entriesOf(reply)) await this.deliver(entry);
      } catch (error) {
        if (this.stopped) return;
        this.o.logger.warn('event stream read failed; retrying', { stream: this.o.stream, error });
        await sleep(this.o.retry.baseDelayMs);
      }
    }
  }

  /** Own entries whose handler failed, then entries idle past `claimIdleMs` of any consumer. */
  private async recover(): Promise<void> {
    this.nextRecoveryAt = Date.now() + Math.min(this.o.claimIdleMs, 10_000);
    if (this.failures.size > 0) {
      const own = await this.o.commands.call(
        'XREADGROUP',
        'GROUP',
        this.o.group,
        this.o.name,
        'COUNT',
        '100',
        'STREAMS',
        this.o.stream,
        '0',
      );
      for (const entry of entriesOf(own)) {
        if (this.stopped) return;
        await this.deliver(entry);
      }
    }
    const claimed = (await this.o.commands.call(
      'XAUTOCLAIM',
      this.o.stream,
      this.o.group,
      this.o.name,
      String(this.o.claimIdleMs),
      '0-0',
      'COUNT',
      '100',
    )) as [string, StreamEntry[]];
    for (const entry of claimed[1]) {
      if (this.stopped) return;
      await this.deliver(entry);
    }
  }

  private async deliver([entryId, fields]: StreamEntry): Promise<void> {
    const event = parseEntry(fields);
    if (!event) {
      this.o.logger.error('unreadable event dropped', { stream: this.o.stream, entryId });
      return this.ack(entryId);
    }
    try {
      await this.o.handler(event);
    } catch (error) {
      const attempts = (this.failures.get(entryId) ?? 0) + 1;
      if (attempts >= this.o.retry.maxAttempts) {
        this.o.logger.error('event abandoned after repeated handler failures', {
          eventId: event.id,
          topic: event.topic,
          attempts,
          error,
        });
        return this.ack(entryId);
      }
      this.failures.set(entryId, attempts);
      const delay = retryDelayMs(this.o.retry, attempts);
      this.nextRecoveryAt = Math.min(this.nextRecoveryAt, Date.now() + delay);
      this.o.logger.warn('event handler failed; will retry', {
        eventId: event.id,
        topic: event.topic,
        attempts,
        delayMs: delay,
        error,
      });
      return;
    }
    await this.ack(entryId);
  }

  private async ack(entryId: string): Promise<void> {
    this.failures.delete(entryId);
    await this.o.commands.call('XACK', this.o.stream, this.o.group, entryId);
  }
}

function entriesOf(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  return (reply as [string, StreamEntry[]][]).flatMap(([, entries]) => entries);
}

function parseEntry(fields: string[] | null): DomainEvent<unknown> | null {
  if (!fields) return null;
  const index = fields.indexOf('event');
  const raw = index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
  const parsed = eventBody.safeParse(raw === undefined ? undefined : parseJsonBody(Buffer.from(raw)));
  return parsed.success ? parsed.data : null;
}
