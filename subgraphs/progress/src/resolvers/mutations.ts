/** The learner mutations: unpack the input, run the action, shape the payload. */
import { requireViewer } from '@learncraft/kit';
import type { ProgressContext } from '../context';
import type { QuizAnswer } from '../domain/quiz';
import { completeLesson, enrollInCourse, recordVideoProgress, submitQuiz } from '../services/learning';
import { enrollOrganizationMember } from '../services/organizations';

type Input<T> = { input: T };

export const mutationResolvers = {
  Mutation: {
    async courseEnroll(_: unknown, { input }: Input<{ courseId: string }>, ctx: ProgressContext) {
      const outcome = await enrollInCourse(ctx, requireViewer(ctx.viewer), input.courseId);
      return outcome.ok
        ? { enrollment: outcome.enrollment, userErrors: [] }
        : { enrollment: null, userErrors: outcome.userErrors };
    },
    async organizationMemberEnroll(
      _: unknown,
      { input }: Input<{ organizationId: string; userId: string; courseId: string }>,
      ctx: ProgressContext,
    ) {
      const outcome = await enrollOrganizationMember(ctx, input);
      return outcome.ok
        ? { enrollment: outcome.enrollment, userErrors: [] }
        : { enrollment: null, userErrors: outcome.userErrors };
    },
    async videoProgressRecord(
      _: unknown,
      { input }: Input<{ lessonId: string; positionSeconds: number }>,
      ctx: ProgressContext,
    ) {
      const outcome = await recordVideoProgress(ctx, requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { lessonProgress: outcome.lessonProgress, enrollment: outcome.enrollment, userErrors: [] }
        : { lessonProgress: null, enrollment: null, userErrors: outcome.userErrors };
    },
    async lessonComplete(_: unknown, { input }: Input<{ lessonId: string }>, ctx: ProgressContext) {
      const outcome = await completeLesson(ctx, requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { lessonProgress: outcome.lessonProgress, enrollment: outcome.enrollment, userErrors: [] }
        : { lessonProgress: null, enrollment: null, userErrors: outcome.userErrors };
    },
    async quizSubmit(
      _: unknown,
      { input }: Input<{ lessonId: string; answers: QuizAnswer[]; idempotencyKey?: string | null }>,
      ctx: ProgressContext,
    ) {
      const outcome = await submitQuiz(ctx, requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { attempt: outcome.attempt, enrollment: outcome.enrollment, userErrors: [] }
        : { attempt: null, enrollment: null, userErrors: outcome.userErrors };
    },
  },
};
