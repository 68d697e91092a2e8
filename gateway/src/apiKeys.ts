/**
 * API keys at the gateway. A partner sends `Authorization: Bearer lck_…` (on HTTP, or as
 * `authorization` in graphql-ws `connection_init`); the gateway exchanges the key at identity's
 * `POST /internal/api-keys/exchange` for a short-lived access token minted for the key, verifies
 * that token like any other (revoked-session guard included), and forwards the token, never the
 * key, to the subgraphs. The request then acts as the key (`context.apiKey`), which the rate
 * limiter charges.
 *
 * Exchanges are cached in memory per sha256(key) until a minute before the token expires (a
 * bounded LRU), and concurrent first requests with one key share one exchange. Every use verifies
 * the cached token again, so a key identity has listed as revoked is refused within one poll of the
 * revocation list: the entry is dropped and the next exchange answers 401. A key identity refused
 * is refused again without asking for 30 s. Keys are never logged and never kept: only their hash
 * names a cache entry.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  ErrorCode,
  graphQLError,
  internalRequest,
  unauthenticated,
  viewerFromAuthorization,
  type TokenVerifier,
  type Viewer,
} from '@learncraft/kit';
import type { VerifiedApiKey } from './rateLimit/subject';

/** Every LearnCraft API key starts with this; any other bearer value is an access token. */
export const API_KEY_PREFIX = 'lck_';
/** `lck_<8 hex public id>_<43 chars base64url of 32 random bytes>` (identity's format). */
const API_KEY_FORMAT = /^lck_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

export const API_KEY_EXCHANGE_PATH = '/internal/api-keys/exchange';
/** One message for unknown, malformed, revoked and expired keys: none tells an attacker more. */
export const INVALID_API_KEY_MESSAGE = 'The API key is invalid, revoked or expired.';
export const API_KEYS_UNAVAILABLE_MESSAGE = 'API keys cannot be checked right now; retry in a few seconds.';

/** A cached token is exchanged again this long before it expires, so no request carries a dying token. */
export const REFRESH_MARGIN_MS = 60_000;
export const DEFAULT_MAX_CACHED_KEYS = 10_000;
/**
 * How long a key identity refused is refused without asking again. A refused key never becomes
 * valid (unknown, revoked and expired are final), so this only spares identity a client that keeps
 * retrying a dead key; at most DEFAULT_MAX_REFUSED_KEYS are held.
 */
export const REFUSED_KEY_TTL_MS = 30_000;
export const DEFAULT_MAX_REFUSED_KEYS = 1_000;

/** Identity's 200 answer to an exchange. */
export interface ApiKeyExchangeAnswer {
  accessToken: string;
  expiresAt: string;
  apiKey: { id: string; organizationId: string; scopes: string[] };
}

/** Exchanges a key: its answer, or null when identity refused the key (401). Throws when identity cannot answer. */
export type ApiKeyExchange = (key: string) => Promise<ApiKeyExchangeAnswer | null>;

const exchangeAnswer = z.object({
  accessToken: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
  apiKey: z.object({ id: z.string(), organizationId: z.string(), scopes: z.array(z.string()) }),
});

/** The exchange over identity's internal route (contract 2 of issue 12). */
export function httpApiKeyExchange(
  identityInternalUrl: string,
  secret: string,
  timeoutMs = 2_000,
): ApiKeyExchange {
  const url = new URL(API_KEY_EXCHANGE_PATH, identityInternalUrl).toString();
  return async (key) => {
    const answer = await internalRequest(url, secret, { method: 'POST', body: { key }, timeoutMs });
    if (answer.status === 401) return null;
    if (answer.status !== 200)
      throw new Error(`identity answered the key exchange with HTTP ${answer.status}`);
    const parsed = exchangeAnswer.safeParse(answer.body);
    if (!parsed.success) throw new Error('identity answered the key exchange with an unexpected shape');
    return parsed.data;
  };
}

/** Who a request's credentials say it is; `authorization` is what goes to the subgraphs. */
export interface Credentials {
  /** The signed-in person; null for anonymous requests and for API keys. */
  viewer: Viewer | null;
  /** The organization's key acting on the request. */
  apiKey: VerifiedApiKey | null;
  /** `Bearer <access token>` (for a key, the token minted for it), or null when anonymous. */
  authorization: string | null;
  /** When the credentials stop working (epoch seconds); null when anonymous. */
  expiresAt: number | null;
}

export interface CredentialsResolverOptions {
  /** The gateway's verifier, revoked-session guard included. */
  verifier: TokenVerifier;
  /** Null when the gateway cannot reach identity's internal routes (no INTERNAL_API_SECRET). */
  exchange: ApiKeyExchange | null;
  maxCachedKeys?: number;
  /** Told once per failure of identity (never with the key). */
  onExchangeError?: (error: unknown) => void;
  /** Told of every exchange sent to identity, with how it ended (for metrics). */
  onExchange?: (outcome: 'accepted' | 'refused' | 'failed') => void;
}

export interface CredentialsResolver {
  /** Resolves an `Authorization` header; throws UNAUTHENTICATED (or SERVICE_UNAVAILABLE for keys). */
  resolve(authorization: string | null | undefined): Promise<Credentials>;
  /** Keys whose exchange is cached (for tests and metrics). */
  readonly cachedKeys: number;
  /** Exchanges sent to identity since start (for tests and metrics). */
  readonly exchanges: number;
}

interface CachedExchange {
  token: string;
  /** Past this instant (ms) the key is exchanged again. */
  refreshAt: number;
}

const ANONYMOUS: Credentials = { viewer: null, apiKey: null, authorization: null, expiresAt: null };

/** The gateway's credential check: access tokens verified as before, API keys exchanged first. */
export function createCredentialsResolver(options: CredentialsResolverOptions): CredentialsResolver {
  const maxCachedKeys = options.maxCachedKeys ?? DEFAULT_MAX_CACHED_KEYS;
  /** sha256(key) -> exchange; Map order is recency (a hit moves its entry to the end). */
  const cache = new Map<string, CachedExchange>();
  const inFlight = new Map<string, Promise<string>>();
  /** sha256(key) -> until when identity's refusal is repeated without asking (insertion order). */
  const refused = new Map<string, number>();
  let exchanges = 0;

  const fromToken = async (token: string): Promise<Credentials> =>
    credentialsOf(await options.verifier.verify(token), token);

  const exchange = (hash: string, key: string): Promise<string> => {
    const pending = inFlight.get(hash);
    if (pending) return pending;
    const started = (async () => {
      if (!options.exchange) throw serviceUnavailable();
      exchanges += 1;
      let answer: ApiKeyExchangeAnswer | null;
      try {
        answer = await options.exchange(key);
      } catch (error) {
        options.onExchange?.('failed');
        options.onExchangeError?.(error);
        throw serviceUnavailable();
      }
      options.onExchange?.(answer ? 'accepted' : 'refused');
      if (!answer) {
        refused.delete(hash);
        refused.set(hash, Date.now() + REFUSED_KEY_TTL_MS);
        for (const oldest of refused.keys()) {
          if (refused.size <= DEFAULT_MAX_REFUSED_KEYS) break;
          refused.delete(oldest);
        }
        throw unauthenticated(INVALID_API_KEY_MESSAGE);
      }
      const refreshAt = Date.parse(answer.expiresAt) - REFRESH_MARGIN_MS;
      // A token living less than the margin serves the requests waiting for it, and is not kept.
      if (refreshAt > Date.now()) remember(hash, { token: answer.accessToken, refreshAt });
      return answer.accessToken;
    })().finally(() => inFlight.delete(hash));
    inFlight.set(hash, started);
    return started;
  };

  const remember = (hash: string, entry: CachedExchange) => {
    cache.delete(hash);
    cache.set(hash, entry);
    while (cache.size > maxCachedKeys) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  };

  const fromKey = async (key: string): Promise<Credentials> => {
    if (!API_KEY_FORMAT.test(key)) throw unauthenticated(INVALID_API_KEY_MESSAGE);
    const hash = createHash('sha256').update(key).digest('hex');
    const refusedUntil = refused.get(hash);
    if (refusedUntil !== undefined) {
      if (refusedUntil > Date.now()) throw unauthenticated(INVALID_API_KEY_MESSAGE);
      refused.delete(hash);
    }
    const cached = cache.get(hash);
    if (cached && cached.refreshAt > Date.now()) {
      try {
        const credentials = await fromToken(cached.token);
        remember(hash, cached);
        return credentials;
      } catch {
        // Revoked (listed since) or expired: identity decides again.
        cache.delete(hash);
      }
    } else if (cached) cache.delete(hash);
    const token = await exchange(hash, key);
    let credentials: Credentials;
    try {
      credentials = await fromToken(token);
    } catch {
      cache.delete(hash);
      throw unauthenticated(INVALID_API_KEY_MESSAGE);
    }
    if (!credentials.apiKey) {
      cache.delete(hash);
      throw unauthenticated(INVALID_API_KEY_MESSAGE);
    }
    return credentials;
  };

  return {
    async resolve(authorization) {
      if (!authorization) return ANONYMOUS;
      const token = bearerValue(authorization);
      if (token?.startsWith(API_KEY_PREFIX)) return fromKey(token);
      // Anything else is an access token (the kit's messages for a malformed header).
      const viewer = await viewerFromAuthorization(authorization, options.verifier);
      return viewer && token ? credentialsOf(viewer, token) : ANONYMOUS;
    },
    get cachedKeys() {
      return cache.size;
    },
    get exchanges() {
      return exchanges;
    },
  };
}

/** A key's token makes the key the caller (viewer null), as in every subgraph's context. */
function credentialsOf(viewer: Viewer, token: string): Credentials {
  const authorization = `Bearer ${token}`;
  if (!viewer.apiKey) return { viewer, apiKey: null, authorization, expiresAt: viewer.expiresAt };
  const { id, organizationId, scopes } = viewer.apiKey;
  return { viewer: null, apiKey: { id, organizationId, scopes }, authorization, expiresAt: viewer.expiresAt };
}

function bearerValue(authorization: string): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  return match?.[1] ?? null;
}

function serviceUnavailable() {
  return graphQLError(ErrorCode.SERVICE_UNAVAILABLE, API_KEYS_UNAVAILABLE_MESSAGE, { http: { status: 503 } });
}
