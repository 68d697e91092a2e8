/**
 * `progressUpdated(courseId)`: events of one course from the kit PubSub, filtered to what the
 * viewer may see, each resolved from current data (loaders are refreshed per event).
 */
import { forbidden, notFound, requireViewer, type Subscription } from '@learncraft/kit';
import type { ProgressContext } from '../context';
import { progressAudience, progressTopic, type ProgressEventPayload } from '../domain/events';

export const subscriptionResolvers = {
  Subscription: {
    progressUpdated: {
      async subscribe(_: unknown, args: { courseId: string }, ctx: ProgressContext) {
        const viewer = requireViewer(ctx.viewer);
        const [course, enrollment] = await Promise.all([
          ctx.loaders.course.load(args.courseId),
          ctx.loaders.enrollmentByUserAndCourse.load({ userId: viewer.id, courseId: args.courseId }),
        ]);
        if (!course) throw notFound('Course', args.courseId);
        const audience = progressAudience(viewer, course, enrollment !== null);
        if (!audience)
          throw forbidden('Only enrolled learners and the course instructors may follow its progress.');
        const source = await ctx.pubsub.subscribe<ProgressEventPayload>(progressTopic(course.id));
        return filterEvents(source, (event) => {
          if (audience === 'OWN' && event.userId !== viewer.id) return false;
          ctx.refreshLoaders();
          return true;
        });
      },
      resolve: (event: ProgressEventPayload) => event,
    },
  },
  ProgressEvent: {
    enrollment: (event: ProgressEventPayload, _args: unknown, ctx: ProgressContext) =>
      ctx.loaders.enrollment.load(event.enrollmentId),
    lesson: (event: ProgressEventPayload) => (event.lessonId ? { id: event.lessonId } : null),
  },
};

/**
 * A filtering view of a subscription. Written by hand rather than as an async generator so that
 * `return()` (the client unsubscribing) ends the source at once instead of waiting for its next event.
 */
export function filterEvents<T>(
  source: Subscription<T>,
  keep: (event: T) => boolean,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
      }
    },
    async return() {
      return (await source.return?.()) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
