/**
 * A learner's standing in one course for other services (the ai tutor decides what it may reveal
 * about a quiz from it): whether they are enrolled, and which quiz lessons they have passed.
 */
import type { ProgressStores } from '../context';

export interface LearnerCourseStatus {
  enrolled: boolean;
  /** Quiz lessons of the course with at least one passing attempt, in the order first passed. */
  passedQuizLessonIds: string[];
}

export async function learnerCourseStatus(
  deps: { stores: ProgressStores },
  input: { userId: string; courseId: string },
): Promise<LearnerCourseStatus> {
  const [enrollment] = await deps.stores.progress.enrollmentsByUserAndCourse([input]);
  if (!enrollment) return { enrolled: false, passedQuizLessonIds: [] };
  // Attempts come oldest first and belong to this enrollment, so to this course.
  const attempts = await deps.stores.progress.quizAttemptsByEnrollments([enrollment.id]);
  const passed = new Set(attempts.filter((attempt) => attempt.passed).map((attempt) => attempt.lessonId));
  return { enrolled: true, passedQuizLessonIds: [...passed] };
}
