/**
 * The viewer's session of a lab lesson, kept live: the session is read from the Apollo cache
 * (normalised by id), so whatever last wrote it — the lesson query, a mutation, a
 * `labSessionUpdated` event, the catch-up poll — is what shows. The subscription runs while the
 * session is alive.
 *
 * Events sent before the subscription was established (labStart answers before the WebSocket has
 * subscribed) or while it was reconnecting are lost, and a session could then sit at PROVISIONING
 * or a step at CHECKING for good. So while the session is changing, it is also asked for every few
 * seconds; once it is READY with no check running, the subscription alone carries the news.
 */
import { useEffect, useRef, useState } from 'react';
import { useApolloClient, useFragment, useSubscription } from '@apollo/client';
import type { LabSessionFieldsFragment, LabSessionStatus } from './generated/graphql';
import { LabSessionFields, LabSessionStatusQuery, LabSessionUpdatedSubscription } from './operations';

export type LabSessionData = LabSessionFieldsFragment;

/** Statuses after which nothing changes any more: no events, no terminal. */
export const ENDED_STATUSES: ReadonlySet<LabSessionStatus> = new Set([
  'STOPPED',
  'COMPLETED',
  'EXPIRED',
  'FAILED',
]);

/** Statuses on the way to another: the catch-up poll runs in these (and while a check runs). */
const CHANGING_STATUSES: ReadonlySet<LabSessionStatus> = new Set(['REQUESTED', 'PROVISIONING', 'STOPPING']);

/** How often a changing session is asked for, in case an event was missed. */
export const CATCH_UP_MS = 5_000;

/**
 * The server's word on when the session ends, from an EXPIRY_WARNING: `at` is the local clock's
 * instant, so a learner whose clock is off still sees the warnings when the server sends them.
 * It holds only for the expiry it was sent for (an extension replaces it).
 */
export interface ServerDeadline {
  expiresAt: string;
  at: number;
}

export function useLabSession({
  initial,
  onCompleted,
}: {
  /** The session the lesson query returned (the viewer's latest), if any. */
  initial: LabSessionData | null;
  /** Called once when the session turns COMPLETED while the learner watches. */
  onCompleted?: () => void;
}) {
  const [startedId, setStartedId] = useState<string | null>(null);
  const sessionId = startedId ?? initial?.id ?? null;
  const cached = useFragment({
    fragment: LabSessionFields,
    from: sessionId ? { __typename: 'LabSession', id: sessionId } : null,
  });
  const session: LabSessionData | null = cached.complete
    ? cached.data
    : initial?.id === sessionId
      ? initial
      : null;
  const [deadline, setDeadline] = useState<ServerDeadline | null>(null);

  const live = useSubscription(LabSessionUpdatedSubscription, {
    variables: { sessionId: sessionId ?? '' },
    skip: !sessionId || (!!session && ENDED_STATUSES.has(session.status)),
    onData: ({ data }) => {
      // The event's session is written to the cache by Apollo; only the warning's clock is kept.
      const event = data.data?.labSessionUpdated;
      if (event?.kind === 'EXPIRY_WARNING' && event.secondsLeft !== null)
        setDeadline({ expiresAt: event.session.expiresAt, at: Date.now() + event.secondsLeft * 1000 });
    },
  });

  const client = useApolloClient();
  const changing =
    !!session &&
    (CHANGING_STATUSES.has(session.status) || session.steps.some((step) => step.status === 'CHECKING'));
  useEffect(() => {
    if (!changing || !sessionId) return;
    const timer = setInterval(() => {
      const variables = { id: sessionId };
      // A failed poll changes nothing: the next one, or an event, brings the news.
      void client
        .query({ query: LabSessionStatusQuery, variables, fetchPolicy: 'network-only' })
        .catch(() => undefined);
    }, CATCH_UP_MS);
    return () => clearInterval(timer);
  }, [changing, sessionId, client]);

  // Only a change seen here counts: a session that was already complete when the page loaded has
  // nothing new to tell the lesson.
  const previousStatus = useRef(session?.status);
  const status = session?.status;
  useEffect(() => {
    const previous = previousStatus.current;
    previousStatus.current = status;
    if (status === 'COMPLETED' && previous !== undefined && previous !== 'COMPLETED') onCompleted?.();
  }, [status, onCompleted]);

  return {
    session,
    /** Follow a session just started (labStart may return a new one). */
    follow: (id: string) => {
      setStartedId(id);
      setDeadline(null);
    },
    deadline: deadline && session && deadline.expiresAt === session.expiresAt ? deadline : null,
    /** The server ended the live updates with an error: what shows may be out of date. */
    liveUpdatesFailed: !!live.error,
  };
}
