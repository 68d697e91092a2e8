/**
 * `tutorReply(messageId)`: the reply's text as it is written, for its learner only, then one final
 * event with the whole message read fresh from the store.
 */
import { requireViewer } from '@learncraft/kit';
import type { AiContext } from '../context';
import type { FollowEvent } from '../services/replyStreams';

export interface TutorReplyEvent {
  delta: string;
  done: boolean;
  message: unknown;
}

export const subscriptionResolvers = {
  Subscription: {
    tutorReply: {
      async subscribe(_: unknown, args: { messageId: string }, ctx: AiContext) {
        const viewer = requireViewer(ctx.viewer);
        const message = await ctx.tutor.ownMessage(viewer, args.messageId);
        const finished = async () => {
          const [current] = await ctx.store.messagesByIds([message.id]);
          return !current || current.status === 'COMPLETE' || current.status === 'FAILED';
        };
        const events = await ctx.streams.follow(message.id, {
          isFinished: finished,
          onStall: () => ctx.tutor.abandon(message.id),
          stallMs: ctx.tutor.stallMs,
        });
        return replyEvents(events, async () => {
          ctx.refreshLoaders();
          return ctx.loaders.message.load(message.id);
        });
      },
      resolve: (event: TutorReplyEvent) => event,
    },
  },
};

/** Text events as they come; the end becomes one event carrying the message as stored. */
function replyEvents(
  source: AsyncIterableIterator<FollowEvent>,
  finalMessage: () => Promise<unknown>,
): AsyncIterableIterator<TutorReplyEvent> {
  const iterator: AsyncIterableIterator<TutorReplyEvent> = {
    async next() {
      const result = await source.next();
      if (result.done) return { value: undefined, done: true };
      if ('delta' in result.value)
        return { value: { delta: result.value.delta, done: false, message: null }, done: false };
      return { value: { delta: '', done: true, message: await finalMessage() }, done: false };
    },
    async return(): Promise<IteratorResult<TutorReplyEvent>> {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
