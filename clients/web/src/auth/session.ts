/**
 * The browser's session: the shared SessionManager (@learncraft/operations/session) with the
 * refresh token in localStorage, so a reload (or another tab) can sign back in silently.
 *
 * Tabs share that one refresh token, so every exchange runs under a Web Lock (where the browser
 * has them) and a sign-out in one tab (the token removed from storage) signs the others out too.
 */
import {
  REFRESH_TOKEN_KEY,
  SessionManager as SharedSessionManager,
  type TokenStorage,
} from '@learncraft/operations/session';

export { REFRESH_TOKEN_KEY };
export type { SessionState, SessionUser } from '@learncraft/operations/session';

const REFRESH_LOCK = 'learncraft.sessionRefresh';

export class SessionManager extends SharedSessionManager {
  constructor(graphqlUrl: string, storage: Storage = window.localStorage) {
    super({
      graphqlUrl,
      storage: localTokenStorage(storage),
      hasStoredToken: storage.getItem(REFRESH_TOKEN_KEY) !== null,
      withLock: withWebLock,
      onForeignSignOut: (follow) =>
        window.addEventListener('storage', (event) => {
          if (event.key === REFRESH_TOKEN_KEY && event.newValue === null) follow();
        }),
    });
  }
}

function localTokenStorage(storage: Storage): TokenStorage {
  return {
    get: () => Promise.resolve(storage.getItem(REFRESH_TOKEN_KEY)),
    set: (token) => Promise.resolve(storage.setItem(REFRESH_TOKEN_KEY, token)),
    remove: () => Promise.resolve(storage.removeItem(REFRESH_TOKEN_KEY)),
  };
}

function withWebLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request(REFRESH_LOCK, work) as Promise<T>) : work();
}
