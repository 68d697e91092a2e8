/**
 * The outbox for the screens: `useOutbox().send(action)` records progress through the queue (sent
 * at once when the gateway answers, kept on the device otherwise), `pending` lists what waits, and
 * `useQuizOutcome(lessonId)` gives a queued quiz submission's later grade. The queue is sent again
 * when the connection comes back, when the app returns to the foreground, on the banner's Retry,
 * when a learner signs in (`ownerId`), and every 30 s while something waits.
 */
import {
  createContext,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { AppState } from 'react-native';
import AsyncStorage from '@react-native-async-storage/async-storage';
import { useApolloClient } from '@apollo/client';
import type {
  LessonCompleteMutation as LessonCompleteData,
  QuizSubmitMutation as QuizSubmitData,
  VideoProgressRecordMutation as VideoProgressData,
} from '@learncraft/operations/types';
import { connection } from './connectionState';
import { createApolloDelivery, type OutboxResult } from './delivery';
import type { FailureKind } from './errors';
import {
  Outbox,
  pendingFor,
  type KeyValueStorage,
  type OutboxAction,
  type OutboxOutcome,
  type QueuedAction,
  type QuizOutcome,
} from './outbox';

export type { OutboxAction, OutboxOutcome, QueuedAction, QuizOutcome } from './outbox';

export type QuizSubmitPayload = QuizSubmitData['quizSubmit'];
export type VideoProgressPayload = VideoProgressData['videoProgressRecord'];
export type LessonCompletePayload = LessonCompleteData['lessonComplete'];
type Payload = OutboxResult['payload'];

export interface OutboxSend {
  (action: Extract<OutboxAction, { kind: 'quizSubmit' }>): Promise<OutboxOutcome<QuizSubmitPayload>>;
  (action: Extract<OutboxAction, { kind: 'videoProgress' }>): Promise<OutboxOutcome<VideoProgressPayload>>;
  (action: Extract<OutboxAction, { kind: 'lessonComplete' }>): Promise<OutboxOutcome<LessonCompletePayload>>;
}

export interface OutboxValue {
  send: OutboxSend;
  pending: readonly QueuedAction[];
  flush: () => Promise<void>;
  /** Why what is pending was not sent the last time (null: nothing stopped it). */
  blockedBy: Exclude<FailureKind, 'refused'> | null;
}

const OutboxContext = createContext<{ outbox: Outbox<OutboxResult>; value: OutboxValue } | null>(null);

/** How often a non-empty queue is tried again while the app is open. */
export const RETRY_INTERVAL_MS = 30_000;

function sendThrough(outbox: Outbox<OutboxResult>): OutboxSend {
  function send(
    action: Extract<OutboxAction, { kind: 'quizSubmit' }>,
  ): Promise<OutboxOutcome<QuizSubmitPayload>>;
  function send(
    action: Extract<OutboxAction, { kind: 'videoProgress' }>,
  ): Promise<OutboxOutcome<VideoProgressPayload>>;
  function send(
    action: Extract<OutboxAction, { kind: 'lessonComplete' }>,
  ): Promise<OutboxOutcome<LessonCompletePayload>>;
  async function send(action: OutboxAction): Promise<OutboxOutcome<Payload>> {
    const outcome = await outbox.send(action);
    return outcome.status === 'sent' ? { status: 'sent', result: outcome.result.payload } : outcome;
  }
  return send;
}

export function OutboxProvider(props: {
  children: ReactNode;
  /** Where the queue is kept (AsyncStorage unless a test gives another). */
  storage?: KeyValueStorage;
  /**
   * The signed-in learner's user id (null when signed out): their actions are tagged with it and
   * sent only while they are signed in; signing in sends what waited for them.
   */
  ownerId?: string | null;
}) {
  const client = useApolloClient();
  const owner = useRef(props.ownerId ?? null);
  owner.current = props.ownerId ?? null;
  const [outbox] = useState(
    () =>
      new Outbox<OutboxResult>({
        storage: props.storage ?? AsyncStorage,
        deliver: createApolloDelivery(client),
        owner: () => owner.current,
      }),
  );
  useEffect(() => {
    if (props.ownerId) void outbox.flush();
  }, [outbox, props.ownerId]);
  const queue = useSyncExternalStore(
    (listener) => outbox.subscribe(listener),
    () => outbox.pending,
    () => outbox.pending,
  );
  // Another learner on the phone never sees what the previous one left queued (it waits for them).
  const pending = useMemo(() => pendingFor(queue, props.ownerId ?? null), [queue, props.ownerId]);
  const blockedBy = useSyncExternalStore(
    (listener) => outbox.subscribe(listener),
    () => outbox.stoppedBy,
    () => outbox.stoppedBy,
  );

  useEffect(() => {
    const flush = () => void outbox.flush();
    // What an earlier run of the app left queued goes out as soon as it is loaded.
    void outbox.ready().then(flush);
    const offReconnect = connection.onReconnect(() => {
      flush();
      // Screens showing a network error get their data now that it may come.
      void client.reFetchObservableQueries().catch(() => undefined);
    });
    const appState = AppState.addEventListener('change', (state) => {
      if (state === 'active') flush();
    });
    // Also a probe: after a failed request only a request that gets through says the gateway is
    // back (a captive portal's network never changes the device's state).
    const timer = setInterval(() => {
      if (
        pendingFor(outbox.pending, owner.current).length > 0 &&
        connection.snapshot().deviceOnline !== false
      )
        flush();
    }, RETRY_INTERVAL_MS);
    return () => {
      offReconnect();
      appState.remove();
      clearInterval(timer);
    };
  }, [outbox, client]);

  const send = useMemo(() => sendThrough(outbox), [outbox]);
  const value = useMemo<OutboxValue>(
    () => ({ send, pending, blockedBy, flush: () => outbox.flush().then(() => undefined) }),
    [send, pending, blockedBy, outbox],
  );
  const context = useMemo(() => ({ outbox, value }), [outbox, value]);
  return <OutboxContext.Provider value={context}>{props.children}</OutboxContext.Provider>;
}

export function useOutbox(): OutboxValue {
  const context = useContext(OutboxContext);
  if (!context) throw new Error('useOutbox must be used inside an OutboxProvider');
  return context.value;
}

/** The queue for places that may render outside the provider (the banner): empty there. */
export function useOptionalOutbox(): OutboxValue | null {
  return useContext(OutboxContext)?.value ?? null;
}

const NO_OUTBOX = { subscribe: () => () => undefined };

/**
 * A quiz submission the outbox holds for this lesson: `pending` while queued, then `sent` with the
 * server's graded payload (or `refused`); null when there is none.
 */
export function useQuizOutcome(lessonId: string): QuizOutcome<QuizSubmitPayload> | null {
  const outbox = useContext(OutboxContext)?.outbox;
  const outcome = useSyncExternalStore(
    (listener) => (outbox ?? NO_OUTBOX).subscribe(listener),
    () => outbox?.quizOutcome(lessonId) ?? null,
    () => outbox?.quizOutcome(lessonId) ?? null,
  );
  return useMemo(() => {
    if (!outcome || outcome.status !== 'sent') return outcome;
    const { result } = outcome;
    return result.kind === 'quizSubmit' ? { ...outcome, result: result.payload } : null;
  }, [outcome]);
}
