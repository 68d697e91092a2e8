import { randomBytes } from 'node:crypto';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { TEST_REDIS_URL } from '@learncraft/kit/testing';
import {
  CostRateLimiter,
  operationPoints,
  pointsForEstimate,
  rateLimitHeaders,
  rateLimitSubjectOf,
  subjectKey,
  type RateLimitBudgets,
  type RateLimitSubject,
} from '../src/rateLimit';

const BUDGETS: RateLimitBudgets = {
  apiKey: { pointsPerHour: 100, pointsPerMinute: 50, maxConcurrent: 3 },
  user: { pointsPerHour: 50, pointsPerMinute: 20, maxConcurrent: 2 },
  address: { pointsPerHour: 10, pointsPerMinute: 10, maxConcurrent: 1 },
};
const ada: RateLimitSubject = { kind: 'user', id: 'u-ada' };
const prefix = () => `lc-test-ratelimit-${process.pid}-${randomBytes(4).toString('hex')}:`;

function operationOf(source: string): OperationDefinitionNode {
  const definition = parse(source).definitions[0];
  if (definition?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
  return definition;
}

describe('points from the cost estimate', () => {
  it('are one per started 1,000 units of the estimate, at least 1', () => {
    expect(pointsForEstimate(0, 1_000)).toBe(1);
    expect(pointsForEstimate(5, 1_000)).toBe(1);
    expect(pointsForEstimate(1_000, 1_000)).toBe(1);
    expect(pointsForEstimate(1_001, 1_000)).toBe(2);
    expect(pointsForEstimate(60_324, 1_000)).toBe(61);
    expect(pointsForEstimate(37, 1)).toBe(37);
  });

  it('charge an operation that asks only for rateLimit 1 point, whatever its estimate', () => {
    const alone = operationOf('{ rateLimit { cost limit remaining used resetAt } __typename }');
    expect(operationPoints(alone, 6, 1)).toBe(1);
    const withMore = operationOf('{ rateLimit { cost } me { id } }');
    expect(operationPoints(withMore, 4, 1)).toBe(4);
  });
});

describe('the subject of a request', () => {
  it('is the API key, then the signed-in user, then the client address', () => {
    const viewer = { id: 'u1', roles: ['LEARNER' as const], expiresAt: 0 };
    expect(rateLimitSubjectOf({ viewer, apiKey: { id: 'k1' }, clientAddress: '10.0.0.1' })).toEqual({
      kind: 'apiKey',
      id: 'k1',
    });
    expect(rateLimitSubjectOf({ viewer, clientAddress: '10.0.0.1' })).toEqual({ kind: 'user', id: 'u1' });
    expect(rateLimitSubjectOf({ viewer: null, clientAddress: '10.0.0.1' })).toEqual({
      kind: 'address',
      address: '10.0.0.1',
    });
  });

  it('keys each kind in its own namespace, so a user id never shares a key id’s budget', () => {
    expect(subjectKey({ kind: 'user', id: 'x' })).toBe('user:x');
    expect(subjectKey({ kind: 'apiKey', id: 'x' })).toBe('key:x');
    expect(subjectKey({ kind: 'address', address: '::1' })).toBe('addr:::1');
  });
});

describe('the headers of a status', () => {
  it('say the limit, remaining, used and the reset in epoch seconds', () => {
    expect(
      rateLimitHeaders({ cost: 3, limit: 50, remaining: 47, used: 3, resetAt: '2026-12-01T18:00:00.000Z' }),
    ).toEqual({
      'x-ratelimit-limit': '50',
      'x-ratelimit-remaining': '47',
      'x-ratelimit-used': '3',
      'x-ratelimit-reset': '1796148000',
    });
  });
});

describe('CostRateLimiter in memory', () => {
  let limiter: CostRateLimiter;
  beforeEach(async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T17:00:00.000Z') });
    limiter = await CostRateLimiter.create({ budgets: BUDGETS, keyPrefix: prefix() });
  });
  afterEach(async () => {
    await limiter.close();
    jest.useRealTimers();
  });

  it('takes each operation’s cost off the hourly budget and reports the window’s end', async () => {
    const first = await limiter.admit(ada, 7);
    expect(first).toMatchObject({
      allowed: true,
      status: { cost: 7, limit: 50, remaining: 43, used: 7, resetAt: '2026-12-01T18:00:00.000Z' },
    });
    if (first.allowed) first.release();
    jest.advanceTimersByTime(61_000); // past the burst minute, inside the hour
    const second = await limiter.admit(ada, 5);
    expect(second).toMatchObject({ allowed: true, status: { cost: 5, remaining: 38, used: 12 } });
  });

  it('refuses the request past the hourly budget without spending it, until the hour resets', async () => {
    for (let minute = 0; minute < 5; minute++) {
      const admitted = await limiter.admit(ada, 10);
      expect(admitted.allowed).toBe(true);
      if (admitted.allowed) admitted.release();
      jest.advanceTimersByTime(60_000);
    }
    // 50 of 50 spent, 55 minutes of the hour left.
    const refused = await limiter.admit(ada, 1);
    expect(refused).toMatchObject({
      allowed: false,
      exceeded: 'hour',
      retryAfterSeconds: 3_300,
      status: { limit: 50, remaining: 0, used: 50 },
    });
    jest.advanceTimersByTime(3_300_000);
    const fresh = await limiter.admit(ada, 1);
    expect(fresh).toMatchObject({
      allowed: true,
      status: { remaining: 49, used: 1, resetAt: '2026-12-01T19:00:00.000Z' },
    });
  });

  it('refuses a burst past the per-minute budget with the seconds left in that minute', async () => {
    const burst = await limiter.admit(ada, 15);
    if (burst.allowed) burst.release();
    jest.advanceTimersByTime(20_000);
    const refused = await limiter.admit(ada, 6);
    expect(refused).toMatchObject({
      allowed: false,
      exceeded: 'minute',
      retryAfterSeconds: 40,
      status: { remaining: 35, used: 15 },
    });
    // The refused 6 were refunded: 5 more still fit in this minute.
    const small = await limiter.admit(ada, 5);
    expect(small).toMatchObject({ allowed: true, status: { remaining: 30, used: 20 } });
  });

  it('caps requests in flight per subject and frees a slot when one is released', async () => {
    const one = await limiter.admit(ada, 1);
    const two = await limiter.admit(ada, 1);
    const three = await limiter.admit(ada, 1);
    expect([one.allowed, two.allowed, three.allowed]).toEqual([true, true, false]);
    expect(three).toMatchObject({ exceeded: 'concurrency', retryAfterSeconds: 1, status: { used: 2 } });
    expect(limiter.inFlightOf(ada)).toBe(2);
    if (one.allowed) {
      one.release();
      one.release(); // a second release frees nothing more
    }
    expect(limiter.inFlightOf(ada)).toBe(1);
    const four = await limiter.admit(ada, 1);
    expect(four).toMatchObject({ allowed: true, status: { used: 3 } });
  });

  it('keeps separate budgets for users, anonymous addresses and API keys with their own limits', async () => {
    const partner: RateLimitSubject = {
      kind: 'apiKey',
      id: 'k1',
      limits: { pointsPerHour: 1_000, pointsPerMinute: 500 },
    };
    const user = await limiter.admit(ada, 9);
    const anonymous = await limiter.admit({ kind: 'address', address: '127.0.0.1' }, 9);
    const key = await limiter.admit(partner, 400);
    expect(user).toMatchObject({ allowed: true, status: { limit: 50, remaining: 41 } });
    expect(anonymous).toMatchObject({ allowed: true, status: { limit: 10, remaining: 1 } });
    expect(key).toMatchObject({ allowed: true, status: { limit: 1_000, remaining: 600 } });
  });

  it('says why an operation costlier than the whole budget can never run', async () => {
    const refused = await limiter.admit({ kind: 'address', address: '::1' }, 11);
    expect(refused).toMatchObject({ allowed: false, exceeded: 'hour', status: { remaining: 10, used: 0 } });
  });
});

describe('CostRateLimiter in Redis', () => {
  it('shares one budget between two limiters (two gateway replicas) on the same prefix', async () => {
    const keyPrefix = prefix();
    const replicaA = await CostRateLimiter.create({ budgets: BUDGETS, keyPrefix, redisUrl: TEST_REDIS_URL });
    const replicaB = await CostRateLimiter.create({ budgets: BUDGETS, keyPrefix, redisUrl: TEST_REDIS_URL });
    const partner: RateLimitSubject = {
      kind: 'apiKey',
      id: 'k1',
      limits: { pointsPerHour: 50, pointsPerMinute: 50 },
    };
    try {
      const a = await replicaA.admit(partner, 30);
      const b = await replicaB.admit(partner, 15);
      expect(a).toMatchObject({ allowed: true, status: { remaining: 20, used: 30 } });
      expect(b).toMatchObject({ allowed: true, status: { remaining: 5, used: 45 } });
      if (a.allowed) a.release();
      if (b.allowed) b.release();
      const refused = await replicaA.admit(partner, 6);
      expect(refused).toMatchObject({ allowed: false, exceeded: 'hour', status: { remaining: 5, used: 45 } });
      expect(await replicaB.peek(partner)).toMatchObject({ remaining: 5, used: 45, limit: 50 });
      const resetIn = Date.parse((await replicaB.peek(partner)).resetAt) - Date.now();
      expect(resetIn).toBeGreaterThan(3_500_000);
      expect(resetIn).toBeLessThanOrEqual(3_601_000);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it('keeps counting in memory while Redis does not answer', async () => {
    const limiter = await CostRateLimiter.create(
      { budgets: BUDGETS, keyPrefix: prefix(), redisUrl: 'redis://127.0.0.1:1' },
      200,
    );
    try {
      const first = await limiter.admit(ada, 20);
      expect(first).toMatchObject({ allowed: true, status: { remaining: 30, used: 20 } });
      if (first.allowed) first.release();
      expect(await limiter.admit(ada, 1)).toMatchObject({ allowed: false, exceeded: 'minute' });
    } finally {
      await limiter.close();
    }
  });
});
