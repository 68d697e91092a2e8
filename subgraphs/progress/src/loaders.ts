/**
 * Per-request DataLoaders over the progress store and the catalog client, so a list of N
 * enrollments costs a constant number of SQL queries and catalog calls.
 */
import { groupedLoader, keyedLoader, type PageRequest } from '@learncraft/kit';
import DataLoader from 'dataloader';
import type { CatalogClient } from './stores/catalogClient';
import type { EnrollmentRecord, ProgressStore } from './stores/progressStore';

export interface LoaderSources {
  progress: ProgressStore;
  catalog: CatalogClient;
}

export interface UserCourseKey {
  userId: string;
  courseId: string;
}

export interface UserPageKey {
  userId: string;
  page: PageRequest;
}

export function createLoaders({ progress, catalog }: LoaderSources) {
  return {
    enrollment: keyedLoader(
      (ids: readonly string[]) => progress.enrollmentsByIds(ids),
      (row) => row.id,
    ),
    enrollmentByUserAndCourse: keyedLoader(
      (keys: readonly UserCourseKey[]) => progress.enrollmentsByUserAndCourse(keys),
      (row): UserCourseKey => ({ userId: row.userId, courseId: row.courseId }),
      { cacheKey: (key) => `${key.userId}\u0000${key.courseId}` },
    ),
    enrollmentPage: enrollmentPageLoader(progress),
    enrollmentCount: new DataLoader<string, number>(async (userIds) => {
      const counts = new Map(
        (await progress.enrollmentCountsByUsers(userIds)).map((row) => [row.userId, row.count]),
      );
      return userIds.map((id) => counts.get(id) ?? 0);
    }),
    lessonProgress: groupedLoader(
      (ids: readonly string[]) => progress.lessonProgressByEnrollments(ids),
      (row) => row.enrollmentId,
    ),
    completedLessonIds: new DataLoader<string, ReadonlySet<string>>(async (enrollmentIds) => {
      const groups = new Map<string, Set<string>>();
      for (const row of await progress.completedLessonsByEnrollments(enrollmentIds)) {
        const group = groups.get(row.enrollmentId) ?? new Set();
        group.add(row.lessonId);
        groups.set(row.enrollmentId, group);
      }
      return enrollmentIds.map((id) => groups.get(id) ?? new Set<string>());
    }),
    quizAttempts: groupedLoader(
      (ids: readonly string[]) => progress.quizAttemptsByEnrollments(ids),
      (row) => row.enrollmentId,
    ),
    course: keyedLoader(
      (ids: readonly string[]) => catalog.coursesByIds(ids),
      (course) => course.id,
    ),
    lesson: keyedLoader(
      (ids: readonly string[]) => catalog.lessonsByIds(ids),
      (lesson) => lesson.id,
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Keys sharing a page window are fetched together: one query per distinct (first, after). */
function enrollmentPageLoader(progress: ProgressStore) {
  const pageKey = (key: UserPageKey) => `${key.userId}\u0000${key.page.limit}\u0000${key.page.offset}`;
  return new DataLoader<UserPageKey, EnrollmentRecord[], string>(
    async (keys) => {
      const windows = new Map<string, { page: PageRequest; userIds: Set<string> }>();
      for (const key of keys) {
        const id = `${key.page.limit}:${key.page.offset}`;
        const window = windows.get(id) ?? { page: key.page, userIds: new Set() };
        window.userIds.add(key.userId);
        windows.set(id, window);
      }
      const pages = new Map<string, EnrollmentRecord[]>();
      for (const window of windows.values()) {
        for (const row of await progress.enrollmentPagesByUsers([...window.userIds], window.page)) {
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
