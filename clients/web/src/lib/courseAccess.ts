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
    courseIds?.map((id) => cache.identify({ __typename: 'Course', id })) ??
    Object.keys(cache.extract() as Record<string, unknown>).filter((key) => key.startsWith('Course:'));
  for (const id of ids) {
    if (!id) continue;
    for (const fieldName of ACCESS_FIELDS) cache.evict({ id, fieldName });
  }
  cache.gc();
}

/** Forgets the access an order grants or granted: its courses, or every course for a plan. */
export function forgetOrderAccess(
  cache: ApolloCache<unknown>,
  order: { lines: readonly { course?: { id: string } | null; plan?: { id: string } | null }[] },
): void {
  const forPlan = order.lines.some((line) => line.plan);
  forgetCourseAccess(
    cache,
    forPlan ? undefined : order.lines.flatMap((line) => (line.course ? [line.course.id] : [])),
  );
}
