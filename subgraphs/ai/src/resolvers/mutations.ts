/** The tutor and authoring mutations: unpack the input, call the service, shape the payload. */
import { requireViewer } from '@learncraft/kit';
import type { AiContext } from '../context';
import type { AskInput } from '../services/tutorService';
import type { AcceptedQuestion } from '../services/instructorTools';

type Input<T> = { input: T };

export const mutationResolvers = {
  Mutation: {
    async tutorAsk(_: unknown, { input }: Input<AskInput>, ctx: AiContext) {
      const outcome = await ctx.tutor.ask(requireViewer(ctx.viewer), input);
      return outcome.ok
        ? {
            conversation: outcome.conversation,
            question: outcome.question,
            message: outcome.message,
            userErrors: [],
          }
        : { conversation: null, question: null, message: null, userErrors: outcome.userErrors };
    },
    async labHintRequest(
      _: unknown,
      { input }: Input<{ sessionId: string; stepId: string }>,
      ctx: AiContext,
    ) {
      const outcome = await ctx.tutor.hint(requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { message: outcome.message, level: outcome.level, userErrors: [] }
        : { message: null, level: null, userErrors: outcome.userErrors };
    },
    async tutorMessageRate(
      _: unknown,
      { input }: Input<{ messageId: string; helpful: boolean; comment?: string | null }>,
      ctx: AiContext,
    ) {
      const outcome = await ctx.tutor.rate(requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { message: outcome.message, userErrors: [] }
        : { message: null, userErrors: outcome.userErrors };
    },
    async quizDraftGenerate(
      _: unknown,
      { input }: Input<{ lessonId: string; count: number }>,
      ctx: AiContext,
    ) {
      const outcome = await ctx.instructor.generateQuizDraft(requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { draft: outcome.draft, userErrors: [] }
        : { draft: null, userErrors: outcome.userErrors };
    },
    async quizDraftAccept(
      _: unknown,
      { input }: Input<{ draftId: string; questions: AcceptedQuestion[] }>,
      ctx: AiContext,
    ) {
      const outcome = await ctx.instructor.acceptQuizDraft(requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { draft: outcome.draft, lesson: { id: outcome.lessonId }, userErrors: [] }
        : { draft: null, lesson: null, userErrors: outcome.userErrors };
    },
    async quizDraftDiscard(_: unknown, { input }: Input<{ draftId: string }>, ctx: AiContext) {
      const outcome = await ctx.instructor.discardQuizDraft(requireViewer(ctx.viewer), input);
      return outcome.ok
        ? { draft: outcome.draft, userErrors: [] }
        : { draft: null, userErrors: outcome.userErrors };
    },
    async lessonSummarize(_: unknown, { input }: Input<{ lessonId: string }>, ctx: AiContext) {
      const outcome = await ctx.instructor.summarizeLesson(requireViewer(ctx.viewer), input);
      if (!outcome.ok) return { lesson: null, userErrors: outcome.userErrors };
      ctx.loaders.summary.prime(outcome.summary.lessonId, outcome.summary);
      return { lesson: { id: outcome.summary.lessonId }, userErrors: [] };
    },
  },
};
