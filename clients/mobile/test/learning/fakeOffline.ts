/**
 * Small fakes of the offline engineer's contract hooks (useOutbox, useQuizOutcome, useDownloads,
 * useConnection) for the learning tests: every action sent is recorded, the test decides whether
 * it was sent (with the server's payload) or queued, and settles a queued quiz's later outcome.
 */
import { useSyncExternalStore } from 'react';
import type {
  OutboxAction,
  OutboxOutcome,
  QuizOutcome,
  QuizSubmitPayload,
} from '../../src/offline/OutboxContext';

type Answer = (action: OutboxAction) => OutboxOutcome<unknown>;

export const fakeOutbox = {
  sent: [] as OutboxAction[],
  answer: ((): OutboxOutcome<unknown> => ({ status: 'queued' })) as Answer,
  quizOutcomes: {} as Record<string, QuizOutcome<QuizSubmitPayload>>,
  listeners: new Set<() => void>(),
  localVideo: null as string | null,
  online: true,
  reset() {
    this.online = true;
    this.sent = [];
    this.answer = () => ({ status: 'queued' });
    this.quizOutcomes = {};
    this.localVideo = null;
  },
  /** The server graded a queued quiz: what useQuizOutcome gives from now on. */
  settle(lessonId: string, outcome: QuizOutcome<QuizSubmitPayload>) {
    this.quizOutcomes = { ...this.quizOutcomes, [lessonId]: outcome };
    for (const listener of this.listeners) listener();
  },
};

const subscribe = (listener: () => void) => {
  fakeOutbox.listeners.add(listener);
  return () => fakeOutbox.listeners.delete(listener);
};

/** Stands in for src/offline/OutboxContext. */
export const outboxModule = {
  useOutbox: () => ({
    send: (action: OutboxAction) => {
      fakeOutbox.sent.push(action);
      return Promise.resolve(fakeOutbox.answer(action));
    },
    pending: [],
    flush: () => Promise.resolve(),
    blockedBy: null,
  }),
  useQuizOutcome: (lessonId: string) =>
    useSyncExternalStore(subscribe, () => fakeOutbox.quizOutcomes[lessonId] ?? null),
};

/** Stands in for src/offline/DownloadsContext. */
export const downloadsModule = {
  useDownloads: () => ({
    status: () => 'none' as const,
    download: () => Promise.resolve(),
    remove: () => Promise.resolve(),
    localVideoUri: () => fakeOutbox.localVideo,
    failure: () => null,
    opened: () => Promise.resolve(),
    items: [],
  }),
};

/** Stands in for src/offline/network. */
export const networkModule = {
  useConnection: () => ({ online: fakeOutbox.online, retry: () => undefined }),
};
