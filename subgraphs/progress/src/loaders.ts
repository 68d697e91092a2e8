/**
 * Per-request DataLoaders over the progress store and the catalog client, so a list of N
 * enrollments costs a constant number of SQL queries and catalog calls.
 */
import { groupedLoader, keyedLoader, pagedLoader } from '@learncraft/kit';
import DataLoader from 'dataloader';
import type { OrganizationDirectory, OrganizationMembership } from '@learncraft/kit';
import type { CatalogClient } from './stores/catalogClient';
import type { EnrollmentWithLessons, ProgressStore } from './stores/progressStore';

export interface LoaderSources {
  progress: ProgressStore;
  catalog: CatalogClient;
  organizations: OrganizationDirectory;
}

export interface UserCourseKey {
  userId: string;
  courseId: string;
}

const userCourseKey = (key: UserCourseKey) => `${key.userId}\u0000${key.courseId}`;

export function createLoaders({ progress, catalog, organizations }: LoaderSources) {
  const enrollmentByUserAndCourse = keyedLoader(
    (keys: readonly UserCourseKey[]) => progress.enrollmentsByUserAndCourse(keys),
    (row): UserCourseKey => ({ userId: row.userId, courseId: row.courseId }),
    { cacheKey: userCourseKey },
  );
  const lessonProgress = groupedLoader(
    (ids: readonly string[]) => progress.lessonProgressByEnrollments(ids),
    (row) => row.enrollmentId,
  );
  const completedLessonIds = new DataLoader<string, ReadonlySet<string>>(async (enrollmentIds) => {
    const groups = new Map<string, Set<string>>();
    for (const row of await progress.completedLessonsByEnrollments(enrollmentIds)) {
      const group = groups.get(row.enrollmentId) ?? new Set();
      group.add(row.lessonId);
      groups.set(row.enrollmentId, group);
    }
    return enrollmentIds.map((id) => groups.get(id) ?? new Set<string>());
  });
  /**
   * The viewer's enrollment in a course with its lesson rows, in one query; it primes the three
   * loaders above, so the fields that read them in the same request ask nothing more.
   */
  const enrollmentWithLessons = new DataLoader<UserCourseKey, EnrollmentWithLessons | null, string>(
    async (keys) => {
      const found = new Map<string, EnrollmentWithLessons>();
      for (const entry of await progress.enrollmentsWithLessonsByUserAndCourse(keys)) {
        const { enrollment, lessons } = entry;
        found.set(userCourseKey(enrollment), entry);
        enrollmentByUserAndCourse.prime(enrollment, enrollment);
        lessonProgress.prime(enrollment.id, lessons);
        const completed = lessons.filter((row) => row.status === 'COMPLETED').map((row) => row.lessonId);
        completedLessonIds.prime(enrollment.id, new Set(completed));
      }
      return keys.map((key) => found.get(userCourseKey(key)) ?? null);
    },
    { cacheKeyFn: userCourseKey, maxBatchSize: 500 },
  );
  return {
    /** An organization's current members, asked once per request however often it is listed. */
    organizationMembers: new DataLoader<string, OrganizationMembership[]>((organizationIds) =>
      Promise.all(organizationIds.map((id) => organizations.members(id))),
    ),
    enrollment: keyedLoader(
      (ids: readonly string[]) => progress.enrollmentsByIds(ids),
      (row) => row.id,
    ),
    enrollmentByUserAndCourse,
    enrollmentWithLessons,
    enrollmentPage: pagedLoader(
      (ownerIds, page) => progress.enrollmentPagesByUsers(ownerIds, page),
      (row) => row.userId,
    ),
    enrollmentCount: new DataLoader<string, number>(async (userIds) => {
      const counts = new Map(
        (await progress.enrollmentCountsByUsers(userIds)).map((row) => [row.userId, row.count]),
      );
      return userIds.map((id) => counts.get(id) ?? 0);
    }),
    lessonProgress,
    completedLessonIds,
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
