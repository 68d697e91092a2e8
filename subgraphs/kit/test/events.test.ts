import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import {
  createEventBus,
  DEFAULT_RETRY,
  HttpEventBus,
  RedisEventBus,
  retryDelayMs,
  type DomainEvent,
  type EventBus,
} from '../src/events';
import { INTERNAL_HEADER } from '../src/internal';
import { createLogger } from '../src/logger';
import { serveTestRoutes, TEST_REDIS_URL } from '../src/testing';

const SECRET = 'test-internal-secret-0123456789';
const logger = createLogger('events-test', 'silent');
const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 100 };

/** A publisher and the buses consumers run on, over one transport. */
interface World {
  publisher: EventBus;
  /** A bus for another consumer: a new replica on Redis; on HTTP the one subscriber process. */
  consumerBus(): EventBus;
  close(): Promise<void>;
}

async function httpWorld(): Promise<World> {
  const consumer = new HttpEventBus({ subscriberUrls: [], secret: SECRET, logger, service: 'ai' });
  const served = await serveTestRoutes(consumer.routes());
  const publisher = createEventBus({
    subscriberUrls: [served.url],
    secret: SECRET,
    logger,
    service: 'catalog',
    retry: FAST_RETRY,
  });
  return {
    publisher,
    consumerBus: () => consumer,
    async close() {
      await publisher.close();
      await consumer.close();
      await served.close();
    },
  };
}

function redisWorld(): Promise<World> {
  const streamPrefix = `lc-test-events-${randomUUID()}:`;
  const make = (service: string) =>
    createEventBus({
      redisUrl: TEST_REDIS_URL,
      subscriberUrls: [],
      logger,
      service,
      streamPrefix,
      blockMs: 200,
      batchSize: 1,
      retry: FAST_RETRY,
    });
  const buses: EventBus[] = [];
  const publisher = make('catalog');
  return Promise.resolve({
    publisher,
    consumerBus() {
      const bus = make('ai');
      buses.push(bus);
      return bus;
    },
    async close() {
      for (const bus of [publisher, ...buses]) await bus.close();
      const admin = new Redis(TEST_REDIS_URL);
      const keys = await admin.keys(`${streamPrefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    },
  });
}

function collector<T>() {
  const events: DomainEvent<T>[] = [];
  return {
    events,
    handler: (event: DomainEvent<T>) => {
      events.push(event);
      return Promise.resolve();
    },
    until: (count: number) => waitFor(() => events.length >= count),
  };
}

describe.each([
  ['HTTP push', httpWorld],
  ['Redis Streams', redisWorld],
] as const)('EventBus contract on %s', (_name, createWorld) => {
  let world: World;
  let topic: string;
  beforeEach(async () => {
    world = await createWorld();
    topic = `course.changed.${randomUUID()}`;
  });
  afterEach(() => world.close());

  it('delivers an event once to each consumer group, with its id, topic, payload and time', async () => {
    const ai = collector<{ courseId: string; version: number }>();
    const search = collector<{ courseId: string; version: number }>();
    await world.consumerBus().consume(topic, 'ai-indexer', ai.handler);
    await world.consumerBus().consume(topic, 'search', search.handler);
    await world.publisher.publish(topic, { courseId: 'c-1', version: 3 });
    await ai.until(1);
    await search.until(1);
    // A second event arriving shows nothing more was on the way for the first.
    await world.publisher.publish(topic, { courseId: 'c-1', version: 4 });
    await ai.until(2);
    await search.until(2);
    for (const seen of [ai.events, search.events]) {
      expect(seen.map((event) => event.payload)).toEqual([
        { courseId: 'c-1', version: 3 },
        { courseId: 'c-1', version: 4 },
      ]);
      expect(seen[0]).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        topic,
        payload: { courseId: 'c-1', version: 3 },
        publishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    }
    expect(ai.events[0]!.id).toBe(search.events[0]!.id);
    expect(ai.events[0]!.id).not.toBe(ai.events[1]!.id);
  });

  it('an event published with an id carries that id to its consumers', async () => {
    const seen = collector<{ orderId: string }>();
    await world.consumerBus().consume(topic, 'ai-indexer', seen.handler);
    await world.publisher.publish(topic, { orderId: 'o-1' }, { id: 'outbox-42' });
    await seen.until(1);
    expect(seen.events.map((event) => [event.id, event.payload])).toEqual([
      ['outbox-42', { orderId: 'o-1' }],
    ]);
  });

  it('publish with delivered resolves, and the event reaches the consumer with the given id', async () => {
    const seen = collector<{ orderId: string }>();
    await world.consumerBus().consume(topic, 'ai-indexer', seen.handler);
    await expect(
      world.publisher.publish(topic, { orderId: 'o-2' }, { id: 'outbox-43', delivered: true }),
    ).resolves.toBeUndefined();
    await seen.until(1);
    expect(seen.events.map((event) => event.id)).toEqual(['outbox-43']);
  });

  it('two consumers of one group share the events, each event handled by exactly one', async () => {
    const first: number[] = [];
    const second: number[] = [];
    let releaseFirst!: () => void;
    const secondBusy = new Promise<void>((resolve) => (releaseFirst = resolve));
    // The first consumer holds its first event until the second has handled one: both take part.
    await world.consumerBus().consume<{ n: number }>(topic, 'ai-indexer', async (event) => {
      if (first.length === 0) await Promise.race([secondBusy, sleep(5_000)]);
      first.push(event.payload.n);
    });
    await world.consumerBus().consume<{ n: number }>(topic, 'ai-indexer', (event) => {
      second.push(event.payload.n);
      releaseFirst();
      return Promise.resolve();
    });
    for (let n = 1; n <= 6; n++) await world.publisher.publish(topic, { n });
    await waitFor(() => first.length + second.length >= 6);
    expect([...first, ...second].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
  });

  it('an event whose handler fails is delivered again, with the same id', async () => {
    const attempts: DomainEvent<{ courseId: string }>[] = [];
    await world.consumerBus().consume<{ courseId: string }>(topic, 'ai-indexer', (event) => {
      attempts.push(event);
      return attempts.length === 1 ? Promise.reject(new Error('index unavailable')) : Promise.resolve();
    });
    await world.publisher.publish(topic, { courseId: 'c-9' });
    await waitFor(() => attempts.length >= 2);
    expect(attempts.map((event) => event.payload)).toEqual([{ courseId: 'c-9' }, { courseId: 'c-9' }]);
    expect(attempts[1]!.id).toBe(attempts[0]!.id);
  });

  it('a consumer that starts after the event was published still receives it', async () => {
    await world.publisher.publish(topic, { courseId: 'c-early', version: 1 });
    const late = collector<{ courseId: string; version: number }>();
    await world.consumerBus().consume(topic, 'ai-indexer', late.handler);
    await late.until(1);
    expect(late.events.map((event) => event.payload)).toEqual([{ courseId: 'c-early', version: 1 }]);
  });

  it('a stopped consumer receives nothing more; another consumer of its group takes over', async () => {
    const stopped = collector<{ n: number }>();
    const consumer = await world.consumerBus().consume(topic, 'ai-indexer', stopped.handler);
    await world.publisher.publish(topic, { n: 1 });
    await stopped.until(1);
    await consumer.stop();
    await world.publisher.publish(topic, { n: 2 });
    const next = collector<{ n: number }>();
    await world.consumerBus().consume(topic, 'ai-indexer', next.handler);
    await next.until(1);
    expect(stopped.events.map((event) => event.payload)).toEqual([{ n: 1 }]);
    expect(next.events.map((event) => event.payload)).toEqual([{ n: 2 }]);
  });
});

describe('HTTP push adapter', () => {
  let consumer: HttpEventBus;
  let url: string;
  let served: { url: string; close(): Promise<void> };
  beforeEach(async () => {
    consumer = new HttpEventBus({ subscriberUrls: [], secret: SECRET, logger, service: 'ai' });
    served = await serveTestRoutes(consumer.routes());
    url = served.url;
  });
  afterEach(async () => {
    await consumer.close();
    await served.close();
  });

  const post = async (body: unknown, secret: string | null = SECRET) => {
    const response = await fetch(`${url}/internal/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { [INTERNAL_HEADER]: secret } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const event = { id: 'e-1', topic: 'course.changed', payload: { courseId: 'c-1' }, publishedAt: 'now' };

  it('the events route answers 403 without the internal secret or with a wrong one', async () => {
    await consumer.consume('course.changed', 'ai-indexer', () => Promise.resolve());
    expect(await post(event, null)).toEqual({ status: 403, body: { error: 'forbidden' } });
    expect((await post(event, 'wrong-secret-wrong-secret-1234')).status).toBe(403);
  });

  it('the events route answers 400 to a body that is not an event', async () => {
    expect(await post({ topic: 'course.changed' })).toEqual({
      status: 400,
      body: {
        error: 'BAD_REQUEST',
        message: 'The body must be {"id": string, "topic": string, "payload": any, "publishedAt": string}.',
      },
    });
    expect((await post('not json')).status).toBe(400);
  });

  it('the events route answers 503 while no handler consumes the topic, 202 once one does', async () => {
    expect(await post(event)).toEqual({
      status: 503,
      body: { error: 'NO_CONSUMER', message: 'No consumer of "course.changed" yet.' },
    });
    const seen = collector<unknown>();
    await consumer.consume('course.changed', 'ai-indexer', seen.handler);
    expect(await post(event)).toEqual({ status: 202, body: { accepted: true } });
    expect(seen.events).toEqual([event]);
  });

  it('the events route answers 503 when the handler fails, so the publisher retries', async () => {
    await consumer.consume('course.changed', 'ai-indexer', () => Promise.reject(new Error('down')));
    expect(await post(event)).toEqual({
      status: 503,
      body: { error: 'HANDLER_FAILED', message: 'The event could not be handled.' },
    });
  });

  it('a publisher with subscribers but no internal secret is refused at creation', () => {
    expect(() => createEventBus({ subscriberUrls: [url], logger, service: 'catalog' })).toThrow(
      'The HTTP event bus needs the internal secret to push events to subscribers.',
    );
  });

  it('publish returns before the subscriber answers and an unreachable subscriber does not fail it', async () => {
    const publisher = createEventBus({
      subscriberUrls: ['http://127.0.0.1:9'],
      secret: SECRET,
      logger,
      service: 'catalog',
      retry: { maxAttempts: 1 },
    });
    await expect(publisher.publish('course.changed', { courseId: 'c-1' })).resolves.toBeUndefined();
    await publisher.close();
  });
});

describe('HTTP push with delivered: true', () => {
  it('resolves only after every subscriber has handled the event', async () => {
    const consumers = [1, 2].map(
      () => new HttpEventBus({ subscriberUrls: [], secret: SECRET, logger, service: 'progress' }),
    );
    const served = await Promise.all(consumers.map((bus) => serveTestRoutes(bus.routes())));
    const handled: string[] = [];
    for (const [index, bus] of consumers.entries()) {
      await bus.consume('order.paid', 'access', (event) => {
        handled.push(`${index}:${event.id}`);
        return Promise.resolve();
      });
    }
    const publisher = createEventBus({
      subscriberUrls: served.map((one) => one.url),
      secret: SECRET,
      logger,
      service: 'commerce',
    });
    await publisher.publish('order.paid', { orderId: 'o-1' }, { id: 'outbox-1', delivered: true });
    expect(handled.sort()).toEqual(['0:outbox-1', '1:outbox-1']);
    await publisher.close();
    for (const bus of consumers) await bus.close();
    for (const one of served) await one.close();
  });

  it('rejects when a subscriber does not acknowledge, and does not retry in the background', async () => {
    const consumer = new HttpEventBus({ subscriberUrls: [], secret: SECRET, logger, service: 'progress' });
    const served = await serveTestRoutes(consumer.routes());
    const publisher = createEventBus({
      subscriberUrls: [served.url, 'http://127.0.0.1:9'],
      secret: SECRET,
      logger,
      service: 'commerce',
      retry: FAST_RETRY,
    });
    // No handler yet: the consumer answers 503; port 9 refuses the connection.
    await expect(publisher.publish('order.paid', { orderId: 'o-1' }, { delivered: true })).rejects.toThrow(
      /was not delivered to .*HTTP 503.*127\.0\.0\.1:9/,
    );
    const seen = collector<unknown>();
    await consumer.consume('order.paid', 'access', seen.handler);
    await sleep(200);
    expect(seen.events).toEqual([]);
    await publisher.close();
    await consumer.close();
    await served.close();
  });
});

describe('retry back-off', () => {
  it('doubles from half a second up to a minute, and the default attempts span about ten minutes', () => {
    expect([1, 2, 3, 8, 9, 15].map((attempt) => retryDelayMs(DEFAULT_RETRY, attempt))).toEqual([
      500, 1_000, 2_000, 60_000, 60_000, 60_000,
    ]);
    let total = 0;
    for (let attempt = 1; attempt < DEFAULT_RETRY.maxAttempts; attempt++)
      total += retryDelayMs(DEFAULT_RETRY, attempt);
    expect(total).toBe(603_500);
  });
});

describe('Redis Streams adapter', () => {
  it('claims the pending events of a consumer that died before acknowledging them', async () => {
    const streamPrefix = `lc-test-events-${randomUUID()}:`;
    const options = {
      redisUrl: TEST_REDIS_URL,
      subscriberUrls: [],
      logger,
      service: 'ai',
      streamPrefix,
      blockMs: 100,
      claimIdleMs: 200,
      retry: FAST_RETRY,
    };
    const publisher = new RedisEventBus({ ...options, service: 'catalog' });
    const dying = new RedisEventBus(options);
    const survivor = new RedisEventBus(options);
    const admin = new Redis(TEST_REDIS_URL);
    let finishDying = () => undefined as void;
    try {
      let started!: () => void;
      const handling = new Promise<void>((resolve) => (started = resolve));
      // The dying consumer takes the event and does not finish it while the test runs: its
      // process has, in effect, crashed.
      await dying.consume('course.changed', 'ai-indexer', () => {
        started();
        return new Promise<void>((resolve) => (finishDying = resolve));
      });
      await publisher.publish('course.changed', { courseId: 'c-lost' });
      await handling;
      const rescued = collector<{ courseId: string }>();
      await survivor.consume('course.changed', 'ai-indexer', rescued.handler);
      await rescued.until(1);
      expect(rescued.events.map((event) => event.payload)).toEqual([{ courseId: 'c-lost' }]);
      await waitFor(async () => {
        const summary = (await admin.call('XPENDING', `${streamPrefix}course.changed`, 'ai-indexer')) as [
          number,
        ];
        return summary[0] === 0;
      });
    } finally {
      await publisher.close();
      await survivor.close();
      finishDying();
      await dying.close();
      const keys = await admin.keys(`${streamPrefix}*`);
      if (keys.length > 0) await admin.del(...keys);
      admin.disconnect();
    }
  });
});

/** Unref'd: a guard that lost its race does not hold the test process open. */
function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await sleep(10);
  }
}
