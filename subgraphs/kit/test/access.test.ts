import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import {
  AccessUnavailableError,
  courseAccessProblem,
  createAccessChecker,
  ENTITLEMENT_CHANGED,
  type AccessChecker,
  type EntitlementChanged,
} from '../src/access';
import { MemoryCache } from '../src/cache';
import { createEventBus, HttpEventBus } from '../src/events';
import { createLogger } from '../src/logger';
import { serveFakeCommerce, serveTestRoutes, TEST_REDIS_URL, type FakeCommerce } from '../src/testing';

const SECRET = 'test-internal-secret-0123456789';
const logger = createLogger('access-test', 'silent');
const ADA = { id: 'user-ada', roles: ['LEARNER'] as const };
const PAID = 'course-paid';
const FREE = 'course-free';

let commerce: FakeCommerce;
let clock: number;
let cache: MemoryCache;

function checker(overrides: { ttlSeconds?: number } = {}): AccessChecker {
  return createAccessChecker({
    commerceUrl: commerce.url,
    secret: SECRET,
    cache,
    logger,
    now: () => clock,
    ...overrides,
  });
}

beforeEach(async () => {
  commerce = await serveFakeCommerce({ secret: SECRET, paid: [PAID] });
  clock = Date.parse('2026-03-01T12:00:00Z');
  cache = new MemoryCache({ now: () => clock });
});
afterEach(() => commerce.close());

describe('the course-access checker', () => {
  it('answers one decision per id in request order, repeats included', async () => {
    const decisions = await checker().courseAccess(ADA, [PAID, FREE, PAID]);
    expect(decisions).toEqual([
      { courseId: PAID, hasAccess: false, reason: 'PAYMENT_REQUIRED', expiresAt: null },
      { courseId: FREE, hasAccess: true, reason: 'FREE', expiresAt: null },
      { courseId: PAID, hasAccess: false, reason: 'PAYMENT_REQUIRED', expiresAt: null },
    ]);
    expect(commerce.calls).toEqual([{ userId: 'user-ada', roles: ['LEARNER'], courseIds: [PAID, FREE] }]);
  });

  it('a second check of courses open to the learner is answered from the cache without a call', async () => {
    const access = checker();
    commerce.grant(ADA.id, PAID);
    await access.courseAccess(ADA, [PAID, FREE]);
    commerce.revoke(ADA.id, PAID);
    const again = await access.courseAccess(ADA, [FREE, PAID]);
    expect(again.map((decision) => decision.reason)).toEqual(['FREE', 'PURCHASED']);
    expect(commerce.calls).toHaveLength(1);
  });

  it('a refusal is never cached, so a course bought a moment ago opens on the next check', async () => {
    const access = checker();
    expect((await access.courseAccess(ADA, [PAID]))[0]?.reason).toBe('PAYMENT_REQUIRED');
    commerce.grant(ADA.id, PAID);
    expect((await access.courseAccess(ADA, [PAID]))[0]?.reason).toBe('PURCHASED');
    expect(commerce.calls).toHaveLength(2);
  });

  it('asks again only for the courses it has no cached grant for', async () => {
    const access = checker();
    await access.courseAccess(ADA, [FREE]);
    await access.courseAccess(ADA, [FREE, PAID]);
    expect(commerce.calls.map((call) => call.courseIds)).toEqual([[FREE], [PAID]]);
  });

  it('anonymous callers share one cached answer and are asked about as userId null', async () => {
    const access = checker();
    const [first] = await access.courseAccess(null, [PAID]);
    await access.courseAccess(null, [FREE]);
    await access.courseAccess(null, [FREE]);
    expect(first).toEqual({ courseId: PAID, hasAccess: false, reason: 'SIGN_IN_REQUIRED', expiresAt: null });
    expect(commerce.calls).toEqual([
      { userId: null, roles: [], courseIds: [PAID] },
      { userId: null, roles: [], courseIds: [FREE] },
    ]);
  });

  it('a decision is asked again once the TTL has passed', async () => {
    const access = checker({ ttlSeconds: 30 });
    await access.courseAccess(ADA, [PAID]);
    commerce.grant(ADA.id, PAID);
    clock += 31_000;
    const [decision] = await access.courseAccess(ADA, [PAID]);
    expect(decision?.reason).toBe('PURCHASED');
    expect(commerce.calls).toHaveLength(2);
  });

  it('a decision is not reused past its expiresAt, even within the TTL', async () => {
    const access = checker({ ttlSeconds: 30 });
    commerce.grant(ADA.id, PAID, new Date(clock + 10_000).toISOString());
    await access.courseAccess(ADA, [PAID]);
    clock += 5_000;
    await access.courseAccess(ADA, [PAID]);
    expect(commerce.calls).toHaveLength(1);
    commerce.revoke(ADA.id, PAID);
    clock += 6_000;
    const [decision] = await access.courseAccess(ADA, [PAID]);
    expect(decision?.hasAccess).toBe(false);
    expect(commerce.calls).toHaveLength(2);
  });

  it('150 ids are asked in two calls of 100 and 50', async () => {
    const ids = Array.from({ length: 150 }, (_, index) => `course-${index}`);
    const decisions = await checker().courseAccess(ADA, ids);
    expect(decisions.map((decision) => decision.courseId)).toEqual(ids);
    expect(commerce.calls.map((call) => call.courseIds.length).sort((a, b) => a - b)).toEqual([50, 100]);
  });

  it('forget drops the learner’s decisions, and only theirs', async () => {
    const access = checker();
    const grace = { id: 'user-grace', roles: ['LEARNER'] as const };
    commerce.grant(ADA.id, PAID);
    commerce.grant(grace.id, PAID);
    await access.courseAccess(ADA, [PAID]);
    await access.courseAccess(grace, [PAID]);
    commerce.revoke(ADA.id, PAID);
    commerce.revoke(grace.id, PAID);
    await access.forget(ADA.id);
    expect((await access.courseAccess(ADA, [PAID]))[0]?.reason).toBe('PAYMENT_REQUIRED');
    expect((await access.courseAccess(grace, [PAID]))[0]?.reason).toBe('PURCHASED');
    expect(commerce.calls).toHaveLength(3);
  });

  it('decisions taken for other roles are not reused', async () => {
    const access = checker();
    commerce.grant(ADA.id, PAID);
    await access.courseAccess(ADA, [PAID]);
    await access.courseAccess({ id: ADA.id, roles: ['INSTRUCTOR'] }, [PAID]);
    expect(commerce.calls.map((call) => call.roles)).toEqual([['LEARNER'], ['INSTRUCTOR']]);
  });

  it('an unreachable commerce throws AccessUnavailableError', async () => {
    await commerce.close();
    await expect(checker().courseAccess(ADA, [PAID])).rejects.toBeInstanceOf(AccessUnavailableError);
  });

  it('an error status or an answer of the wrong shape throws AccessUnavailableError', async () => {
    commerce.failWith = 500;
    await expect(checker().courseAccess(ADA, [PAID])).rejects.toBeInstanceOf(AccessUnavailableError);
    const garbage = await serveTestRoutes({
      'POST /internal/course-access': (_req, res) =>
        void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"decisions": [{"courseId": 1}]}'),
    });
    const access = createAccessChecker({ commerceUrl: garbage.url, secret: SECRET, cache, logger });
    await expect(access.courseAccess(ADA, [PAID])).rejects.toBeInstanceOf(AccessUnavailableError);
    await garbage.close();
  });

  it('courseAccessProblem answers PAYMENT_REQUIRED, ACCESS_UNAVAILABLE or null', async () => {
    const access = checker();
    expect(await courseAccessProblem(access, ADA, PAID)).toEqual({
      code: 'PAYMENT_REQUIRED',
      message: 'This course is paid: buy it or subscribe to a plan to take it.',
      field: ['input', 'courseId'],
    });
    expect(await courseAccessProblem(access, ADA, FREE)).toBeNull();
    await commerce.close();
    expect(await courseAccessProblem(checker(), ADA, 'course-other')).toEqual({
      code: 'ACCESS_UNAVAILABLE',
      message: 'Course access cannot be checked right now; please try again shortly.',
      field: ['input', 'courseId'],
    });
  });
});

describe('without a commerce URL', () => {
  it('every course is open and nothing is called', async () => {
    const access = createAccessChecker({ cache, logger });
    expect(access.enforced).toBe(false);
    expect(await access.courseAccess(ADA, [PAID])).toEqual([
      { courseId: PAID, hasAccess: true, reason: 'FREE', expiresAt: null },
    ]);
    expect(commerce.calls).toEqual([]);
  });
});

const changed = (userId: string): EntitlementChanged => ({
  entitlementId: randomUUID(),
  userId,
  courseIds: [PAID],
  change: 'GRANTED',
});

describe.each([
  [
    'HTTP push',
    async () => {
      const consumer = new HttpEventBus({ subscriberUrls: [], secret: SECRET, logger, service: 'progress' });
      const served = await serveTestRoutes(consumer.routes());
      const publisher = createEventBus({
        subscriberUrls: [served.url],
        secret: SECRET,
        logger,
        service: 'commerce',
      });
      return {
        publisher,
        consumer,
        close: async () => {
          await publisher.close();
          await consumer.close();
          await served.close();
        },
      };
    },
  ],
  [
    'Redis Streams',
    () => {
      const streamPrefix = `lc-test-access-${randomUUID()}:`;
      const make = (service: string) =>
        createEventBus({
          redisUrl: TEST_REDIS_URL,
          subscriberUrls: [],
          logger,
          service,
          streamPrefix,
          blockMs: 100,
        });
      const publisher = make('commerce');
      const consumer = make('progress');
      return Promise.resolve({
        publisher,
        consumer,
        close: async () => {
          await consumer.close();
          await publisher.close();
          const admin = new Redis(TEST_REDIS_URL);
          const keys = await admin.keys(`${streamPrefix}*`);
          if (keys.length > 0) await admin.del(...keys);
          admin.disconnect();
        },
      });
    },
  ],
])('following entitlement.changed over %s', (_name, makeWorld) => {
  it('the next check after the event asks commerce again and sees the new decision', async () => {
    const world = await makeWorld();
    const access = checker();
    const following = await access.follow(world.consumer, 'progress-access');
    try {
      await access.courseAccess(ADA, [PAID]);
      commerce.grant(ADA.id, PAID);
      await world.publisher.publish(ENTITLEMENT_CHANGED, changed(ADA.id), { delivered: true });
      await waitFor(async () => (await access.courseAccess(ADA, [PAID]))[0]?.reason === 'PURCHASED');
      expect(commerce.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      await following.stop();
      await world.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, attempts = 100): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the condition did not hold in time');
}
