/**
 * Cost-based rate limits per subject (an API key, a user, a client address), after GitHub's
 * GraphQL API: an hourly budget of points, a per-minute budget (the burst) on the same points, and
 * a cap on requests in flight. The windows are fixed: they start with the first request that spends
 * from them and end an hour (a minute) later.
 *
 * The counters are rate-limiter-flexible's (`consume(key, points)`): in Redis, one atomic Lua
 * script per window (INCRBY + the window's TTL set once), so every gateway replica spends from one
 * budget; in this process's memory on embedded defaults. When Redis does not answer, its
 * `insuranceLimiter` counts in memory until Redis is back: the gateway keeps serving, each replica
 * holding its own count meanwhile. The library judges nothing here: each window's limit depends on
 * the subject (an API key may bring its own), so the limiter only counts and this module compares.
 *
 * A refused request is refunded (`reward`), so it costs nothing: `remaining` stays what it was and a
 * cheaper request may still fit. The in-flight cap is per gateway process, like the WebSocket cap
 * per user: it protects this replica's sockets and memory, and a crashed replica can never leave
 * slots taken in a shared store.
 */
import Redis from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Logger, RateLimitStatus } from '@learncraft/kit';
import { subjectKey, type RateLimitBudget, type RateLimitSubject } from './subject';

export interface RateLimitBudgets {
  apiKey: RateLimitBudget;
  user: RateLimitBudget;
  /** Anonymous traffic, per client address. */
  address: RateLimitBudget;
}

/** Which of a subject's limits refused a request. */
export type ExceededLimit = 'hour' | 'minute' | 'concurrency';

export type Admission =
  | {
      allowed: true;
      /** The hourly figures after this request (the `x-ratelimit-*` headers, `Query.rateLimit`). */
      status: RateLimitStatus;
      /** Frees the request's in-flight slot; call once when its response is sent (idempotent). */
      release: () => void;
    }
  | {
      allowed: false;
      /** The hourly figures as they stand; the refused request spent nothing. */
      status: RateLimitStatus;
      exceeded: ExceededLimit;
      /** Whole seconds until the refusing window ends (1 for the in-flight cap). */
      retryAfterSeconds: number;
    };

export interface CostRateLimiterOptions {
  budgets: RateLimitBudgets;
  /** Counters in Redis at this URL (shared by replicas); in memory when absent. */
  redisUrl?: string;
  /** Prefix of the counters' keys (in Redis and in memory alike). */
  keyPrefix: string;
  logger?: Logger;
}

const HOUR_SECONDS = 3_600;
const MINUTE_SECONDS = 60;
/** The limiter's own limit is never reached: limits are the subject's, compared in `admit`. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;

export class CostRateLimiter {
  private readonly budgets: RateLimitBudgets;
  private readonly hour: RateLimiterAbstract;
  private readonly minute: RateLimiterAbstract;
  private readonly redis: Redis | undefined;
  private readonly inFlight = new Map<string, number>();

  private constructor(options: CostRateLimiterOptions, redis: Redis | undefined) {
    this.budgets = options.budgets;
    this.redis = redis;
    const window = (name: string, duration: number): RateLimiterAbstract => {
      const keyPrefix = `${options.keyPrefix}${name}`;
      const memory = new RateLimiterMemory({ points: UNBOUNDED, duration, keyPrefix });
      if (!redis) return memory;
      return new RateLimiterRedis({
        storeClient: redis,
        points: UNBOUNDED,
        duration,
        keyPrefix,
        // While disconnected, count in memory at once instead of queueing behind the reconnect.
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      });
    };
    this.hour = window('h', HOUR_SECONDS);
    this.minute = window('m', MINUTE_SECONDS);
  }

  /** Connects to Redis first when there is one (up to `connectTimeoutMs`, then counts in memory until it answers). */
  static async create(options: CostRateLimiterOptions, connectTimeoutMs = 3_000): Promise<CostRateLimiter> {
    if (!options.redisUrl) return new CostRateLimiter(options, undefined);
    const redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      // The hour's and the minute's scripts are sent in one tick: one write, one round trip.
      enableAutoPipelining: true,
      connectTimeout: connectTimeoutMs,
    });
    let degraded = false;
    redis.on('error', (error: Error) => {
      if (degraded) return;
      degraded = true;
      options.logger?.warn('rate-limit counters unreachable in Redis: counting in this process', {
        reason: error.message,
      });
    });
    redis.on('ready', () => {
      if (degraded) options.logger?.info('rate-limit counters back in Redis');
      degraded = false;
    });
    await redis.connect().catch(() => undefined); // logged by the listener; ioredis keeps retrying
    return new CostRateLimiter(options, redis);
  }

  /** The subject's budget: its kind's, with an API key's own limits over it. */
  budgetOf(subject: RateLimitSubject): RateLimitBudget {
    if (subject.kind === 'apiKey') return { ...this.budgets.apiKey, ...subject.limits };
    return subject.kind === 'user' ? this.budgets.user : this.budgets.address;
  }

  /** Spends `points` of the subject's budget, or refuses without spending any. */
  async admit(subject: RateLimitSubject, points: number): Promise<Admission> {
    const key = subjectKey(subject);
    const budget = this.budgetOf(subject);
    const held = this.inFlight.get(key) ?? 0;
    if (held >= budget.maxConcurrent) {
      return {
        allowed: false,
        status: await this.status(key, budget, 0),
        exceeded: 'concurrency',
        retryAfterSeconds: 1,
      };
    }
    // Taken before the first await, so parallel requests of one subject see each other.
    this.inFlight.set(key, held + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left > 0) this.inFlight.set(key, left);
      else this.inFlight.delete(key);
    };
    try {
      const [hour, minute] = await Promise.all([
        this.hour.consume(key, points),
        this.minute.consume(key, points),
      ]);
      const overHour = hour.consumedPoints > budget.pointsPerHour;
      const overMinute = minute.consumedPoints > budget.pointsPerMinute;
      if (!overHour && !overMinute)
        return { allowed: true, status: statusOf(hour, budget, points, 0), release };
      release();
      await Promise.all([this.hour.reward(key, points), this.minute.reward(key, points)]);
      const seconds = (window: RateLimiterRes) => Math.max(1, Math.ceil(window.msBeforeNext / 1000));
      return {
        allowed: false,
        status: statusOf(hour, budget, 0, points),
        exceeded: overHour ? 'hour' : 'minute',
        retryAfterSeconds: Math.max(overHour ? seconds(hour) : 0, overMinute ? seconds(minute) : 0),
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The subject's hourly figures without spending anything (`cost` is what the status reports). */
  async peek(subject: RateLimitSubject): Promise<RateLimitStatus> {
    return this.status(subjectKey(subject), this.budgetOf(subject), 0);
  }

  /** Requests of the subject in flight on this process (for tests and metrics). */
  inFlightOf(subject: RateLimitSubject): number {
    return this.inFlight.get(subjectKey(subject)) ?? 0;
  }

  async close(): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    // QUIT waits for a connection that may never come; a client that is not connected just stops.
    if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
    else redis.disconnect();
  }

  private async status(key: string, budget: RateLimitBudget, cost: number): Promise<RateLimitStatus> {
    const hour = await this.hour.get(key);
    if (!hour) return figures(cost, budget.pointsPerHour, 0, HOUR_SECONDS * 1000);
    return figures(cost, budget.pointsPerHour, hour.consumedPoints, hour.msBeforeNext);
  }
}

/** The hourly figures from a consume's result; `refunded` points were given back after it. */
function statusOf(
  hour: RateLimiterRes,
  budget: RateLimitBudget,
  cost: number,
  refunded: number,
): RateLimitStatus {
  return figures(cost, budget.pointsPerHour, hour.consumedPoints - refunded, hour.msBeforeNext);
}

function figures(cost: number, limit: number, consumed: number, msBeforeReset: number): RateLimitStatus {
  // A refund that reached a fresh window leaves it below zero: that subject has spent nothing.
  const used = Math.min(limit, Math.max(0, consumed));
  return {
    cost,
    limit,
    remaining: limit - used,
    used,
    resetAt: new Date(Math.ceil((Date.now() + Math.max(0, msBeforeReset)) / 1000) * 1000).toISOString(),
  };
}
