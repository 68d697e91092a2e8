/**
 * Learning events: what progress tells other services (identity's partner webhooks) about a
 * learner's enrollment, on topic `progress.learning` (contract 4 of issue 12). Which events one
 * committed change announces is decided here; the store writes them to its outbox in the same
 * transaction, and the relay publishes them.
 */
import type { LessonState } from './progress';

export const LEARNING_TOPIC = 'progress.learning';

export type LearningEventType = 'enrolled' | 'lesson.completed' | 'course.completed' | 'lab.passed';

export interface LearningEvent {
  type: LearningEventType;
  /** ISO-8601 time of the change. */
  occurredAt: string;
  userId: string;
  courseId: string;
  enrollmentId: string;
  lessonId: string | null;
  /** The enrollment's progress after the change, as `Enrollment.progressPercent`. */
  progressPercent: number;
}

interface EnrollmentRef {
  id: string;
  userId: string;
  courseId: string;
}

export function enrolledEvent(enrollment: EnrollmentRef, at: Date): LearningEvent {
  return event('enrolled', enrollment, null, 0, at);
}

/**
 * The events of one lesson activity: `lesson.completed` when the lesson became complete (and
 * `lab.passed` too for a LAB lesson), `course.completed` when the enrollment's completedAt was
 * first set. A heartbeat or a failed attempt announces nothing.
 */
export function lessonActivityEvents(change: {
  enrollment: EnrollmentRef;
  lessonId: string;
  lessonKind: string | undefined;
  previous: LessonState;
  next: LessonState;
  courseCompletedBefore: boolean;
  courseCompletedAfter: boolean;
  progressPercent: number;
  at: Date;
}): LearningEvent[] {
  const { enrollment, lessonId, progressPercent, at } = change;
  const events: LearningEvent[] = [];
  if (change.previous.status !== 'COMPLETED' && change.next.status === 'COMPLETED') {
    events.push(event('lesson.completed', enrollment, lessonId, progressPercent, at));
    if (change.lessonKind === 'LAB')
      events.push(event('lab.passed', enrollment, lessonId, progressPercent, at));
  }
  if (!change.courseCompletedBefore && change.courseCompletedAfter) {
    events.push(event('course.completed', enrollment, null, progressPercent, at));
  }
  return events;
}

function event(
  type: LearningEventType,
  enrollment: EnrollmentRef,
  lessonId: string | null,
  progressPercent: number,
  at: Date,
): LearningEvent {
  return {
    type,
    occurredAt: at.toISOString(),
    userId: enrollment.userId,
    courseId: enrollment.courseId,
    enrollmentId: enrollment.id,
    lessonId,
    progressPercent,
  };
}
