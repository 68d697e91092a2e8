/** The query root and the fields labs contributes to entities other subgraphs own: User and Lesson. */
import { forbidden, hasRole, pageRequest, requireViewer, toConnection } from '@learncraft/kit';
import type { LabsContext } from '../context';
import { readableSession } from './session';

interface Ref {
  id: string;
}

export const entityResolvers = {
  Query: {
    labSession: (_: unknown, args: { id: string }, ctx: LabsContext) => readableSession(ctx, args.id),
  },
  User: {
    __resolveReference: (ref: Ref) => ref,
    async labSessions(user: Ref, args: { first?: number | null; after?: string | null }, ctx: LabsContext) {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.id !== user.id && !hasRole(viewer, 'ADMIN'))
        throw forbidden("You may not read another user's lab sessions.");
      const page = pageRequest(args);
      const [rows, total] = await Promise.all([
        ctx.loaders.sessionPage.load({ ownerId: user.id, page }),
        ctx.loaders.sessionCount.load(user.id),
      ]);
      return toConnection(rows, total, page);
    },
  },
  Lesson: {
    __resolveReference: (ref: Ref) => ref,
    viewerLabSession(lesson: Ref, _args: unknown, ctx: LabsContext) {
      if (!ctx.viewer) return null;
      return ctx.loaders.latestByUserAndLesson.load({ userId: ctx.viewer.id, lessonId: lesson.id });
    },
  },
};
