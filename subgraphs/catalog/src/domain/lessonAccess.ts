/**
 * Which lessons of a course a viewer may open, from commerce's decision for the course (the kit's
 * access checker). Catalog does not know prices: a course is paid when the decision's reason is
 * anything but FREE, or when no decision could be had (commerce unreachable: locked, not guessed).
 * The course's first lesson in syllabus order is its free preview, always open.
 */
import type { CourseAccessDecision } from '@learncraft/kit';
import { firstLessonOf, type LessonContent, type LessonRecord } from './course';

/** In place of a paid lesson's material (SDL `LockedContent`). */
export interface LockedContent {
  kind: 'LOCKED';
  /** The decision's reason (PAYMENT_REQUIRED, SIGN_IN_REQUIRED), or ACCESS_UNAVAILABLE. */
  reason: string;
}

export const ACCESS_UNAVAILABLE = 'ACCESS_UNAVAILABLE';

/** The course's first lesson in syllabus order: the free preview of a paid course. */
export function isFirstLesson({ lesson, course }: LessonRecord): boolean {
  return firstLessonOf(course)?.id === lesson.id;
}

/** Paid unless commerce said FREE; null (no decision) counts as paid. */
export function isPaidCourse(decision: CourseAccessDecision | null): boolean {
  return decision?.reason !== 'FREE';
}

/** The lesson's material, or LockedContent when the decision (null: none) does not open it. */
export function contentFor(
  record: LessonRecord,
  decision: CourseAccessDecision | null,
): LessonContent | LockedContent {
  if (decision?.hasAccess || isFirstLesson(record)) return record.lesson.content;
  return { kind: 'LOCKED', reason: decision?.reason ?? ACCESS_UNAVAILABLE };
}
