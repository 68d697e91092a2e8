/**
 * DataLoader helpers: batch functions return rows in any order; these put them back in key order
 * (missing keys become null, or [] for one-to-many), as DataLoader requires.
 */
import DataLoader from 'dataloader';
import type { PageRequest } from './relay';

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

/** One page of one owner's rows (a user's sessions, a conversation's messages, ...). */
export interface OwnerPageKey {
  ownerId: string;
  page: PageRequest;
}

/**
 * A page of each owner's rows per key. Keys sharing a page window are fetched together, so a list
 * of N owners costs one query per distinct (first, after), not one per owner.
 */
export function pagedLoader<V>(
  fetchPages: (ownerIds: string[], page: PageRequest) => Promise<readonly V[]>,
  ownerOf: (row: V) => string,
): DataLoader<OwnerPageKey, V[], string> {
  const pageKey = (key: OwnerPageKey) => `${key.ownerId}\u0000${key.page.limit}\u0000${key.page.offset}`;
  return new DataLoader<OwnerPageKey, V[], string>(
    async (keys) => {
      const windows = new Map<string, { page: PageRequest; ownerIds: Set<string> }>();
      for (const key of keys) {
        const id = `${key.page.limit}:${key.page.offset}`;
        const window = windows.get(id) ?? { page: key.page, ownerIds: new Set() };
        window.ownerIds.add(key.ownerId);
        windows.set(id, window);
      }
      const pages = new Map<string, V[]>();
      for (const window of windows.values()) {
        for (const row of await fetchPages([...window.ownerIds], window.page)) {
          const id = pageKey({ ownerId: ownerOf(row), page: window.page });
          const rows = pages.get(id) ?? [];
          rows.push(row);
          pages.set(id, rows);
        }
      }
      return keys.map((key) => pages.get(pageKey(key)) ?? []);
    },
    { cacheKeyFn: pageKey },
  );
}
