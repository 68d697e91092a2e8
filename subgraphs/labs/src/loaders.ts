/**
 * Per-request DataLoaders over the lab store, so a list of N sessions (and their steps) costs a
 * constant number of SQL queries.
 */
import { groupedLoader, keyedLoader, type PageRequest } from '@learncraft/kit';
import DataLoader from 'dataloader';
import type { LabStore, SessionRecord } from './stores/labStore';

export interface UserLessonKey {
  userId: string;
  lessonId: string;
}

export interface UserPageKey {
  userId: string;
  page: PageRequest;
}

export function createLoaders(store: LabStore) {
  return {
    session: keyedLoader(
      (ids: readonly string[]) => store.sessionsByIds(ids),
      (row) => row.id,
    ),
    steps: groupedLoader(
      (ids: readonly string[]) => store.stepsBySessions(ids),
      (row) => row.sessionId,
    ),
    latestByUserAndLesson: keyedLoader(
      (keys: readonly UserLessonKey[]) => store.latestByUserAndLesson(keys),
      (row): UserLessonKey => ({ userId: row.userId, lessonId: row.lessonId }),
      { cacheKey: (key) => `${key.userId}\u0000${key.lessonId}` },
    ),
    sessionPage: sessionPageLoader(store),
    sessionCount: new DataLoader<string, number>(async (userIds) => {
      const counts = new Map(
        (await store.sessionCountsByUsers(userIds)).map((row) => [row.userId, row.count]),
      );
      return userIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Keys sharing a page window are fetched together: one query per distinct (first, after). */
function sessionPageLoader(store: LabStore) {
  const pageKey = (key: UserPageKey) => `${key.userId}\u0000${key.page.limit}\u0000${key.page.offset}`;
  return new DataLoader<UserPageKey, SessionRecord[], string>(
    async (keys) => {
      const windows = new Map<string, { page: PageRequest; userIds: Set<string> }>();
      for (const key of keys) {
        const id = `${key.page.limit}:${key.page.offset}`;
        const window = windows.get(id) ?? { page: key.page, userIds: new Set() };
        window.userIds.add(key.userId);
        windows.set(id, window);
      }
      const pages = new Map<string, SessionRecord[]>();
      for (const window of windows.values()) {
        for (const row of await store.sessionPagesByUsers([...window.userIds], window.page)) {
          const id = pageKey({ userId: row.userId, page: window.page });
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
