/**
 * After a purchase or a refund the viewer's access changes on the server; the cache still holds the
 * old answers (a course's viewerAccess and enrolment, a locked lesson's content). Evicting those
 * fields makes the pages that show them fetch them again.
 */
import type { ApolloCache } from '@apollo/client';

const ACCESS_FIELDS = ['viewerAccess', 'viewerEnrollment', 'lesson'];

/** Forgets what the cache knows of the viewer's access to these courses, or to every course (a plan). */
export function forgetCourseAccess(cache: ApolloCache<unknown>, courseIds?: readonly string[]): void {
  const ids =
    courseIds?.map((id) => cache.identify({ __typename: 'Course', id })) ?? cachedIds(cache, 'Course:');
  for (const id of ids) {
    if (!id) continue;
    for (const fieldName of ACCESS_FIELDS) cache.evict({ id, fieldName });
  }
  cache.gc();
}

/**
 * Forgets the access an order grants or granted: its courses, or for a plan every course and the
 * viewer's plan subscription.
 */
export function forgetOrderAccess(
  cache: ApolloCache<unknown>,
  order: { lines: readonly { course?: { id: string } | null; plan?: { id: string } | null }[] },
): void {
  if (!order.lines.some((line) => line.plan))
    return forgetCourseAccess(
      cache,
      order.lines.flatMap((line) => (line.course ? [line.course.id] : [])),
    );
  for (const id of cachedIds(cache, 'User:')) cache.evict({ id, fieldName: 'planSubscription' });
  forgetCourseAccess(cache);
}

function cachedIds(cache: ApolloCache<unknown>, prefix: string): string[] {
  return Object.keys(cache.extract() as Record<string, unknown>).filter((key) => key.startsWith(prefix));
}
