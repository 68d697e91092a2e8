/**
 * A stand-in for core's `src/auth/SessionContext` in the screens' tests: the same surface
 * (`SessionProvider`, `useSession(): { state, session }`) over a session manager held in memory, so
 * a test decides who is signed in and sees what the screens hand to `accept` and `signOut`.
 */
import { createContext, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { SessionFieldsFragment } from '@learncraft/operations/types';

export interface SessionUser {
  id: string;
  displayName: string;
  email: string | null;
  roles: readonly string[];
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'signedIn'; user: SessionUser; accessToken: string; expiresAt: number };

export interface StubSessionManager {
  readonly current: SessionState;
  subscribe(listener: (state: SessionState) => void): () => void;
  accept: jest.Mock<void, [SessionFieldsFragment]>;
  signOut: jest.Mock<Promise<void>, []>;
  accessToken(): Promise<string | null>;
  refresh(): Promise<string | null>;
}

export const LEARNER: SessionUser = {
  id: 'user-1',
  displayName: 'Ada Learner',
  email: 'ada@example.com',
  roles: ['LEARNER'],
};

export const SIGNED_IN: SessionState = {
  status: 'signedIn',
  user: LEARNER,
  accessToken: 'access-token',
  expiresAt: Date.now() + 15 * 60_000,
};

export const ANONYMOUS: SessionState = { status: 'anonymous', expired: false };

export function createStubSession(initial: SessionState): StubSessionManager {
  let state = initial;
  const listeners = new Set<(state: SessionState) => void>();
  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener(next);
  };
  return {
    get current() {
      return state;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    accept: jest.fn((session: SessionFieldsFragment) =>
      set({
        status: 'signedIn',
        user: session.user,
        accessToken: session.accessToken,
        expiresAt: Date.parse(session.accessTokenExpiresAt),
      }),
    ),
    signOut: jest.fn(() => {
      set({ status: 'anonymous', expired: false });
      return Promise.resolve();
    }),
    accessToken: () => Promise.resolve(state.status === 'signedIn' ? state.accessToken : null),
    refresh: () => Promise.resolve(state.status === 'signedIn' ? state.accessToken : null),
  };
}

const Context = createContext<StubSessionManager | null>(null);

export function SessionProvider({ session, children }: { session: StubSessionManager; children: ReactNode }) {
  return <Context.Provider value={session}>{children}</Context.Provider>;
}

export function useSession(): { state: SessionState; session: StubSessionManager } {
  const session = useContext(Context);
  if (!session) throw new Error('useSession needs a SessionProvider');
  const state = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.current,
  );
  return { state, session };
}
