/**
 * Progress rules: how a video heartbeat moves a lesson on, when a lesson and a course count as
 * complete, and the derived course percentage. Pure functions; stores persist what they decide.
 */
import { userError, type UserError } from '@learncraft/kit';

export type LessonStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED';

/** A video counts as watched once the furthest position reaches this share of its duration. */
export const VIDEO_COMPLETION_RATIO = 0.9;
/** Players report positions slightly past the end (rounding, outro); tolerated up to this. */
export const POSITION_TOLERANCE_SECONDS = 5;

export interface LessonState {
  status: LessonStatus;
  positionSeconds: number;
  completedAt: Date | null;
}

export const NOT_STARTED: LessonState = { status: 'NOT_STARTED', positionSeconds: 0, completedAt: null };

/** Rejects positions a real player cannot report; the caller writes nothing on an error. */
export function validatePosition(positionSeconds: number, durationSeconds: number): UserError | null {
  const valid =
    Number.isFinite(positionSeconds) &&
    positionSeconds >= 0 &&
    positionSeconds <= Math.max(0, durationSeconds) + POSITION_TOLERANCE_SECONDS;
  if (valid) return null;
  return userError(
    'INVALID_POSITION',
    `The position must be a number of seconds from 0 to ${Math.max(0, durationSeconds) + POSITION_TOLERANCE_SECONDS}.`,
    ['input', 'positionSeconds'],
  );
}

/**
 * The state after a heartbeat: the furthest position wins, and the lesson completes once that
 * furthest position reaches 90 % of the duration (a completed lesson stays completed).
 */
export function applyVideoHeartbeat(
  current: LessonState,
  positionSeconds: number,
  durationSeconds: number,
  now: Date,
): LessonState {
  const furthest = Math.max(current.positionSeconds, positionSeconds);
  if (current.status === 'COMPLETED') return { ...current, positionSeconds: furthest };
  const watched = furthest >= VIDEO_COMPLETION_RATIO * durationSeconds;
  return watched
    ? { status: 'COMPLETED', positionSeconds: furthest, completedAt: now }
    : { status: 'IN_PROGRESS', positionSeconds: furthest, completedAt: null };
}

/** Completing is idempotent: the first completion time is kept. */
export function applyCompletion(current: LessonState, now: Date): LessonState {
  if (current.status === 'COMPLETED') return current;
  return { status: 'COMPLETED', positionSeconds: current.positionSeconds, completedAt: now };
}

/** A failed quiz attempt starts the lesson without completing it. */
export function applyAttempt(current: LessonState): LessonState {
  return current.status === 'NOT_STARTED' ? { ...current, status: 'IN_PROGRESS' } : current;
}

/** Completed lessons among the course's current lessons, as a whole percentage (floor, so 100 means all). */
export function progressPercent(
  completedLessonIds: ReadonlySet<string>,
  courseLessonIds: readonly string[],
): number {
  if (courseLessonIds.length === 0) return 0;
  const completed = courseLessonIds.filter((id) => completedLessonIds.has(id)).length;
  return Math.floor((100 * completed) / courseLessonIds.length);
}

/** A course is complete when it has lessons and every one of them is complete. */
export function isCourseComplete(
  completedLessonIds: ReadonlySet<string>,
  courseLessonIds: readonly string[],
): boolean {
  return courseLessonIds.length > 0 && courseLessonIds.every((id) => completedLessonIds.has(id));
}
