import Redis from 'ioredis';
import { MemoryCache, RedisCache, createCache, type Cache } from '../src/cache';
import { TEST_REDIS_URL } from '../src/testing';

const RUN_PREFIX = `lc-test-cache-${process.pid}-${Date.now()}:`;

const adapters: [string, () => Cache][] = [
  ['memory', () => new MemoryCache()],
  ['redis', () => new RedisCache(TEST_REDIS_URL, RUN_PREFIX)],
];

afterAll(async () => {
  const redis = new Redis(TEST_REDIS_URL);
  const keys = await redis.keys(`${RUN_PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe.each(adapters)('Cache contract on %s', (_name, create) => {
  let cache: Cache;
  let n = 0;
  const freshKey = () => `key-${(n += 1)}`;
  beforeEach(() => {
    cache = create();
  });
  afterEach(() => cache.close());

  it('returns what was set, and null for a key never set', async () => {
    const key = freshKey();
    await cache.set(key, '{"answer":"A Pod is the smallest deployable unit."}', 60);
    expect(await cache.get(key)).toBe('{"answer":"A Pod is the smallest deployable unit."}');
    expect(await cache.get(freshKey())).toBeNull();
  });

  it('appends to a list in order and keeps only the newest maxItems', async () => {
    const key = freshKey();
    expect(await cache.append(key, 'a', 60, 3)).toBe(1);
    expect(await cache.append(key, 'b', 60, 3)).toBe(2);
    await cache.append(key, 'c', 60, 3);
    expect(await cache.append(key, 'd', 60, 3)).toBe(3);
    expect(await cache.list(key)).toEqual(['b', 'c', 'd']);
    expect(await cache.list(freshKey())).toEqual([]);
  });

  it('forgets a deleted key', async () => {
    const key = freshKey();
    await cache.set(key, 'x', 60);
    await cache.delete(key);
    expect(await cache.get(key)).toBeNull();
  });

  it('rejects a time to live that is not a positive whole number of seconds', async () => {
    await expect(cache.set(freshKey(), 'x', 0)).rejects.toThrow(
      'ttlSeconds must be a positive integer, got 0',
    );
  });
});

describe('MemoryCache', () => {
  it('expires entries after their time to live', async () => {
    let now = 1_000_000;
    const cache = new MemoryCache({ now: () => now });
    await cache.set('answer', 'x', 2);
    await cache.append('stream', 'delta', 2, 10);
    now += 1_999;
    expect(await cache.get('answer')).toBe('x');
    now += 1;
    expect(await cache.get('answer')).toBeNull();
    expect(await cache.list('stream')).toEqual([]);
  });

  it('holds at most maxKeys keys, dropping the least recently written', async () => {
    const cache = new MemoryCache({ maxKeys: 2 });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    await cache.set('a', '1 again', 60);
    await cache.set('c', '3', 60);
    expect(cache.size).toBe(2);
    expect(await cache.get('b')).toBeNull();
    expect(await cache.get('a')).toBe('1 again');
  });
});

describe('createCache', () => {
  it('is in memory without a Redis URL', async () => {
    const cache = createCache(undefined);
    expect(cache).toBeInstanceOf(MemoryCache);
    await cache.close();
  });
});
