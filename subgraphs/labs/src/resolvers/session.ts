/** LabSession, LabStepState and LabSessionEvent fields; derived values through loaders. */
import { hasRole, requireViewer, type Viewer } from '@learncraft/kit';
import type { LabsContext } from '../context';
import type { LabEventPayload } from '../domain/events';
import { effectiveExpiry } from '../domain/session';
import type { SessionRecord, StepRecord } from '../stores/labStore';

/** Who may read a session: its learner and ADMINs. */
export const canRead = (viewer: Viewer, session: SessionRecord) =>
  session.userId === viewer.id || hasRole(viewer, 'ADMIN');

/** The session when the viewer may read it, else null (as for an unknown id). */
export async function readableSession(ctx: LabsContext, id: string): Promise<SessionRecord | null> {
  const viewer = requireViewer(ctx.viewer);
  const session = await ctx.loaders.session.load(id);
  return session && canRead(viewer, session) ? session : null;
}

export const sessionResolvers = {
  LabSession: {
    __resolveReference: (ref: { id: string }, ctx: LabsContext) => readableSession(ctx, ref.id),
    lesson: (session: SessionRecord) => ({ id: session.lessonId }),
    learner: (session: SessionRecord) => ({ id: session.userId }),
    steps: (session: SessionRecord, _args: unknown, ctx: LabsContext) => ctx.loaders.steps.load(session.id),
    expiresAt: (session: SessionRecord) => effectiveExpiry(session),
    // Only the learner gets a terminal, and only while the sandbox is there.
    terminalUrl: (session: SessionRecord, _args: unknown, ctx: LabsContext) =>
      session.status === 'READY' && session.sandboxId && ctx.viewer?.id === session.userId
        ? ctx.terminalUrl(session)
        : null,
  },
  LabStepState: {
    id: (step: StepRecord) => step.stepId,
  },
  LabSessionEvent: {
    session: (event: LabEventPayload, _args: unknown, ctx: LabsContext) =>
      ctx.loaders.session.load(event.sessionId),
    async step(event: LabEventPayload, _args: unknown, ctx: LabsContext) {
      if (!event.stepId) return null;
      const steps = await ctx.loaders.steps.load(event.sessionId);
      return steps.find((step) => step.stepId === event.stepId) ?? null;
    },
  },
};
