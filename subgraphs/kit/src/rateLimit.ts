/**
 * The RateLimiter port: fixed-window counters per key (log-in attempts per email, requests per
 * client, ...). Redis shares the counters between replicas; the in-memory adapter serves a single
 * process and keeps its map bounded, so a flood of distinct keys cannot grow memory without limit.
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

export interface RateLimiter {
  /** Counts one hit for `key` and says whether it is allowed. The count and the check are atomic. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
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

  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    // Inside the executor a bad rule becomes a rejection, as with Redis, not a synchronous throw.
    return new Promise((resolve) => resolve(this.count(key, rule)));
  }

  private count(key: string, rule: RateLimitRule): RateLimitResult {
    checkRule(rule);
    const now = this.now();
    if (now >= this.nextSweepAt) this.sweepExpired(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.windows.delete(key);
      this.makeRoom(now);
      window = { count: 0, endsAt: now + rule.windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return result(window.count, rule, window.endsAt - now);
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

  async hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const redisKey = this.prefix + key;
    const replies = await this.redis
      .multi()
      .incr(redisKey)
      .expire(redisKey, rule.windowSeconds, 'NX')
      .pttl(redisKey)
      .exec();
    if (!replies) throw new Error('Redis rate limit transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    const count = Number(replies[0]?.[1]);
    const pttl = Number(replies[2]?.[1]);
    return result(count, rule, pttl > 0 ? pttl : rule.windowSeconds * 1000);
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
