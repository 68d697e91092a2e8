/**
 * The Cache port: short-lived shared values with a time to live — answers worth reusing, and the
 * text a streamed reply has produced so far (a list), so a subscriber on any replica can catch up.
 * Redis shares them between replicas; the in-memory adapter serves one process, bounded in keys
 * and in list length, so neither a flood of keys nor a long list grows memory without limit.
 */
import Redis from 'ioredis';

export interface Cache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Appends to the list at `key` (created empty), keeping its newest `maxItems`; returns its length. */
  append(key: string, value: string, ttlSeconds: number, maxItems: number): Promise<number>;
  /** The list at `key`, oldest first; empty when absent or expired. */
  list(key: string): Promise<string[]>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

function checkTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1)
    throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
}

interface Entry {
  value: string | string[];
  expiresAt: number;
}

export interface MemoryCacheOptions {
  /** Most keys held at once (default 10 000); beyond it the least recently written go first. */
  maxKeys?: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

export class MemoryCache implements Cache {
  // Insertion order is write order (a write re-inserts), so the first entries are the stalest.
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(options: MemoryCacheOptions = {}) {
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Keys currently held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private put(key: string, value: string | string[], ttlSeconds: number): void {
    this.entries.delete(key);
    while (this.entries.size >= this.maxKeys) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  get(key: string): Promise<string | null> {
    const value = this.live(key)?.value;
    return Promise.resolve(typeof value === 'string' ? value : null);
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return new Promise((resolve) => {
      checkTtl(ttlSeconds);
      this.put(key, value, ttlSeconds);
      resolve();
    });
  }

  append(key: string, value: string, ttlSeconds: number, maxItems: number): Promise<number> {
    return new Promise((resolve) => {
      checkTtl(ttlSeconds);
      const current = this.live(key)?.value;
      const list = Array.isArray(current) ? current : [];
      list.push(value);
      if (list.length > maxItems) list.splice(0, list.length - maxItems);
      this.put(key, list, ttlSeconds);
      resolve(list.length);
    });
  }

  list(key: string): Promise<string[]> {
    const value = this.live(key)?.value;
    return Promise.resolve(Array.isArray(value) ? [...value] : []);
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }
}

export class RedisCache implements Cache {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'learncraft:cache:',
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.prefix + key);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    checkTtl(ttlSeconds);
    await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
  }

  async append(key: string, value: string, ttlSeconds: number, maxItems: number): Promise<number> {
    checkTtl(ttlSeconds);
    const redisKey = this.prefix + key;
    const replies = await this.redis
      .multi()
      .rpush(redisKey, value)
      .ltrim(redisKey, -maxItems, -1)
      .expire(redisKey, ttlSeconds)
      .llen(redisKey)
      .exec();
    if (!replies) throw new Error('Redis cache transaction was aborted');
    for (const [error] of replies) if (error) throw error;
    return Number(replies[3]?.[1]);
  }

  async list(key: string): Promise<string[]> {
    return this.redis.lrange(this.prefix + key, 0, -1);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Redis when `redisUrl` is set (shared by every replica), else this process's memory. */
export function createCache(redisUrl: string | undefined, prefix?: string): Cache {
  return redisUrl ? new RedisCache(redisUrl, prefix) : new MemoryCache();
}
