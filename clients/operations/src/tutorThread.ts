/**
 * The tutor's conversation as a reducer, shared by the web app's tutor panel and the app's tutor
 * screen (with the limits and words both show): the messages shown, the conversation a new
 * question continues, and the reply being written. A reply grows by the `delta` of each
 * `tutorReply` event and is replaced by the final event's message (its whole text, citations and
 * status), so text that arrived twice or not at all never outlives the stream.
 */
import type { TutorMessageFieldsFragment, TutorSourceKind } from './generated/graphql';

export const QUESTION_MAX_LENGTH = 2000;
export const COMMENT_MAX_LENGTH = 1000;
/** Conversations listed per page of the history. */
export const HISTORY_PAGE = 10;
/** Hints get more specific up to this level. */
export const HINT_LEVELS = 3;

/** What a cited passage is, in words: "reading", "video transcript"… */
export const SOURCE_LABELS: Record<TutorSourceKind, string> = {
  READING: 'reading',
  TRANSCRIPT: 'video transcript',
  LAB: 'lab',
  QUIZ: 'quiz explanation',
};

export type TutorMessageData = TutorMessageFieldsFragment;

export interface TutorThread {
  /** The conversation a new question continues; null for a new one. */
  conversationId: string | null;
  /** Oldest first. */
  messages: TutorMessageData[];
  /** The TUTOR reply followed through `tutorReply`; null when none is being written. */
  streamingId: string | null;
}

export type ThreadAction =
  /** Shows a conversation loaded from the server, or a new empty one (conversationId null). */
  | { type: 'open'; conversationId: string | null; messages: TutorMessageData[] }
  /**
   * A question was asked (or a hint requested: no question). A reply in another conversation
   * than the one shown opens that conversation.
   */
  | { type: 'asked'; conversationId: string; question: TutorMessageData | null; reply: TutorMessageData }
  | { type: 'delta'; messageId: string; delta: string }
  | { type: 'final'; message: TutorMessageData }
  /** The stream broke before its final event: the reply keeps its text and is marked FAILED. */
  | { type: 'streamFailed'; messageId: string; error: string }
  | { type: 'rated'; messageId: string; rating: TutorMessageData['rating'] };

export const EMPTY_THREAD: TutorThread = { conversationId: null, messages: [], streamingId: null };

export const isWriting = (message: Pick<TutorMessageData, 'status'>) =>
  message.status === 'PENDING' || message.status === 'STREAMING';

function replace(
  messages: TutorMessageData[],
  id: string,
  update: (message: TutorMessageData) => TutorMessageData,
): TutorMessageData[] {
  return messages.map((message) => (message.id === id ? update(message) : message));
}

export function threadReducer(thread: TutorThread, action: ThreadAction): TutorThread {
  switch (action.type) {
    case 'open': {
      const writing = action.messages.findLast((message) => message.role === 'TUTOR' && isWriting(message));
      return {
        conversationId: action.conversationId,
        messages: action.messages,
        streamingId: writing?.id ?? null,
      };
    }
    case 'asked': {
      const added = action.question ? [action.question, action.reply] : [action.reply];
      const same = thread.conversationId === action.conversationId;
      return {
        conversationId: action.conversationId,
        messages: same ? [...thread.messages, ...added] : added,
        streamingId: isWriting(action.reply) ? action.reply.id : null,
      };
    }
    case 'delta':
      if (!action.delta) return thread;
      return {
        ...thread,
        messages: replace(thread.messages, action.messageId, (message) =>
          isWriting(message)
            ? { ...message, status: 'STREAMING', content: message.content + action.delta }
            : message,
        ),
      };
    case 'final':
      return {
        ...thread,
        messages: replace(thread.messages, action.message.id, () => action.message),
        streamingId: thread.streamingId === action.message.id ? null : thread.streamingId,
      };
    case 'streamFailed':
      return {
        ...thread,
        messages: replace(thread.messages, action.messageId, (message) =>
          isWriting(message)
            ? { ...message, status: 'FAILED', error: { code: 'INTERRUPTED', message: action.error } }
            : message,
        ),
        streamingId: thread.streamingId === action.messageId ? null : thread.streamingId,
      };
    case 'rated':
      return {
        ...thread,
        messages: replace(thread.messages, action.messageId, (message) => ({
          ...message,
          rating: action.rating,
        })),
      };
  }
}
