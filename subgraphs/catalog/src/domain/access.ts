/**
 * Who may see and edit which course. Unpublished courses are visible only to their instructors and
 * to admins; authoring needs INSTRUCTOR or ADMIN, and instructors edit only courses they teach.
 */
import { forbidden, hasRole, requireRole, type Viewer } from '@learncraft/kit';
import type { CourseDocument } from './course';

/** Which courses a list query may return for a viewer; stores translate it into a condition. */
export type CourseAudience =
  { kind: 'everything' } | { kind: 'published' } | { kind: 'publishedOrTaughtBy'; instructorId: string };

export function audienceOf(viewer: Viewer | null): CourseAudience {
  if (hasRole(viewer, 'ADMIN')) return { kind: 'everything' };
  if (viewer && hasRole(viewer, 'INSTRUCTOR'))
    return { kind: 'publishedOrTaughtBy', instructorId: viewer.id };
  return { kind: 'published' };
}

export function canView(viewer: Viewer | null, course: CourseDocument): boolean {
  if (course.published) return true;
  if (!viewer) return false;
  return hasRole(viewer, 'ADMIN') || course.instructorIds.includes(viewer.id);
}

/** Throws UNAUTHENTICATED/FORBIDDEN unless the viewer may author at all. */
export function requireAuthor(viewer: Viewer | null): Viewer {
  return requireRole(viewer, 'INSTRUCTOR', 'ADMIN');
}

/** Throws FORBIDDEN unless the author may edit this course. */
export function requireCourseEditor(viewer: Viewer, course: CourseDocument): void {
  if (hasRole(viewer, 'ADMIN')) return;
  if (!course.instructorIds.includes(viewer.id))
    throw forbidden('Only the instructors of this course can edit it.');
}
