/**
 * The persisted Apollo cache: what one run of the app cached is back in a new cache after
 * `restoreCache`, an unreadable copy starts the app empty instead of failing, a write the device
 * refuses drops the stored copy without an error, and sign-out's `clearPersistedCache` leaves
 * nothing behind.
 */
import { InMemoryCache, gql } from '@apollo/client';
import {
  CACHE_STORAGE_KEY,
  clearPersistedCache,
  persistCacheNow,
  restoreCache,
} from '../../src/offline/persist';
import { MemoryStorage } from './support/memoryStorage';

jest.mock('@react-native-async-storage/async-storage', () =>
  jest.requireActual('@react-native-async-storage/async-storage/jest/async-storage-mock'),
);

const QUERY = gql`
  query Course {
    course(slug: "http-basics") {
      id
      title
    }
  }
`;
const DATA = { course: { __typename: 'Course', id: 'c1', title: 'HTTP Basics' } };

describe('the persisted cache', () => {
  it('a new cache restored from storage holds what the last one cached', async () => {
    const storage = new MemoryStorage();
    const first = new InMemoryCache();
    await restoreCache(first, storage);
    first.writeQuery({ query: QUERY, data: DATA });
    await persistCacheNow();
    expect(storage.items.get(CACHE_STORAGE_KEY)).toContain('HTTP Basics');

    const second = new InMemoryCache();
    await restoreCache(second, storage);
    expect(second.readQuery({ query: QUERY })).toEqual(DATA);
  });

  it('an unreadable stored copy starts with an empty cache', async () => {
    const storage = new MemoryStorage();
    storage.items.set(CACHE_STORAGE_KEY, '{"torn');
    const cache = new InMemoryCache();
    // The library reports the unreadable copy on the console; the app starts regardless.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await expect(restoreCache(cache, storage)).resolves.toBeUndefined();
    expect(logged.mock.calls[0]?.slice(0, 2)).toEqual(['[apollo-cache-persist]', 'Error restoring cache']);
    logged.mockRestore();
    expect(cache.readQuery({ query: QUERY })).toBeNull();
  });

  it('a write the device refuses (storage full) resolves and leaves no half-written copy', async () => {
    const storage = new MemoryStorage();
    storage.items.set(CACHE_STORAGE_KEY, '{"older":"copy"}');
    const full = {
      getItem: (key: string) => storage.getItem(key),
      setItem: () => Promise.reject(new Error('database or disk is full')),
      removeItem: (key: string) => storage.removeItem(key),
    };
    const cache = new InMemoryCache();
    await restoreCache(cache, full);
    cache.writeQuery({ query: QUERY, data: DATA });
    await expect(persistCacheNow()).resolves.toBeUndefined();
    expect(storage.items.has(CACHE_STORAGE_KEY)).toBe(false);
    expect(cache.readQuery({ query: QUERY })).toEqual(DATA);
  });

  it('clearPersistedCache removes the stored copy (sign-out)', async () => {
    const storage = new MemoryStorage();
    const cache = new InMemoryCache();
    await restoreCache(cache, storage);
    cache.writeQuery({ query: QUERY, data: DATA });
    await persistCacheNow();
    await clearPersistedCache();
    expect(storage.items.has(CACHE_STORAGE_KEY)).toBe(false);
  });
});
