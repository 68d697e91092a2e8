/**
 * The browser's session: the access token lives in memory only; the single-use refresh token lives
 * in localStorage so a reload (or another tab) can sign back in silently.
 *
 * Refresh tokens rotate and reusing a spent one ends the whole session, so tabs must never present
 * the same one twice: every refresh runs under a Web Lock and re-reads the newest token from
 * storage inside it (another tab may have rotated it meanwhile). Within a tab refreshes are
 * single-flight. A timer refreshes a minute before the access token expires.
 */
import { getOperationAST, print, type DocumentNode } from 'graphql';
import type { SessionFieldsFragment } from '../graphql/generated/graphql';
import { SessionRefreshMutation, SessionRevokeMutation } from '../graphql/operations';

export const REFRESH_TOKEN_KEY = 'learncraft.refreshToken';
const REFRESH_LOCK = 'learncraft.sessionRefresh';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

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

export class SessionManager {
  private state: SessionState;
  private readonly listeners = new Set<Listener>();
  private refreshing: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly graphqlUrl: string,
    private readonly storage: Storage = window.localStorage,
  ) {
    this.state = storage.getItem(REFRESH_TOKEN_KEY)
      ? { status: 'loading' }
      : { status: 'anonymous', expired: false };
    // Another tab signed out: follow it.
    window.addEventListener('storage', (event) => {
      if (event.key === REFRESH_TOKEN_KEY && event.newValue === null && this.state.status === 'signedIn')
        this.clear(false);
    });
  }

  /** Resumes a stored session, if any (call once at start-up). */
  async start(): Promise<void> {
    if (this.state.status === 'loading') await this.refresh();
  }

  get current(): SessionState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adopts a session returned by sign-up, log-in or refresh. */
  accept(session: SessionFieldsFragment): void {
    this.storage.setItem(REFRESH_TOKEN_KEY, session.refreshToken);
    const expiresAt = Date.parse(session.accessTokenExpiresAt);
    this.setState({ status: 'signedIn', user: session.user, accessToken: session.accessToken, expiresAt });
    clearTimeout(this.timer);
    // A failed network call here is not the learner's concern yet: the token stays, and the next
    // request that needs one refreshes on demand (and reports the error there).
    const silentRefresh = () => void this.refresh().catch(() => undefined);
    this.timer = setTimeout(silentRefresh, Math.max(expiresAt - Date.now() - REFRESH_MARGIN_MS, 1_000));
  }

  /** An access token valid for at least a few more seconds, refreshing first if needed; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (this.refreshing) return this.refreshing;
    const state = this.state;
    if (state.status === 'loading') return this.refresh();
    if (state.status !== 'signedIn') return null;
    if (state.expiresAt - Date.now() > 5_000) return state.accessToken;
    return this.refresh();
  }

  /** Exchanges the stored refresh token for a new session; null (and signed out) when that fails. */
  refresh(): Promise<string | null> {
    this.refreshing ??= this.withLock(() => this.exchange()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Signs out here and on the server (best effort: the local session ends regardless). */
  async signOut(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    this.clear(false);
    if (refreshToken)
      await this.post(SessionRevokeMutation, { input: { refreshToken } }).catch(() => undefined);
  }

  private async exchange(): Promise<string | null> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) {
      this.clear(this.state.status !== 'anonymous');
      return null;
    }
    let body: { data?: { sessionRefresh?: { session: SessionFieldsFragment | null } } | null };
    try {
      body = (await this.post(SessionRefreshMutation, { input: { refreshToken } })) as typeof body;
    } catch (error) {
      // The network failed, not the session: keep the token and let the caller see the error.
      if (this.state.status === 'loading') this.setState({ status: 'anonymous', expired: false });
      throw error;
    }
    const session = body.data?.sessionRefresh?.session;
    if (!session) {
      this.clear(true);
      return null;
    }
    this.accept(session);
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

  private withLock<T>(work: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? (locks.request(REFRESH_LOCK, work) as Promise<T>) : work();
  }

  private clear(expired: boolean): void {
    clearTimeout(this.timer);
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.setState({ status: 'anonymous', expired });
  }

  private setState(state: SessionState): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}
