/**
 * A learner's session, for every client: the access token lives in memory only; the single-use
 * refresh token lives in a storage the client injects (the browser's localStorage, the phone's
 * keychain), so a restart can sign back in silently.
 *
 * Refresh tokens rotate and reusing a spent one ends the whole session, so a refresh token must
 * never be presented twice: within one manager refreshes are single-flight, every storage access is
 * queued behind the previous one (a read never sees a token that is being replaced), and a client
 * with several holders of the same storage (browser tabs) passes `withLock` so the exchange runs
 * under a lock that spans them and re-reads the newest token inside it. A timer refreshes a minute
 * before the access token expires. A stored session that could not be resumed because the network
 * failed (a phone opened offline) is tried again by the next request that asks for a token; when
 * the storage also remembers who was signed in (`getUser`/`setUser`), the learner stays signed in
 * meanwhile, with no access token, so an offline app keeps showing what it has cached and queues
 * what the learner does. Only the server's refusal of the refresh token signs them out.
 */
import { getOperationAST, print, type DocumentNode } from 'graphql';
import type { SessionFieldsFragment } from './generated/graphql';
import { SessionRefreshMutation, SessionRevokeMutation } from './operations';

// The host's timers and fetch: browsers, React Native and Node all provide them, but this package
// type-checks against the ES library alone (so no DOM-only API slips in). Declared with only the
// shape used here; each client's own type-check sees its platform's real declarations.
declare function setTimeout(callback: () => void, delayMs: number): unknown;
declare function clearTimeout(handle: unknown): void;
declare function fetch(
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
): Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** The storage key of the refresh token, the same on every client. */
export const REFRESH_TOKEN_KEY = 'learncraft.refreshToken';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;
/** A token with less than this left is refreshed before it is handed out. */
const MIN_TOKEN_LIFE_MS = 5_000;

/** Where the refresh token is kept between runs of the app. */
export interface TokenStorage {
  get(): Promise<string | null>;
  set(token: string): Promise<void>;
  /** Forgets the token, and the remembered user if the storage keeps one. */
  remove(): Promise<void>;
  /** Who was signed in with the stored token (not a secret: what the app shows of the learner). */
  getUser?(): Promise<SessionUser | null>;
  setUser?(user: SessionUser): Promise<void>;
}

export interface SessionManagerOptions {
  graphqlUrl: string;
  storage: TokenStorage;
  /**
   * Whether the storage is known, without waiting, to hold a refresh token. `false` starts the
   * manager signed out at once; otherwise it is `loading` until `start()` has looked.
   */
  hasStoredToken?: boolean;
  /** Runs the refresh exchange under a lock shared by every holder of the storage (Web Locks). */
  withLock?: <T>(work: () => Promise<T>) => Promise<T>;
  /**
   * Registers `follow`, to be called when another holder of the storage signed out (a browser's
   * other tab), so this manager signs out too.
   */
  onForeignSignOut?: (follow: () => void) => void;
}

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

type Listener = (state: SessionState) => void;

/** A storage that lives as long as the process: tests, and runs where nothing may persist. */
export function memoryTokenStorage(initial: string | null = null): TokenStorage {
  let token = initial;
  return {
    get: () => Promise.resolve(token),
    set: (value) => {
      token = value;
      return Promise.resolve();
    },
    remove: () => {
      token = null;
      return Promise.resolve();
    },
  };
}

export class SessionManager {
  private state: SessionState;
  private readonly listeners = new Set<Listener>();
  private readonly graphqlUrl: string;
  private readonly storage: TokenStorage;
  private readonly lock: <T>(work: () => Promise<T>) => Promise<T>;
  private storageQueue: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | null = null;
  private refreshing: Promise<string | null> | null = null;
  private timer: unknown;
  /** The stored session could not be resumed for want of a network: the next request tries again. */
  private resumable = false;

  constructor(options: SessionManagerOptions) {
    this.graphqlUrl = options.graphqlUrl;
    this.storage = options.storage;
    this.lock = options.withLock ?? ((work) => work());
    this.state =
      options.hasStoredToken === false ? { status: 'anonymous', expired: false } : { status: 'loading' };
    options.onForeignSignOut?.(() => {
      if (this.state.status === 'signedIn') void this.clear(false);
    });
  }

  /** Resumes a stored session, if any (call once at start-up; later calls share the first). */
  start(): Promise<void> {
    this.starting ??= this.resume().catch((error: unknown) => {
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  get current(): SessionState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adopts a session returned by sign-up, log-in or refresh (the refresh token is stored in the background). */
  accept(session: SessionFieldsFragment): void {
    void this.adopt(session);
  }

  /** An access token valid for at least a few more seconds, refreshing first if needed; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.refreshing) return this.refreshing;
    if (this.state.status === 'loading') await this.start();
    const state = this.state;
    // Still offline, the request goes out anonymous, as it did before; back online, it signs in first.
    if (state.status === 'anonymous' && this.resumable) return this.refresh().catch(() => null);
    if (state.status !== 'signedIn') return null;
    if (state.expiresAt - Date.now() > MIN_TOKEN_LIFE_MS) return state.accessToken;
    return this.refresh();
  }

  /** Exchanges the stored refresh token for a new session; null (and signed out) when that fails. */
  refresh(): Promise<string | null> {
    this.refreshing ??= this.lock(() => this.exchange()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Signs out here and on the server (best effort: the local session ends regardless). */
  async signOut(): Promise<void> {
    const refreshToken = await this.stored(() => this.storage.get()).catch(() => null);
    await this.clear(false);
    if (refreshToken)
      await this.post(SessionRevokeMutation, { input: { refreshToken } }).catch(() => undefined);
  }

  /** Stops the refresh timer (a test's teardown, or a client that replaces its manager). */
  dispose(): void {
    clearTimeout(this.timer);
  }

  /** Resolves once the refresh token is stored (or the storage refused it). */
  private adopt(session: SessionFieldsFragment): Promise<void> {
    this.resumable = false;
    const user: SessionUser = {
      id: session.user.id,
      displayName: session.user.displayName,
      email: session.user.email,
      roles: [...session.user.roles],
    };
    const stored = this.stored(async () => {
      await this.storage.set(session.refreshToken);
      await this.storage.setUser?.(user);
    });
    const expiresAt = Date.parse(session.accessTokenExpiresAt);
    this.setState({ status: 'signedIn', user: session.user, accessToken: session.accessToken, expiresAt });
    clearTimeout(this.timer);
    // A failed network call here is not the learner's concern yet: the token stays, and the next
    // request that needs one refreshes on demand (and reports the error there).
    const silentRefresh = () => void this.refresh().catch(() => undefined);
    this.timer = setTimeout(silentRefresh, Math.max(expiresAt - Date.now() - REFRESH_MARGIN_MS, 1_000));
    // The session works from memory even if the storage refuses the token; it just won't survive a restart.
    return stored.catch(() => undefined);
  }

  private async resume(): Promise<void> {
    if (this.state.status !== 'loading') return;
    const refreshToken = await this.stored(() => this.storage.get());
    if (this.state.status !== 'loading') return;
    if (refreshToken) await this.refresh();
    else this.setState({ status: 'anonymous', expired: false });
  }

  private async exchange(): Promise<string | null> {
    const refreshToken = await this.stored(() => this.storage.get());
    if (!refreshToken) {
      await this.clear(this.state.status === 'signedIn');
      return null;
    }
    let body: { data?: { sessionRefresh?: { session: SessionFieldsFragment | null } } | null };
    try {
      body = (await this.post(SessionRefreshMutation, { input: { refreshToken } })) as typeof body;
    } catch (error) {
      // The network failed, not the session: keep the token and let the caller see the error.
      if (this.state.status === 'loading') {
        this.resumable = true;
        const user = await this.stored(() => this.storage.getUser?.() ?? Promise.resolve(null)).catch(
          () => null,
        );
        // Signed in on this device, not yet confirmed: no token, so every request asks again.
        this.setState(
          user
            ? { status: 'signedIn', user, accessToken: '', expiresAt: 0 }
            : { status: 'anonymous', expired: false },
        );
      }
      throw error;
    }
    const session = body.data?.sessionRefresh?.session;
    if (!session) {
      await this.clear(true);
      return null;
    }
    await this.adopt(session);
    return session.accessToken;
  }

  /** Session calls bypass Apollo Client: they must not pass through its token-refreshing links. */
  private async post(document: DocumentNode, variables: Record<string, unknown>): Promise<unknown> {
    const response = await fetch(this.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operationName: getOperationAST(document)?.name?.value,
        query: print(document),
        variables,
      }),
    });
    if (!response.ok && response.status >= 500) throw new Error(`The server answered ${response.status}.`);
    return response.json();
  }

  /** Runs one storage access after every earlier one has settled. */
  private stored<T>(access: () => Promise<T>): Promise<T> {
    const result = this.storageQueue.then(access, access);
    this.storageQueue = result.catch(() => undefined);
    return result;
  }

  private clear(expired: boolean): Promise<void> {
    this.resumable = false;
    clearTimeout(this.timer);
    const removed = this.stored(() => this.storage.remove()).catch(() => undefined);
    this.setState({ status: 'anonymous', expired });
    return removed;
  }

  private setState(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
