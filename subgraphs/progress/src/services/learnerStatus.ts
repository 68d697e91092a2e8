/**
 * A learner's standing in one course for other services (the ai tutor decides what it may reveal
 * about a quiz from it; commerce's refund policy reads the completion): whether they are enrolled,
 * how far they are, and which quiz lessons they have passed.
 */
import type { ProgressStores } from '../context';
import { progressPercent } from '../domain/progress';

export interface LearnerCourseStatus {
  enrolled: boolean;
  /** The enrollment's progress, 0-100 (0 when not enrolled), as `Enrollment.progressPercent`. */
  progressPercent: number;
  /** Quiz lessons of the course with at least one passing attempt, in the order first passed. */
  passedQuizLessonIds: string[];
}

export async function learnerCourseStatus(
  deps: { stores: ProgressStores },
  input: { userId: string; courseId: string },
): Promise<LearnerCourseStatus> {
  const [enrollment] = await deps.stores.progress.enrollmentsByUserAndCourse([input]);
  if (!enrollment) return { enrolled: false, progressPercent: 0, passedQuizLessonIds: [] };
  // Attempts come oldest first and belong to this enrollment, so to this course.
  const [attempts, completed, [course]] = await Promise.all([
    deps.stores.progress.quizAttemptsByEnrollments([enrollment.id]),
    deps.stores.progress.completedLessonsByEnrollments([enrollment.id]),
    deps.stores.catalog.coursesByIds([input.courseId]),
  ]);
  const passed = new Set(attempts.filter((attempt) => attempt.passed).map((attempt) => attempt.lessonId));
  const completedIds = new Set(completed.map((row) => row.lessonId));
  return {
    enrolled: true,
    progressPercent: progressPercent(completedIds, course?.lessonIds ?? []),
    passedQuizLessonIds: [...passed],
  };
}
