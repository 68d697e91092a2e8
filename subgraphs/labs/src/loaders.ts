/**
 * Per-request DataLoaders over the lab store, so a list of N sessions (and their steps) costs a
 * constant number of SQL queries.
 */
import { groupedLoader, keyedLoader, pagedLoader } from '@learncraft/kit';
import DataLoader from 'dataloader';
import type { LabStore } from './stores/labStore';

export interface UserLessonKey {
  userId: string;
  lessonId: string;
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
    sessionPage: pagedLoader(
      (ownerIds, page) => store.sessionPagesByUsers(ownerIds, page),
      (row) => row.userId,
    ),
    sessionCount: new DataLoader<string, number>(async (userIds) => {
      const counts = new Map(
        (await store.sessionCountsByUsers(userIds)).map((row) => [row.userId, row.count]),
      );
      return userIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
