/**
 * The learner actions behind the mutations: look the lesson up in catalog, check the enrollment
 * and the learner's access to the course (commerce: a refunded course refuses further progress),
 * let the domain decide, write in one transaction, then publish the event after the commit.
 * Every expected failure is a userError and writes nothing.
 */
import {
  courseAccessProblem,
  userError,
  type AccessSubject,
  type UserError,
  type Viewer,
} from '@learncraft/kit';
import type { ProgressContext } from '../context';
import { progressTopic, type ProgressEventKind, type ProgressEventPayload } from '../domain/events';
import {
  applyAttempt,
  applyCompletion,
  applyVideoHeartbeat,
  validatePosition,
  type LessonState,
} from '../domain/progress';
import {
  checkAttemptAllowed,
  gradeQuiz,
  quizStanding,
  replayDecision,
  validateIdempotencyKey,
  type QuizAnswer,
} from '../domain/quiz';
import type { CatalogCourse, CatalogLesson } from '../stores/catalogClient';
import type { EnrollmentRecord, LessonActivityResult, QuizAttemptRecord } from '../stores/progressStore';

export type Outcome<T> = ({ ok: true } & T) | { ok: false; userErrors: UserError[] };

const LESSON_FIELD = ['input', 'lessonId'];

export async function enrollInCourse(
  ctx: ProgressContext,
  viewer: Viewer,
  courseId: string,
): Promise<Outcome<{ enrollment: EnrollmentRecord }>> {
  // Read past the cache: a course published a moment ago must be enrollable at once.
  const [course] = await ctx.stores.catalog.coursesByIds([courseId], { fresh: true });
  if (!course || !course.published) {
    return failure(userError('COURSE_NOT_FOUND', `Course ${courseId} was not found.`, ['input', 'courseId']));
  }
  return enrollMemberInCourse(ctx, viewer, course);
}

/**
 * Enrolls a learner in a published course they have access to (courseEnroll for the viewer,
 * organizationMemberEnroll for a member): idempotent, and `ENROLLED` is published for a new
 * enrollment only (the learning event goes out through the outbox).
 */
export async function enrollMemberInCourse(
  ctx: ProgressContext,
  learner: AccessSubject,
  course: CatalogCourse,
): Promise<Outcome<{ enrollment: EnrollmentRecord }>> {
  const refused = await courseAccessProblem(ctx.access, learner, course.id);
  if (refused) return failure(refused);
  const at = ctx.now();
  const { enrollment, created } = await ctx.stores.progress.enroll(learner.id, course.id, at);
  forgetEnrollment(ctx, enrollment);
  if (created) await publish(ctx, enrollment, null, 'ENROLLED', at);
  return { ok: true, enrollment };
}

interface LessonTarget {
  lesson: CatalogLesson;
  course: CatalogCourse;
  enrollment: EnrollmentRecord;
}

/** The lesson, its course and the viewer's enrollment in it, or LESSON_NOT_FOUND / NOT_ENROLLED. */
async function lessonTarget(
  ctx: ProgressContext,
  viewer: Viewer,
  lessonId: string,
): Promise<Outcome<LessonTarget>> {
  const lesson = await ctx.loaders.lesson.load(lessonId);
  const course = lesson?.coursePublished ? await ctx.loaders.course.load(lesson.courseId) : null;
  if (!lesson || !course)
    return failure(userError('LESSON_NOT_FOUND', `Lesson ${lessonId} was not found.`, LESSON_FIELD));
  const enrollment = await ctx.loaders.enrollmentByUserAndCourse.load({
    userId: viewer.id,
    courseId: course.id,
  });
  if (!enrollment) {
    return failure(
      userError(
        'NOT_ENROLLED',
        'Enroll in the course before recording progress in its lessons.',
        LESSON_FIELD,
      ),
    );
  }
  const refused = await courseAccessProblem(ctx.access, viewer, course.id, LESSON_FIELD);
  if (refused) return failure(refused);
  return { ok: true, lesson, course, enrollment };
}

function wrongKind(lesson: CatalogLesson, expected: string) {
  return failure(
    userError(
      'WRONG_LESSON_KIND',
      `Lesson ${lesson.id} is a ${lesson.kind} lesson; ${expected}.`,
      LESSON_FIELD,
    ),
  );
}

export async function recordVideoProgress(
  ctx: ProgressContext,
  viewer: Viewer,
  input: { lessonId: string; positionSeconds: number },
): Promise<Outcome<LessonActivityResult>> {
  const target = await lessonTarget(ctx, viewer, input.lessonId);
  if (!target.ok) return target;
  const { lesson } = target;
  if (lesson.kind !== 'VIDEO') return wrongKind(lesson, 'only videos record a position');
  const invalid = validatePosition(input.positionSeconds, lesson.durationSeconds);
  if (invalid) return failure(invalid);
  const result = await record(ctx, target, {
    decide: (current, at) => applyVideoHeartbeat(current, input.positionSeconds, lesson.durationSeconds, at),
    // The heartbeat that crosses 90 % is reported as the completion it causes.
    kind: ({ previous, lessonProgress }) =>
      previous.status !== 'COMPLETED' && lessonProgress.status === 'COMPLETED'
        ? 'LESSON_COMPLETED'
        : 'VIDEO_PROGRESS',
  });
  return { ok: true, ...result };
}

export async function completeLesson(
  ctx: ProgressContext,
  viewer: Viewer,
  input: { lessonId: string },
): Promise<Outcome<LessonActivityResult>> {
  const target = await lessonTarget(ctx, viewer, input.lessonId);
  if (!target.ok) return target;
  if (target.lesson.kind === 'QUIZ') return wrongKind(target.lesson, 'a quiz completes when it is passed');
  if (target.lesson.kind === 'LAB') {
    return failure(
      userError('COMPLETED_BY_CHECKS', "Labs complete when every step's check passes.", LESSON_FIELD),
    );
  }
  const result = await record(ctx, target, { decide: applyCompletion, kind: () => 'LESSON_COMPLETED' });
  return { ok: true, ...result };
}

/**
 * Grades a submission and records it if the quiz's limits allow another attempt now. The limits
 * are checked first from the loaded attempts (so a learner who has none left hears that before any
 * complaint about the answers), then again under the enrollment's row lock, which is what keeps
 * concurrent submissions within the limit.
 *
 * With an idempotency key, a submission the learner already made (the app resending after a lost
 * response or from its offline queue) gets its first attempt back and records nothing, before any
 * limit is checked: the quiz may be passed or cooling down by then because of that very attempt.
 */
export async function submitQuiz(
  ctx: ProgressContext,
  viewer: Viewer,
  input: { lessonId: string; answers: QuizAnswer[]; idempotencyKey?: string | null },
): Promise<Outcome<{ attempt: QuizAttemptRecord; enrollment: EnrollmentRecord }>> {
  const idempotencyKey = input.idempotencyKey ?? null;
  if (idempotencyKey !== null) {
    const invalid = validateIdempotencyKey(idempotencyKey);
    if (invalid) return failure(invalid);
  }
  const target = await lessonTarget(ctx, viewer, input.lessonId);
  if (!target.ok) return target;
  const { lesson, enrollment } = target;
  if (lesson.kind !== 'QUIZ') return wrongKind(lesson, 'only quizzes take answers');
  const quiz = lesson.quiz;
  if (!quiz || quiz.questions.length === 0) {
    return failure(
      userError('QUIZ_NOT_AVAILABLE', `Lesson ${lesson.id} has no questions yet.`, LESSON_FIELD),
    );
  }
  const earlier = (await ctx.loaders.quizAttempts.load(enrollment.id)).filter(
    (attempt) => attempt.lessonId === lesson.id,
  );
  const first = idempotencyKey && earlier.find((attempt) => attempt.idempotencyKey === idempotencyKey);
  if (first) return replay(first, enrollment, input.answers);
  const at = ctx.now();
  const refused = checkAttemptAllowed(quizStanding(earlier, quiz, at), at);
  if (refused) return failure(refused);
  const graded = gradeQuiz(quiz, input.answers);
  if (!graded.ok) return { ok: false, userErrors: graded.errors };
  const { scorePercent, passed, results, answers } = graded.grade;
  const outcome = await ctx.stores.progress.recordQuizAttempt({
    ...activity(target, at, (current) => (passed ? applyCompletion(current, at) : applyAttempt(current))),
    attempt: { scorePercent, passed, results, answers, idempotencyKey },
    admit: (locked) => checkAttemptAllowed(quizStanding(locked, quiz, at), at),
  });
  if (!outcome.ok) return outcome;
  // A concurrent duplicate recorded the attempt first (seen under the row lock).
  if (outcome.replayed) return replay(outcome.attempt, outcome.enrollment, input.answers);
  await afterWrite(ctx, target, outcome, 'QUIZ_SUBMITTED', at);
  return outcome;
}

function replay(
  first: QuizAttemptRecord,
  enrollment: EnrollmentRecord,
  answers: readonly QuizAnswer[],
): Outcome<{ attempt: QuizAttemptRecord; enrollment: EnrollmentRecord }> {
  const reused = replayDecision(first, answers);
  return reused ? failure(reused) : { ok: true, attempt: first, enrollment };
}

/** The shared write path: one transaction, loaders refreshed, then the event. */
async function record(
  ctx: ProgressContext,
  target: LessonTarget,
  change: {
    decide: (current: LessonState, at: Date) => LessonState;
    kind: (result: LessonActivityResult) => ProgressEventKind;
  },
): Promise<LessonActivityResult> {
  const at = ctx.now();
  const result = await ctx.stores.progress.recordLessonActivity(
    activity(target, at, (current) => change.decide(current, at)),
  );
  await afterWrite(ctx, target, result, change.kind(result), at);
  return result;
}

function activity(target: LessonTarget, at: Date, next: (current: LessonState) => LessonState) {
  return {
    enrollmentId: target.enrollment.id,
    lessonId: target.lesson.id,
    lessonKind: target.lesson.kind,
    at,
    courseLessonIds: target.course.lessonIds,
    next,
  };
}

/** After the commit: cached reads refreshed, then the event. */
async function afterWrite(
  ctx: ProgressContext,
  target: LessonTarget,
  result: LessonActivityResult,
  kind: ProgressEventKind,
  at: Date,
) {
  forgetEnrollment(ctx, result.enrollment, result.completedLessonIds);
  await publish(ctx, result.enrollment, target.lesson.id, kind, at);
}

/**
 * Cached reads of this enrollment are stale after a write: drop them and prime what the write
 * knows (the new row; the completed lessons, which `progressPercent` then reads without a query).
 */
function forgetEnrollment(
  ctx: ProgressContext,
  enrollment: EnrollmentRecord,
  completedLessonIds?: ReadonlySet<string>,
) {
  const { loaders } = ctx;
  loaders.enrollment.clear(enrollment.id).prime(enrollment.id, enrollment);
  const key = { userId: enrollment.userId, courseId: enrollment.courseId };
  loaders.enrollmentByUserAndCourse.clear(key).prime(key, enrollment);
  loaders.enrollmentWithLessons.clear(key);
  loaders.lessonProgress.clear(enrollment.id);
  loaders.completedLessonIds.clear(enrollment.id);
  if (completedLessonIds) loaders.completedLessonIds.prime(enrollment.id, completedLessonIds);
  loaders.quizAttempts.clear(enrollment.id);
  loaders.enrollmentPage.clearAll();
  loaders.enrollmentCount.clear(enrollment.userId);
}

/** Events go out after the commit; a failed publish is logged, never undoes the committed write. */
export async function publish(
  ctx: Pick<ProgressContext, 'pubsub' | 'logger'>,
  enrollment: EnrollmentRecord,
  lessonId: string | null,
  kind: ProgressEventKind,
  at: Date,
) {
  const payload: ProgressEventPayload = {
    enrollmentId: enrollment.id,
    userId: enrollment.userId,
    courseId: enrollment.courseId,
    lessonId,
    kind,
    at: at.toISOString(),
  };
  try {
    await ctx.pubsub.publish(progressTopic(enrollment.courseId), payload);
  } catch (error) {
    ctx.logger.error('progress event publish failed', { kind, enrollmentId: enrollment.id, error });
  }
}

function failure(error: UserError): { ok: false; userErrors: UserError[] } {
  return { ok: false, userErrors: [error] };
}
