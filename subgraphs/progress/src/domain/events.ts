/** The progress events published after each committed write, and who may follow them. */
import { hasRole, type Viewer } from '@learncraft/kit';

export type ProgressEventKind = 'ENROLLED' | 'VIDEO_PROGRESS' | 'LESSON_COMPLETED' | 'QUIZ_SUBMITTED';

export interface ProgressEventPayload {
  enrollmentId: string;
  userId: string;
  courseId: string;
  lessonId: string | null;
  kind: ProgressEventKind;
  /** ISO-8601 time of the write. */
  at: string;
}

/** One topic per course, so a subscriber receives only the course it follows. */
export const progressTopic = (courseId: string) => `progress:${courseId}`;

export type ProgressAudience = 'ALL' | 'OWN';

/**
 * Instructors of the course and admins follow every learner; an enrolled learner follows only
 * themself; anyone else may not follow the course (null).
 */
export function progressAudience(
  viewer: Viewer,
  course: { instructorIds: readonly string[] },
  viewerIsEnrolled: boolean,
): ProgressAudience | null {
  if (hasRole(viewer, 'ADMIN') || course.instructorIds.includes(viewer.id)) return 'ALL';
  return viewerIsEnrolled ? 'OWN' : null;
}

/** Who may read an enrollment: the learner, an instructor of its course, or an admin. */
export function canReadEnrollment(
  viewer: Viewer,
  enrollment: { userId: string },
  course: { instructorIds: readonly string[] } | null,
): boolean {
  return (
    enrollment.userId === viewer.id ||
    hasRole(viewer, 'ADMIN') ||
    (course?.instructorIds.includes(viewer.id) ?? false)
  );
}
