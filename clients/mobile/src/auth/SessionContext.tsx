/**
 * React access to the session: the current state (re-rendering on change) and the manager itself.
 * The provider also resumes a stored session once, at mount; a network failure there (the app
 * opened offline) leaves the learner signed out with the refresh token kept, and the next request
 * that asks for a token resumes the session once the gateway answers again.
 */
import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from 'react';
import type { SessionManager, SessionState } from '@learncraft/operations/session';

export type { SessionManager, SessionState, SessionUser } from '@learncraft/operations/session';

const SessionContext = createContext<SessionManager | null>(null);

export function SessionProvider({ session, children }: { session: SessionManager; children: ReactNode }) {
  useEffect(() => {
    session.start().catch(() => undefined);
  }, [session]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): { state: SessionState; session: SessionManager } {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider');
  const state = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.current,
  );
  return { state, session };
}
