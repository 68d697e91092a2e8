/**
 * Sends one queued action through the app's Apollo client with the shared operations the online
 * screens use, so the answer lands in the normalized cache exactly as theirs does (the lesson's
 * progress, the enrollment's percentage, the quiz attempt). No react-native import: the offline
 * tests run it against a real HTTP server.
 */
import type { ApolloClient } from '@apollo/client';
import {
  LessonCompleteMutation,
  QuizSubmitMutation,
  VideoProgressRecordMutation,
} from '@learncraft/operations';
import type {
  LessonCompleteMutation as LessonCompleteData,
  QuizSubmitMutation as QuizSubmitData,
  VideoProgressRecordMutation as VideoProgressData,
} from '@learncraft/operations/types';
import { connection as appConnection, type ConnectionState } from './connectionState';
import { classifyFailure } from './errors';
import type { Delivery, QueuedAction } from './outbox';

/** The payload each kind of action answers with. */
export type OutboxResult =
  | { kind: 'videoProgress'; payload: VideoProgressData['videoProgressRecord'] }
  | { kind: 'lessonComplete'; payload: LessonCompleteData['lessonComplete'] }
  | { kind: 'quizSubmit'; payload: QuizSubmitData['quizSubmit'] };

/**
 * How long one send may take before it counts as lost: a request stuck on a dead network would
 * otherwise hold the whole queue. Resending after it is safe (the quiz carries its key; a
 * position or a completion changes nothing the second time).
 */
export const DELIVERY_TIMEOUT_MS = 20_000;

export function createApolloDelivery(
  client: Pick<ApolloClient<object>, 'mutate'>,
  connection: ConnectionState = appConnection,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): (action: QueuedAction) => Promise<Delivery<OutboxResult>> {
  return async (action) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TypeError('Network request timed out')), timeoutMs);
    });
    try {
      const result = await Promise.race([send(client, action), timedOut]);
      connection.reportNetworkSuccess();
      return { ok: true, result };
    } catch (error) {
      const failure = classifyFailure(error);
      if (failure === 'network') connection.reportNetworkFailure();
      else connection.reportNetworkSuccess();
      return { ok: false, failure, message: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  };
}

async function send(
  client: Pick<ApolloClient<object>, 'mutate'>,
  action: QueuedAction,
): Promise<OutboxResult> {
  switch (action.kind) {
    case 'videoProgress': {
      const { data } = await client.mutate({
        mutation: VideoProgressRecordMutation,
        variables: { input: { lessonId: action.lessonId, positionSeconds: action.positionSeconds } },
      });
      if (!data) throw new Error('The server answered without data.');
      return { kind: 'videoProgress', payload: data.videoProgressRecord };
    }
    case 'lessonComplete': {
      const { data } = await client.mutate({
        mutation: LessonCompleteMutation,
        variables: { input: { lessonId: action.lessonId } },
      });
      if (!data) throw new Error('The server answered without data.');
      return { kind: 'lessonComplete', payload: data.lessonComplete };
    }
    case 'quizSubmit': {
      const { data } = await client.mutate({
        mutation: QuizSubmitMutation,
        variables: {
          input: {
            lessonId: action.lessonId,
            answers: action.answers,
            idempotencyKey: action.idempotencyKey,
          },
        },
      });
      if (!data) throw new Error('The server answered without data.');
      return { kind: 'quizSubmit', payload: data.quizSubmit };
    }
  }
}
