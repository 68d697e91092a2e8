/**
 * React access to the session: the current state (re-rendering on change) and the manager itself.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { SessionManager, SessionState } from './session';

export const SessionContext = createContext<SessionManager | null>(null);

export function useSessionManager(): SessionManager {
  const manager = useContext(SessionContext);
  if (!manager) throw new Error('useSessionManager needs a SessionContext provider');
  return manager;
}

export function useSession(): SessionState {
  const manager = useSessionManager();
  return useSyncExternalStore(
    (listener) => manager.subscribe(listener),
    () => manager.current,
  );
}
