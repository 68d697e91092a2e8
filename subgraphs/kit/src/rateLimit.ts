/**
 * The RateLimiter port: fixed-window counters per key (log-in attempts per email, requests per
 * client, ...) and exponential back-off per key (log-in failures per email and client address).
 * Redis shares the state between replicas; the in-memory adapter serves a single process and keeps
 * its map bounded, so a flood of distinct keys cannot grow memory without limit.
 */
import Redis from 'ioredis';

export interface RateLimitRule {
  /** Hits allowed per window; the hit after the `limit`-th is refused. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitResult {
  /** Whether this hit is within the limit. */
  allowed: boolean;
  /** Hits still allowed in the current window after this one. */
  remaining: number;
  /** When refused: whole seconds until the window ends (1..windowSeconds); 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * Exponential back-off: the first `freeAttempts - 1` attempts are free; the `freeAttempts`-th and
 * every later attempt locks the key for `baseSeconds * 2^(attempt - freeAttempts)`, at most
 * `maxSeconds`, until the caller resets it (a success). The attempt count is forgotten
 * `forgetSeconds` after the last attempt (or when the lock ends, if that is later).
 */
export interface BackoffRule {
  freeAttempts: number;
  baseSeconds: number;
  maxSeconds: number;
  forgetSeconds: number;
}

export interface BackoffResult {
  /** False while an earlier attempt's lock lasts; such an attempt is not counted. */
  allowed: boolean;
  /** Attempts counted for the key, this one included when allowed. */
  attempts: number;
  /** When refused: whole seconds until the lock ends. When allowed: the lock this attempt set (0 = none). */
  retryAfterSeconds: number;
}

/** The lock an allowed attempt number `attempt` sets under `rule`, in whole seconds. */
export function backoffSeconds(attempt: number, rule: BackoffRule): number {
  if (attempt < rule.freeAttempts) return 0;
  // Past 2^20 the cap has long been reached; the bound keeps the power finite.
  const exponent = Math.min(attempt - rule.freeAttempts, 20);
  return Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** exponent);
}

export interface RateLimiter {
  /**
   * Counts one hit for `key` (or `cost` units of it: tokens spent against a budget) and says whether
   * the window is still within its limit. The count and the check are atomic.
   */
  hit(key: string, rule: RateLimitRule, cost?: number): Promise<RateLimitResult>;
  /** Whether the next hit of `key` would be allowed, without counting it. */
  peek(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /**
   * One attempt under exponential back-off: refused while the key is locked, otherwise counted and
   * the key locked for the attempt's back-off before the caller learns the outcome, so parallel
   * attempts cannot slip past the lock. Check, count and lock are one atomic step; `reset` unlocks.
   */
  hitBackoff(key: string, rule: BackoffRule): Promise<BackoffResult>;
  /** Forgets the key's window, so its next hit starts a fresh one. */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

function checkRule({ limit, windowSeconds }: RateLimitRule): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new RangeError(`windowSeconds must be a positive integer, got ${windowSeconds}`);
  }
}

function checkCost(cost: number): void {
  if (!Number.isInteger(cost) || cost < 0)
    throw new RangeError(`cost must be a whole number >= 0, got ${cost}`);
}

function checkBackoffRule(rule: BackoffRule): void {
  for (const name of ['freeAttempts', 'baseSeconds', 'maxSeconds', 'forgetSeconds'] as const) {
    if (!Number.isInteger(rule[name]) || rule[name] < 1)
      throw new RangeError(`${name} must be a positive integer, got ${rule[name]}`);
  }
}

function result(count: number, rule: RateLimitRule, msLeft: number): RateLimitResult {
  const allowed = count <= rule.limit;
  return {
    allowed,
    remaining: Math.max(0, rule.limit - count),
    retryAfterSeconds: allowed ? 0 : Math.min(rule.windowSeconds, Math.max(1, Math.ceil(msLeft / 1000))),
  };
}

export interface MemoryRateLimiterOptions {
  /** Most keys held at once (default 100 000); beyond it the oldest windows are dropped. */
  maxKeys?: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

const SWEEP_INTERVAL_MS = 60_000;

interface Window {
  count: number;
  endsAt: number;
  /** Back-off keys only: until when the key is locked (ms since the epoch). */
  lockedUntil?: number;
}

export class MemoryRateLimiter implements RateLimiter {
  // Map order is insertion order, and a window is re-inserted when it restarts, so the first
  // entries are the oldest windows: the ones to drop first when the map is full.
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  private readonly now: () => number;
  private nextSweepAt: number;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
    this.nextSweepAt = this.now() + SWEEP_INTERVAL_MS;
  }

  /** Keys currently held (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  hit(key: string, rule: RateLimitRule, cost = 1): Promise<RateLimitResult> {
    // Inside the executor a bad rule becomes a rejection, as with Redis, not a synchronous throw.
    return new Promise((resolve) => resolve(this.count(key, rule, cost)));
  }

  private count(key: string, rule: RateLimitRule, cost: number): RateLimitResult {
    checkRule(rule);
    checkCost(cost);
    const now = this.now();
    if (now >= this.nextSweepAt) this.sweepExpired(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      this.makeRoom(now);
      window = { count: 0, endsAt: now + rule.windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += cost;
    return result(window.count, rule, window.endsAt - now);
  }

  peek(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    return new Promise((resolve) => {
      checkRule(rule);
      const now = this.now();
      const window = this.windows.get(key);
      const count = window && window.endsAt > now ? window.count : 0;
      resolve(result(count + 1, rule, (window?.endsAt ?? now) - now));
    });
  }

  hitBackoff(key: string, rule: BackoffRule): Promise<BackoffResult> {
    return new Promise((resolve) => resolve(this.backoff(key, rule)));
  }

  private backoff(key: string, rule: BackoffRule): BackoffResult {
    checkBackoffRule(rule);
    const now = this.now();
    if (now >= this.nextSweepAt) this.sweepExpired(now);
    let entry = this.windows.get(key);
    if (entry && entry.endsAt <= now) entry = undefined;
    if (entry?.lockedUntil && entry.lockedUntil > now) {
      const retryAfterSeconds = Math.max(1, Math.ceil((entry.lockedUntil - now) / 1000));
      return { allowed: false, attempts: entry.count, retryAfterSeconds };
    }
    const attempts = (entry?.count ?? 0) + 1;
    const lockSeconds = backoffSeconds(attempts, rule);
    this.windows.delete(key);
    this.makeRoom(now);
    this.windows.set(key, {
      count: attempts,
      lockedUntil: now + lockSeconds * 1000,
      endsAt: now + Math.max(rule.forgetSeconds, lockSeconds) * 1000,
    });
    return { allowed: true, attempts, retryAfterSeconds: lockSeconds };
  }

  reset(key: string): Promise<void> {
    this.windows.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  private sweepExpired(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxKeys) return;
    this.sweepExpired(now);
    if (this.windows.size < this.maxKeys) return;
    // Every window is live: drop the oldest tenth at once, so a flood of new keys costs one full
    // sweep per maxKeys/10 insertions rather than one per hit.
    const target = Math.floor(this.maxKeys * 0.9);
    for (const key of this.windows.keys()) {
      if (this.windows.size <= target) break;
      this.windows.delete(key);
    }
  }
}

/**
 * One back-off attempt in Redis: a hash {count, lockedUntil} per key, the server's clock (TIME)
 * for every instant. Returns {1, attempts, lockSeconds} or {0, attempts, msUntilUnlocked}. The
 * schedule mirrors `backoffSeconds`.
 */
const BACKOFF_SCRIPT = `
local key = KEYS[1]
local free = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local forget = tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lockedUntil = tonumber(redis.call('HGET', key, 'lockedUntil') or '0')
local count = tonumber(redis.call('HGET', key, 'count') or '0')
if lockedUntil > now then return {0, count, lockedUntil - now} end
count = redis.call('HINCRBY', key, 'count', 1)
local lock = 0
if count >= free then lock = math.min(cap, base * 2 ^ math.min(count - free, 20)) end
redis.call('HSET', key, 'lockedUntil', now + lock * 1000)
redis.call('PEXPIRE', key, math.max(forget, lock) * 1000)
return {1, count, lock}
`;

/**
 * Redis adapter: INCR, EXPIRE NX and PTTL in one MULTI, so the first hit starts the window and
 * every replica sees one counter. The window's end comes from the server's TTL, never a local clock.
 * Needs Redis 7 (EXPIRE NX). Errors reach the caller: a limiter that cannot count does not allow.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'learncraft:ratelimit:',
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  }

  async hit(key: string, rule: RateLimitRule, cost = 1): Promise<RateLimitResult> {
    checkRule(rule);
    checkCost(cost);
    const redisKey = this.prefix + key;
    const replies = await this.redis
      .multi()
      .incrby(redisKey, cost)
      .expire(redisKey, rule.windowSeconds, 'NX')
      .pttl(redisKey)
      .exec();
    if (!replies) throw new Error('Redis rate limit transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    const count = Number(replies[0]?.[1]);
    const pttl = Number(replies[2]?.[1]);
    return result(count, rule, pttl > 0 ? pttl : rule.windowSeconds * 1000);
  }

  async peek(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const redisKey = this.prefix + key;
    const replies = await this.redis.multi().get(redisKey).pttl(redisKey).exec();
    if (!replies) throw new Error('Redis rate limit transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    const count = Number(replies[0]?.[1] ?? 0);
    const pttl = Number(replies[1]?.[1]);
    return result(count + 1, rule, pttl > 0 ? pttl : 0);
  }

  async hitBackoff(key: string, rule: BackoffRule): Promise<BackoffResult> {
    checkBackoffRule(rule);
    const reply = (await this.redis.eval(
      BACKOFF_SCRIPT,
      1,
      this.prefix + key,
      rule.freeAttempts,
      rule.baseSeconds,
      rule.maxSeconds,
      rule.forgetSeconds,
    )) as [number, number, number];
    const [allowed, attempts, msOrSeconds] = reply;
    return allowed === 1
      ? { allowed: true, attempts, retryAfterSeconds: msOrSeconds }
      : { allowed: false, attempts, retryAfterSeconds: Math.max(1, Math.ceil(msOrSeconds / 1000)) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Redis when `redisUrl` is set (counters shared by every replica), else this process's memory. */
export function createRateLimiter(redisUrl: string | undefined, prefix?: string): RateLimiter {
  return redisUrl ? new RedisRateLimiter(redisUrl, prefix) : new MemoryRateLimiter();
}
