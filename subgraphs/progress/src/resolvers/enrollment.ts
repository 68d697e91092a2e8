/** Enrollment, LessonProgress and QuizAttempt fields: derived values are computed through loaders. */
import { forbidden, requireViewer } from '@learncraft/kit';
import type { ProgressContext } from '../context';
import { canReadEnrollment } from '../domain/events';
import { NOT_STARTED, progressPercent, type LessonState } from '../domain/progress';
import {
  quizFeedback,
  quizStanding,
  UNLIMITED_ATTEMPTS,
  type QuizQuestionFeedback,
  type QuizStanding,
} from '../domain/quiz';
import type { EnrollmentRecord, QuizAttemptRecord } from '../stores/progressStore';

/**
 * Set on what is read on behalf of an organization (`Organization.enrollments`): its quiz results
 * never show the answer key, nor the options chosen (with `correct`, they would spell it out).
 */
interface ReadFor {
  readFor?: 'ORGANIZATION';
}

/** What a LessonProgress field resolves from: a stored row or a synthetic NOT_STARTED one. */
export interface LessonProgressParent extends LessonState, ReadFor {
  enrollmentId: string;
  lessonId: string;
}

type AttemptParent = QuizAttemptRecord & ReadFor;
type EnrollmentParent = EnrollmentRecord & ReadFor;

/**
 * The learner's standing in a quiz now, from all their attempts and the quiz's current limits
 * (a quiz catalog no longer knows counts as unlimited). Null when the lesson is not a quiz.
 */
async function standingOf(
  ctx: ProgressContext,
  enrollmentId: string,
  lessonId: string,
): Promise<QuizStanding | null> {
  const [lesson, attempts] = await Promise.all([
    ctx.loaders.lesson.load(lessonId),
    ctx.loaders.quizAttempts.load(enrollmentId),
  ]);
  if (lesson && lesson.kind !== 'QUIZ') return null;
  const ofLesson = attempts.filter((attempt) => attempt.lessonId === lessonId);
  return quizStanding(ofLesson, lesson?.quiz ?? UNLIMITED_ATTEMPTS, ctx.now());
}

/** The learner's state in each of the course's current lessons, in syllabus order. */
async function lessonsOf(
  enrollment: EnrollmentParent,
  ctx: ProgressContext,
): Promise<LessonProgressParent[]> {
  const [course, rows] = await Promise.all([
    ctx.loaders.course.load(enrollment.courseId),
    ctx.loaders.lessonProgress.load(enrollment.id),
  ]);
  const byLesson = new Map(rows.map((row) => [row.lessonId, row]));
  return (course?.lessonIds ?? []).map((lessonId) => ({
    ...(byLesson.get(lessonId) ?? { enrollmentId: enrollment.id, lessonId, ...NOT_STARTED }),
    readFor: enrollment.readFor,
  }));
}

export const enrollmentResolvers = {
  Enrollment: {
    async __resolveReference(ref: { id: string }, ctx: ProgressContext) {
      const viewer = requireViewer(ctx.viewer);
      const enrollment = await ctx.loaders.enrollment.load(ref.id);
      if (!enrollment) return null;
      const course =
        enrollment.userId === viewer.id ? null : await ctx.loaders.course.load(enrollment.courseId);
      if (!canReadEnrollment(viewer, enrollment, course))
        throw forbidden('You may not read this enrollment.');
      return enrollment;
    },
    user: (enrollment: EnrollmentRecord) => ({ id: enrollment.userId }),
    course: (enrollment: EnrollmentRecord) => ({ id: enrollment.courseId }),
    async progressPercent(enrollment: EnrollmentRecord, _args: unknown, ctx: ProgressContext) {
      const [course, completed] = await Promise.all([
        ctx.loaders.course.load(enrollment.courseId),
        ctx.loaders.completedLessonIds.load(enrollment.id),
      ]);
      return progressPercent(completed, course?.lessonIds ?? []);
    },
    lessons: (enrollment: EnrollmentParent, _args: unknown, ctx: ProgressContext) =>
      lessonsOf(enrollment, ctx),
    async quizAttempts(
      enrollment: EnrollmentParent,
      args: { lessonId?: string | null },
      ctx: ProgressContext,
    ): Promise<AttemptParent[]> {
      const attempts = await ctx.loaders.quizAttempts.load(enrollment.id);
      return attempts
        .filter((attempt) => !args.lessonId || attempt.lessonId === args.lessonId)
        .map((attempt) => ({ ...attempt, readFor: enrollment.readFor }));
    },
  },
  LessonProgress: {
    lesson: (progress: LessonProgressParent) => ({ id: progress.lessonId }),
    async quiz(progress: LessonProgressParent, _args: unknown, ctx: ProgressContext) {
      const standing = await standingOf(ctx, progress.enrollmentId, progress.lessonId);
      return standing && progress.readFor ? { ...standing, answerKeyRevealed: false } : standing;
    },
  },
  QuizAttempt: {
    lesson: (attempt: AttemptParent) => ({ id: attempt.lessonId }),
    // Visibility is decided at read time, from the learner's standing now, on every path.
    answerKeyRevealed: (attempt: AttemptParent, _args: unknown, ctx: ProgressContext) =>
      answerKeyRevealed(ctx, attempt),
    async results(attempt: AttemptParent, _args: unknown, ctx: ProgressContext) {
      const feedback = quizFeedback(attempt.results, await answerKeyRevealed(ctx, attempt));
      return attempt.readFor ? feedback.map(withoutOptions) : feedback;
    },
  },
};

async function answerKeyRevealed(ctx: ProgressContext, attempt: AttemptParent): Promise<boolean> {
  if (attempt.readFor) return false;
  const standing = await standingOf(ctx, attempt.enrollmentId, attempt.lessonId);
  return standing?.answerKeyRevealed ?? false;
}

/** An organization's view of one result: right or wrong, nothing that tells the answer. */
function withoutOptions(result: QuizQuestionFeedback): QuizQuestionFeedback {
  return {
    ...result,
    selectedOptionIds: [],
    incorrectOptionIds: [],
    correctOptionIds: null,
    explanation: null,
  };
}
