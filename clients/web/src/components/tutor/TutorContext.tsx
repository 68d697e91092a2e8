/**
 * The tutor conversation a page shows, shared by the tutor panel and whatever else asks the tutor
 * on that page (a lab step's Hint button). The provider follows the reply being written through
 * `tutorReply` for as long as the page is open, whether or not the panel is on screen.
 */
import { createContext, useCallback, useContext, useMemo, useReducer, type ReactNode } from 'react';
import { useSubscription } from '@apollo/client';
import { TutorReplySubscription } from '@learncraft/operations';
import {
  EMPTY_THREAD,
  threadReducer,
  type ThreadAction,
  type TutorMessageData,
  type TutorThread,
} from '@learncraft/operations/tutorThread';

export interface Tutor {
  thread: TutorThread;
  dispatch: (action: ThreadAction) => void;
  /** A reply is being written: no other question or hint until it finishes. */
  busy: boolean;
  /** Shows a pending reply (an answer or a hint) and follows it. */
  follow: (reply: TutorMessageData, question?: TutorMessageData | null) => void;
}

const TutorContext = createContext<Tutor | null>(null);

/** The page's tutor; null outside a TutorProvider (the hint buttons then do not show). */
export function useTutor(): Tutor | null {
  return useContext(TutorContext);
}

export function TutorProvider({ children }: { children: ReactNode }) {
  const [thread, dispatch] = useReducer(threadReducer, EMPTY_THREAD);
  const streamingId = thread.streamingId;
  useSubscription(TutorReplySubscription, {
    variables: { messageId: streamingId ?? '' },
    skip: !streamingId,
    onData: ({ data }) => {
      const event = data.data?.tutorReply;
      if (!event || !streamingId) return;
      if (event.done && event.message) dispatch({ type: 'final', message: event.message });
      else dispatch({ type: 'delta', messageId: streamingId, delta: event.delta });
    },
    onError: () => {
      if (streamingId)
        dispatch({
          type: 'streamFailed',
          messageId: streamingId,
          error: 'The reply stopped arriving. Open the conversation again to see the rest.',
        });
    },
  });

  const follow = useCallback(
    (reply: TutorMessageData, question: TutorMessageData | null = null) =>
      dispatch({ type: 'asked', conversationId: reply.conversation.id, question, reply }),
    [],
  );
  const tutor = useMemo(
    () => ({ thread, dispatch, busy: !!streamingId, follow }),
    [thread, streamingId, follow],
  );
  return <TutorContext.Provider value={tutor}>{children}</TutorContext.Provider>;
}
