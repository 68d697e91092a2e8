/**
 * The Apollo cache kept on the device (AsyncStorage through apollo3-cache-persist), so what the
 * learner has seen opens without a connection. The app awaits `restoreCache(cache)` before its
 * first render. Downloaded lessons are not kept here but in snapshots of their own
 * (snapshots.ts), written into the cache after this restore, so nothing below can lose them.
 *
 * The stored copy is capped (Android's AsyncStorage has a 6 MB budget by default). What
 * apollo3-cache-persist 0.15 does past the cap (Persistor.persist): when the serialized cache is
 * longer than `maxSize` characters it PURGES the stored copy and stops persisting for the rest of
 * the run — no error, the in-memory cache untouched; the next start begins from an empty cache
 * plus the downloads. A storage write that fails (device full) is swallowed by `storageOf` here:
 * the library's debounced persist has no one to catch it, and a failed write must not crash.
 * `clearPersistedCache()` on sign-out, so the next person on the phone sees nothing of it.
 */
import type { ApolloCache } from '@apollo/client';
import AsyncStorage from '@react-native-async-storage/async-storage';
import { AsyncStorageWrapper, CachePersistor } from 'apollo3-cache-persist';
import type { KeyValueStorage } from './outbox';

export const CACHE_STORAGE_KEY = 'learncraft:apollo-cache';
/** The largest serialized cache kept (bytes of JSON). */
export const MAX_CACHE_BYTES = 4 * 1024 * 1024;

/** The running persistor, whatever the cache's shape: only its controls are needed here. */
let persistor: Pick<CachePersistor<unknown>, 'pause' | 'persist' | 'purge'> | null = null;

/**
 * The storage, with a refused write answered by dropping the stored copy (a half-written cache is
 * worse than none) instead of an unhandled rejection.
 */
function storageOf(storage: KeyValueStorage): KeyValueStorage {
  return {
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) =>
      storage.setItem(key, value).catch(() => storage.removeItem(key).catch(() => undefined)),
    removeItem: (key) => storage.removeItem(key),
  };
}

export async function restoreCache<T>(
  cache: ApolloCache<T>,
  storage: KeyValueStorage = AsyncStorage,
): Promise<void> {
  persistor?.pause();
  const next = new CachePersistor<T>({
    cache,
    storage: new AsyncStorageWrapper(storageOf(storage)),
    key: CACHE_STORAGE_KEY,
    maxSize: MAX_CACHE_BYTES,
    // Written a second after the cache settles: a burst of query results makes one write.
    debounce: 1000,
    trigger: 'write',
  });
  persistor = next;
  try {
    await next.restore();
  } catch {
    // An unreadable copy (an older app's, a torn write) must not stop the app from starting.
    await next.purge().catch(() => undefined);
  }
}

/** Stores the cache now rather than after the debounce (tests; before the app may close). */
export async function persistCacheNow(): Promise<void> {
  await persistor?.persist();
}

export async function clearPersistedCache(storage: KeyValueStorage = AsyncStorage): Promise<void> {
  if (persistor) await persistor.purge();
  else await storage.removeItem(CACHE_STORAGE_KEY);
}
