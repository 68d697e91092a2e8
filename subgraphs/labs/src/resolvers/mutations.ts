/** The learner mutations: unpack the input, run the action, shape the payload. */
import { requireViewer } from '@learncraft/kit';
import type { LabsContext } from '../context';
import type { Outcome } from '../services/labService';
import type { SessionRecord } from '../stores/labStore';

type Input<T> = { input: T };
type SessionInput = Input<{ sessionId: string }>;

const sessionPayload = (outcome: Outcome<{ session: SessionRecord }>) =>
  outcome.ok
    ? { session: outcome.session, userErrors: [] }
    : { session: null, userErrors: outcome.userErrors };

export const mutationResolvers = {
  Mutation: {
    labStart: async (_: unknown, { input }: Input<{ lessonId: string }>, ctx: LabsContext) =>
      sessionPayload(await ctx.labs.start(requireViewer(ctx.viewer), input.lessonId)),
    labStop: async (_: unknown, { input }: SessionInput, ctx: LabsContext) =>
      sessionPayload(await ctx.labs.stop(requireViewer(ctx.viewer), input.sessionId)),
    labReset: async (_: unknown, { input }: SessionInput, ctx: LabsContext) =>
      sessionPayload(await ctx.labs.reset(requireViewer(ctx.viewer), input.sessionId)),
    labExtend: async (_: unknown, { input }: SessionInput, ctx: LabsContext) =>
      sessionPayload(await ctx.labs.extend(requireViewer(ctx.viewer), input.sessionId)),
    async labStepCheck(
      _: unknown,
      { input }: Input<{ sessionId: string; stepId: string }>,
      ctx: LabsContext,
    ) {
      const outcome = await ctx.labs.check(requireViewer(ctx.viewer), input.sessionId, input.stepId);
      return outcome.ok
        ? { session: outcome.session, step: outcome.step, userErrors: [] }
        : { session: null, step: null, userErrors: outcome.userErrors };
    },
  },
};
