/**
 * DataLoader helpers: batch functions return rows in any order; these put them back in key order
 * (missing keys become null, or [] for one-to-many), as DataLoader requires.
 */
import DataLoader from 'dataloader';

export function keyedLoader<K, V>(
  fetchMany: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (value: V) => K,
  options: { cacheKey?: (key: K) => unknown; maxBatchSize?: number } = {},
): DataLoader<K, V | null, unknown> {
  return new DataLoader<K, V | null, unknown>(
    async (keys) => {
      const rows = await fetchMany(keys);
      const byKey = new Map<unknown, V>();
      for (const row of rows) byKey.set(cacheKeyOf(keyOf(row), options.cacheKey), row);
      return keys.map((key) => byKey.get(cacheKeyOf(key, options.cacheKey)) ?? null);
    },
    { cacheKeyFn: options.cacheKey, maxBatchSize: options.maxBatchSize ?? 500 },
  );
}

export function groupedLoader<K, V>(
  fetchMany: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (value: V) => K,
  options: { cacheKey?: (key: K) => unknown; maxBatchSize?: number } = {},
): DataLoader<K, V[], unknown> {
  return new DataLoader<K, V[], unknown>(
    async (keys) => {
      const rows = await fetchMany(keys);
      const groups = new Map<unknown, V[]>();
      for (const row of rows) {
        const key = cacheKeyOf(keyOf(row), options.cacheKey);
        const group = groups.get(key);
        if (group) group.push(row);
        else groups.set(key, [row]);
      }
      return keys.map((key) => groups.get(cacheKeyOf(key, options.cacheKey)) ?? []);
    },
    { cacheKeyFn: options.cacheKey, maxBatchSize: options.maxBatchSize ?? 500 },
  );
}

function cacheKeyOf<K>(key: K, cacheKey?: (key: K) => unknown): unknown {
  return cacheKey ? cacheKey(key) : key;
}
