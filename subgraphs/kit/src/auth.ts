/**
 * Verifying LearnCraft access tokens (EdDSA JWTs issued by identity) and authorizing viewers.
 * The gateway and every subgraph verify independently; no service trusts a forwarded claim.
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  importSPKI,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { forbidden, unauthenticated } from './errors';

export const ROLES = ['LEARNER', 'INSTRUCTOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_ISSUER = 'learncraft-identity';
export const TOKEN_AUDIENCE = 'learncraft';
export const TOKEN_ALGORITHM = 'EdDSA';

/**
 * What an API key may do, as written in the docs, the key's token (`scope` claim, space-separated)
 * and the SDL's `@apiKeyScope(scope:)`. The SDL enum `ApiKeyScope` names the same set in
 * SCREAMING_CASE (`PROGRESS_READ` is `progress:read`).
 */
export const API_KEY_SCOPES = [
  'catalog:read',
  'members:read',
  'members:write',
  'enrollments:write',
  'progress:read',
  'webhooks:read',
  'webhooks:write',
] as const;
export type ApiKeyScopeName = (typeof API_KEY_SCOPES)[number];

/** `PROGRESS_READ` -> `progress:read`; null for anything that is not a scope. */
export function scopeFromEnum(value: string): ApiKeyScopeName | null {
  const name = value.toLowerCase().replace('_', ':');
  return isScope(name) ? name : null;
}

/** `progress:read` -> `PROGRESS_READ`. */
export function scopeToEnum(scope: ApiKeyScopeName): string {
  return scope.replace(':', '_').toUpperCase();
}

export function isScope(value: unknown): value is ApiKeyScopeName {
  return typeof value === 'string' && (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** An organization's API key acting on a request: who it acts as and what it may do. */
export interface ApiKeyPrincipal {
  /** The key's id (also its token's `sub` and `sid`, so revoking the key revokes its tokens). */
  id: string;
  organizationId: string;
  scopes: ApiKeyScopeName[];
}

/** The `kind` claim of a token identity mints for an API key (user tokens carry none). */
export const API_KEY_TOKEN_KIND = 'api_key';

/** The authenticated caller of a request, derived from a verified access token. */
export interface Viewer {
  id: string;
  roles: Role[];
  /** Expiry of the token, seconds since the epoch. */
  expiresAt: number;
  /** The sign-in (refresh-token family) the token was issued for (`sid` claim), when it carries one. */
  sessionId?: string;
  /**
   * Set when the token was minted for an API key: the caller is the key (acting as its
   * organization), not a person; `id` is then the key's id and `roles` is empty. Subgraphs see
   * such a caller as `context.apiKey` with `context.viewer` null (server.ts).
   */
  apiKey?: ApiKeyPrincipal;
}

export interface TokenVerifier {
  /** Resolves the viewer for a raw token or throws an UNAUTHENTICATED GraphQL error. */
  verify(token: string): Promise<Viewer>;
}

export type VerifierSource = { publicKeyPem: string } | { jwksUrl: string } | { jwks: JSONWebKeySet };

export interface VerifierOptions {
  /** How many verified tokens to remember (default 10,000; 0 verifies every time). */
  cacheSize?: number;
  /** The clock, in milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** Seconds of clock skew allowed on `exp` (and `nbf`, `iat`). */
const CLOCK_TOLERANCE_SECONDS = 5;
/**
 * A remembered verification is trusted at most this long, even when the token lives longer, so a
 * key withdrawn from identity's JWKS stops being honoured within a minute as it did before.
 */
const VERIFIED_MAX_AGE_MS = 60_000;

/**
 * Verifies a token once and remembers the viewer until the token expires (at most a minute): an
 * EdDSA verification costs more CPU than the rest of a small request, and the same learner's token
 * arrives at every service for every request. Failures are never remembered. When full, the oldest
 * entry goes first.
 */
export function createTokenVerifier(source: VerifierSource, options: VerifierOptions = {}): TokenVerifier {
  const { cacheSize = 10_000, now = () => Date.now() } = options;
  let keyPromise: Promise<KeyLike | JWTVerifyGetKey> | undefined;
  const key = () =>
    (keyPromise ??=
      'publicKeyPem' in source
        ? importSPKI(source.publicKeyPem, TOKEN_ALGORITHM)
        : 'jwksUrl' in source
          ? Promise.resolve(createRemoteJWKSet(new URL(source.jwksUrl), { cooldownDuration: 5_000 }))
          : Promise.resolve(createLocalJWKSet(source.jwks)));
  const verified = new Map<string, { viewer: Viewer; until: number }>();

  const verifyOnce = async (token: string): Promise<Viewer> => {
    try {
      const resolved = await key();
      const checks = { ...verifyOptions, currentDate: new Date(now()) };
      const { payload } =
        typeof resolved === 'function'
          ? await jwtVerify(token, resolved, checks)
          : await jwtVerify(token, resolved, checks);
      const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new Error('claims');
      const sessionId = typeof payload.sid === 'string' ? { sessionId: payload.sid } : {};
      if (payload.kind === API_KEY_TOKEN_KIND) {
        if (typeof payload.org !== 'string' || typeof payload.scope !== 'string') throw new Error('claims');
        const scopes = payload.scope.split(' ').filter(isScope);
        const apiKey = { id: payload.sub, organizationId: payload.org, scopes };
        return { id: payload.sub, roles: [], expiresAt: payload.exp, ...sessionId, apiKey };
      }
      return { id: payload.sub, roles, expiresAt: payload.exp, ...sessionId };
    } catch {
      throw unauthenticated('The access token is invalid or has expired.');
    }
  };

  return {
    async verify(token) {
      const at = now();
      const known = verified.get(token);
      if (known && at < known.until) return known.viewer;
      if (known) verified.delete(token);
      const viewer = await verifyOnce(token);
      if (cacheSize > 0) {
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        const expires = (viewer.expiresAt + CLOCK_TOLERANCE_SECONDS) * 1000;
        verified.set(token, { viewer, until: Math.min(expires, at + VERIFIED_MAX_AGE_MS) });
      }
      return viewer;
    },
  };
}

const verifyOptions = {
  algorithms: [TOKEN_ALGORITHM],
  issuer: TOKEN_ISSUER,
  audience: TOKEN_AUDIENCE,
  clockTolerance: CLOCK_TOLERANCE_SECONDS,
};

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Reads `Authorization: Bearer <token>`; no header means an anonymous viewer (null). */
export async function viewerFromAuthorization(
  header: string | undefined | null,
  verifier: TokenVerifier,
): Promise<Viewer | null> {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <access token>".');
  return verifier.verify(match[1]);
}

/**
 * The key must hold `scope` (FORBIDDEN otherwise, naming the scope in `extensions.requiredScope`).
 * Returns the key, so callers can go on with its organization.
 */
export function requireApiKeyScope(apiKey: ApiKeyPrincipal, scope: ApiKeyScopeName): ApiKeyPrincipal {
  if (!apiKey.scopes.includes(scope))
    throw forbidden(`This API key lacks the scope ${scope}.`, { requiredScope: scope });
  return apiKey;
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function hasRole(viewer: Viewer | null, ...roles: Role[]): boolean {
  return !!viewer && viewer.roles.some((role) => roles.includes(role));
}

export function requireRole(viewer: Viewer | null, ...roles: Role[]): Viewer {
  const signedIn = requireViewer(viewer);
  if (!hasRole(signedIn, ...roles)) throw forbidden(`This requires one of the roles: ${roles.join(', ')}.`);
  return signedIn;
}
