/**
 * The gateway's list of revoked sessions, so that an access token stops working within seconds
 * of `sessionRevoke` (or a password reset, or refresh-token reuse) instead of living out its
 * ~15 minutes. Identity lists the sessions revoked since an instant on an internal route; this
 * module polls it every `pollIntervalMs`, keeps each revoked session id until every access token
 * of it has expired anyway, and wraps the token verifier so a token whose `sid` is on the list is
 * refused with UNAUTHENTICATED — on HTTP and in WebSocket `connection_init` alike.
 *
 * The bound: a revocation reaches every gateway replica within one poll interval plus one request
 * to identity (2 s + a few ms by default). When identity cannot be reached the last known list
 * stays in force and the failure is logged; tokens are then checked against a stale list, which is
 * the same guarantee as without this module, never a weaker one.
 */
import { internalFetch, unauthenticated, type Logger, type TokenVerifier } from '@learncraft/kit';

/** One answer of identity's `GET /internal/revoked-sessions?since=`. */
export interface RevokedSessionsPage {
  /** Identity's clock when it answered. */
  now: string;
  accessTokenTtlSeconds: number;
  sessions: { sessionId: string; revokedAt: string }[];
  /** The page was full: ask again from the last `revokedAt`. */
  more: boolean;
}

/** Fetches sessions revoked after `since` (identity's clock); null = as far back as tokens live. */
export type RevocationSource = (since: string | null) => Promise<RevokedSessionsPage>;

export interface RevocationListOptions {
  source: RevocationSource;
  pollIntervalMs: number;
  logger: Logger;
}

export interface RevocationList {
  /** Whether a token of this session must be refused. */
  isRevoked(sessionId: string | undefined): boolean;
  /** `verifier`, plus refusal of tokens whose session is revoked. */
  guard(verifier: TokenVerifier): TokenVerifier;
  /** One poll now (also what the timer runs); never rejects, failures are logged. */
  refresh(): Promise<void>;
  /** Revoked sessions currently held. */
  readonly size: number;
  close(): Promise<void>;
}

/**
 * Each poll asks from a little before identity's previous `now`, because a revocation is stamped
 * before its transaction commits and could otherwise fall between two polls.
 */
export const POLL_OVERLAP_MS = 10_000;
/** Pages read in one poll at most (1 000 sessions each), so one poll cannot run forever. */
const MAX_PAGES_PER_POLL = 20;

export const REVOKED_SESSION_MESSAGE = 'This session has ended. Sign in again.';

export function httpRevocationSource(identityInternalUrl: string, secret: string): RevocationSource {
  const base = new URL('/internal/revoked-sessions', identityInternalUrl);
  return (since) => {
    const url = new URL(base);
    if (since) url.searchParams.set('since', since);
    return internalFetch<RevokedSessionsPage>(url.toString(), secret, { timeoutMs: 2_000 });
  };
}

/** Starts polling (the first poll is awaited) and returns the list. */
export async function startRevocationList(options: RevocationListOptions): Promise<RevocationList> {
  /** Session id -> when identity's clock passes this, every token of the session has expired. */
  const revoked = new Map<string, number>();
  let since: string | null = null;
  let failing = false;
  let polling: Promise<void> | undefined;

  const poll = async () => {
    for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
      const answer = await options.source(since);
      const ttlMs = answer.accessTokenTtlSeconds * 1000;
      for (const session of answer.sessions)
        revoked.set(session.sessionId, Date.parse(session.revokedAt) + ttlMs + POLL_OVERLAP_MS);
      const last = answer.sessions.at(-1);
      if (answer.more && last) {
        since = last.revokedAt;
        continue;
      }
      const identityNow = Date.parse(answer.now);
      since = new Date(identityNow - POLL_OVERLAP_MS).toISOString();
      for (const [sessionId, forgetAt] of revoked) if (forgetAt <= identityNow) revoked.delete(sessionId);
      return;
    }
  };

  const refresh = () =>
    (polling ??= poll()
      .then(() => {
        if (failing) options.logger.info('revoked-session list is being updated again');
        failing = false;
      })
      .catch((error: unknown) => {
        if (!failing)
          options.logger.warn('cannot update the revoked-session list; keeping the last one', { error });
        failing = true;
      })
      .finally(() => {
        polling = undefined;
      }));

  await refresh();
  const timer = setInterval(() => void refresh(), options.pollIntervalMs);
  timer.unref();

  const isRevoked = (sessionId: string | undefined) => sessionId !== undefined && revoked.has(sessionId);
  return {
    isRevoked,
    guard: (verifier) => ({
      async verify(token) {
        const viewer = await verifier.verify(token);
        if (isRevoked(viewer.sessionId)) throw unauthenticated(REVOKED_SESSION_MESSAGE);
        return viewer;
      },
    }),
    refresh,
    get size() {
      return revoked.size;
    },
    async close() {
      clearInterval(timer);
      await polling;
    },
  };
}

/** No list (no internal secret configured): tokens are accepted until they expire. */
export const NO_REVOCATIONS: RevocationList = {
  isRevoked: () => false,
  guard: (verifier) => verifier,
  refresh: () => Promise.resolve(),
  size: 0,
  close: () => Promise.resolve(),
};

/** The list the gateway's configuration asks for: polling identity when the internal secret is set. */
export function revocationListFor(
  config: { INTERNAL_API_SECRET?: string; IDENTITY_INTERNAL_URL: string; REVOCATION_POLL_MS: number },
  logger: Logger,
): Promise<RevocationList> {
  if (!config.INTERNAL_API_SECRET) {
    logger.info('INTERNAL_API_SECRET is not set: signed-out access tokens stay valid until they expire');
    return Promise.resolve(NO_REVOCATIONS);
  }
  return startRevocationList({
    source: httpRevocationSource(config.IDENTITY_INTERNAL_URL, config.INTERNAL_API_SECRET),
    pollIntervalMs: config.REVOCATION_POLL_MS,
    logger: logger.child('revocations'),
  });
}
