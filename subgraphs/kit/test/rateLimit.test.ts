import Redis from 'ioredis';
import {
  MemoryRateLimiter,
  RedisRateLimiter,
  backoffSeconds,
  createRateLimiter,
  type RateLimiter,
} from '../src/rateLimit';
import { TEST_REDIS_URL } from '../src/testing';

const RUN_PREFIX = `lc-test-ratelimit-${process.pid}-${Date.now()}:`;

const adapters: [string, () => RateLimiter][] = [
  ['memory', () => new MemoryRateLimiter()],
  ['redis', () => new RedisRateLimiter(TEST_REDIS_URL, RUN_PREFIX)],
];

describe.each(adapters)('RateLimiter contract on %s', (_name, create) => {
  let limiter: RateLimiter;
  let n = 0;
  /** A key no other test (or earlier run, for Redis) has used. */
  const freshKey = () => `key-${(n += 1)}`;
  beforeEach(() => {
    limiter = create();
  });
  afterEach(() => limiter.close());

  it('allows `limit` hits, counting remaining down to zero, with no retry delay', async () => {
    const key = freshKey();
    const rule = { limit: 3, windowSeconds: 60 };
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await limiter.hit(key, rule));
    expect(results).toEqual([
      { allowed: true, remaining: 2, retryAfterSeconds: 0 },
      { allowed: true, remaining: 1, retryAfterSeconds: 0 },
      { allowed: true, remaining: 0, retryAfterSeconds: 0 },
    ]);
  });

  it('refuses the hit after the limit with retryAfterSeconds within the window', async () => {
    const key = freshKey();
    const rule = { limit: 2, windowSeconds: 60 };
    await limiter.hit(key, rule);
    await limiter.hit(key, rule);
    const refused = await limiter.hit(key, rule);
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterSeconds).toBeGreaterThan(58);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Refused hits do not extend a fixed window.
    expect((await limiter.hit(key, rule)).retryAfterSeconds).toBeLessThanOrEqual(refused.retryAfterSeconds);
  });

  it('counts a hit of cost n as n units: a token budget of 100 takes 60 + 40, refuses 1 more', async () => {
    const key = freshKey();
    const rule = { limit: 100, windowSeconds: 60 };
    expect(await limiter.hit(key, rule, 60)).toEqual({ allowed: true, remaining: 40, retryAfterSeconds: 0 });
    expect(await limiter.hit(key, rule, 40)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect((await limiter.peek(key, rule)).allowed).toBe(false);
    expect((await limiter.hit(key, rule, 1)).allowed).toBe(false);
    await expect(limiter.hit(key, rule, 1.5)).rejects.toThrow('cost must be a whole number >= 0, got 1.5');
  });

  it('counts concurrent hits exactly once each', async () => {
    const key = freshKey();
    const rule = { limit: 5, windowSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 8 }, () => limiter.hit(key, rule)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.map((r) => r.remaining).sort()).toEqual([0, 0, 0, 0, 1, 2, 3, 4]);
  });

  it('starts a fresh window once the old one has expired', async () => {
    const key = freshKey();
    const rule = { limit: 1, windowSeconds: 1 };
    expect((await limiter.hit(key, rule)).allowed).toBe(true);
    expect(await limiter.hit(key, rule)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    await sleep(1_100);
    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
  });

  it('forgets a key on reset, so its next hit is the first of a new window', async () => {
    const key = freshKey();
    const rule = { limit: 1, windowSeconds: 60 };
    await limiter.hit(key, rule);
    expect((await limiter.hit(key, rule)).allowed).toBe(false);
    await limiter.reset(key);
    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    // Resetting a key that has no window is harmless.
    await limiter.reset(freshKey());
  });

  it('keeps keys independent: one key at its limit leaves another untouched', async () => {
    const [limited, other] = [freshKey(), freshKey()];
    const rule = { limit: 1, windowSeconds: 60 };
    await limiter.hit(limited, rule);
    expect((await limiter.hit(limited, rule)).allowed).toBe(false);
    expect(await limiter.hit(other, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
  });

  it('peeks without counting: the window only moves on hits', async () => {
    const key = freshKey();
    const rule = { limit: 1, windowSeconds: 60 };
    for (let i = 0; i < 3; i++)
      expect(await limiter.peek(key, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    const peeked = await limiter.peek(key, rule);
    expect(peeked.allowed).toBe(false);
    expect(peeked.retryAfterSeconds).toBeGreaterThan(58);
    expect(peeked.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('backs off exponentially: free attempts, then a lock that doubles up to the cap', async () => {
    const key = freshKey();
    const rule = { freeAttempts: 3, baseSeconds: 1, maxSeconds: 2, forgetSeconds: 60 };
    expect(await limiter.hitBackoff(key, rule)).toEqual({ allowed: true, attempts: 1, retryAfterSeconds: 0 });
    expect(await limiter.hitBackoff(key, rule)).toEqual({ allowed: true, attempts: 2, retryAfterSeconds: 0 });
    expect(await limiter.hitBackoff(key, rule)).toEqual({ allowed: true, attempts: 3, retryAfterSeconds: 1 });
    // Locked: refused and not counted.
    expect(await limiter.hitBackoff(key, rule)).toEqual({
      allowed: false,
      attempts: 3,
      retryAfterSeconds: 1,
    });
    await sleep(1_050);
    expect(await limiter.hitBackoff(key, rule)).toEqual({ allowed: true, attempts: 4, retryAfterSeconds: 2 });
    const refused = await limiter.hitBackoff(key, rule);
    expect(refused).toEqual({ allowed: false, attempts: 4, retryAfterSeconds: 2 });
  });

  it('unlocks a back-off key on reset, starting its count over', async () => {
    const key = freshKey();
    const rule = { freeAttempts: 1, baseSeconds: 60, maxSeconds: 60, forgetSeconds: 60 };
    expect(await limiter.hitBackoff(key, rule)).toEqual({
      allowed: true,
      attempts: 1,
      retryAfterSeconds: 60,
    });
    expect((await limiter.hitBackoff(key, rule)).allowed).toBe(false);
    await limiter.reset(key);
    expect(await limiter.hitBackoff(key, rule)).toEqual({
      allowed: true,
      attempts: 1,
      retryAfterSeconds: 60,
    });
  });

  it('lets only the free attempts and the first locking one through when attempts arrive in parallel', async () => {
    const key = freshKey();
    const rule = { freeAttempts: 2, baseSeconds: 30, maxSeconds: 900, forgetSeconds: 60 };
    const results = await Promise.all(Array.from({ length: 10 }, () => limiter.hitBackoff(key, rule)));
    expect(
      results
        .filter((r) => r.allowed)
        .map((r) => r.attempts)
        .sort(),
    ).toEqual([1, 2]);
    expect(results.filter((r) => !r.allowed)).toHaveLength(8);
  });

  it('rejects a back-off rule that is not four positive integers', async () => {
    await expect(
      limiter.hitBackoff(freshKey(), { freeAttempts: 0, baseSeconds: 1, maxSeconds: 1, forgetSeconds: 1 }),
    ).rejects.toThrow('freeAttempts must be a positive integer, got 0');
  });

  it('rejects a rule that is not two positive integers', async () => {
    await expect(limiter.hit(freshKey(), { limit: 0, windowSeconds: 60 })).rejects.toThrow(
      'limit must be a positive integer, got 0',
    );
    await expect(limiter.hit(freshKey(), { limit: 5, windowSeconds: 0.5 })).rejects.toThrow(
      'windowSeconds must be a positive integer, got 0.5',
    );
  });
});

describe('backoffSeconds', () => {
  const rule = { freeAttempts: 5, baseSeconds: 30, maxSeconds: 900, forgetSeconds: 86_400 };
  it('is 0 before the free attempts are used, then doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1_000].map((n) => backoffSeconds(n, rule))).toEqual([
      0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900,
    ]);
  });
});

describe('MemoryRateLimiter memory bound', () => {
  let clock = 0;
  const now = () => clock;
  const rule = { limit: 1, windowSeconds: 10 };

  it('drops expired windows when a new key needs room', async () => {
    const limiter = new MemoryRateLimiter({ maxKeys: 3, now });
    clock = 0;
    for (const key of ['a', 'b', 'c']) await limiter.hit(key, rule);
    clock = 10_000;
    await limiter.hit('d', rule);
    expect(limiter.size).toBe(1);
  });

  it('drops the oldest live windows once full, keeping the newest', async () => {
    const limiter = new MemoryRateLimiter({ maxKeys: 10, now });
    clock = 0;
    for (let i = 0; i < 10; i++) await limiter.hit(`k${i}`, rule);
    await limiter.hit('newest', rule);
    expect(limiter.size).toBe(10);
    // k0 was dropped, so it starts over; k9 kept its window and stays limited.
    expect((await limiter.hit('k9', rule)).allowed).toBe(false);
    expect((await limiter.hit('newest', rule)).allowed).toBe(false);
  });

  it('sweeps expired windows at least once a minute even below the bound', async () => {
    const limiter = new MemoryRateLimiter({ now });
    clock = 0;
    for (let i = 0; i < 100; i++) await limiter.hit(`k${i}`, rule);
    clock = 60_000;
    await limiter.hit('late', rule);
    expect(limiter.size).toBe(1);
  });
});

describe('RedisRateLimiter', () => {
  it('keeps its counter under the key prefix with the window as TTL', async () => {
    const limiter = new RedisRateLimiter(TEST_REDIS_URL, RUN_PREFIX);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      await limiter.hit('ttl', { limit: 5, windowSeconds: 30 });
      await limiter.hit('ttl', { limit: 5, windowSeconds: 30 });
      expect(await redis.get(`${RUN_PREFIX}ttl`)).toBe('2');
      const ttl = await redis.ttl(`${RUN_PREFIX}ttl`);
      expect(ttl).toBeGreaterThan(28);
      expect(ttl).toBeLessThanOrEqual(30);
      await limiter.reset('ttl');
      expect(await redis.exists(`${RUN_PREFIX}ttl`)).toBe(0);
    } finally {
      await limiter.close();
      redis.disconnect();
    }
  });

  it('shares one counter between two limiters, as replicas do', async () => {
    const first = new RedisRateLimiter(TEST_REDIS_URL, RUN_PREFIX);
    const second = new RedisRateLimiter(TEST_REDIS_URL, RUN_PREFIX);
    try {
      const rule = { limit: 1, windowSeconds: 60 };
      expect((await first.hit('shared', rule)).allowed).toBe(true);
      expect((await second.hit('shared', rule)).allowed).toBe(false);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('createRateLimiter', () => {
  it('uses memory without a Redis URL and Redis with one', async () => {
    const memory = createRateLimiter(undefined);
    const redis = createRateLimiter(TEST_REDIS_URL, RUN_PREFIX);
    expect(memory).toBeInstanceOf(MemoryRateLimiter);
    expect(redis).toBeInstanceOf(RedisRateLimiter);
    await memory.close();
    await redis.close();
  });
});

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
