/**
 * `labSessionUpdated(sessionId)`: the session's events from the kit PubSub, for its learner only,
 * each resolved from current data (loaders are refreshed per event).
 */
import { requireViewer, type Subscription } from '@learncraft/kit';
import type { LabsContext } from '../context';
import { labTopic, type LabEventPayload } from '../domain/events';

export const subscriptionResolvers = {
  Subscription: {
    labSessionUpdated: {
      async subscribe(_: unknown, args: { sessionId: string }, ctx: LabsContext) {
        const session = await ctx.labs.ownSession(requireViewer(ctx.viewer), args.sessionId);
        const source = await ctx.pubsub.subscribe<LabEventPayload>(labTopic(session.id));
        return refreshingEvents(source, () => ctx.refreshLoaders());
      },
      resolve: (event: LabEventPayload) => event,
    },
  },
};

/**
 * A view of a subscription that refreshes the loaders before each event. Written by hand rather
 * than as an async generator so that `return()` (the client unsubscribing) ends the source at once.
 */
function refreshingEvents<T>(source: Subscription<T>, beforeEach: () => void): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const result = await source.next();
      if (!result.done) beforeEach();
      return result;
    },
    async return() {
      return (await source.return?.()) ?? { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
