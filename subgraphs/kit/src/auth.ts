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

/** The authenticated caller of a request, derived from a verified access token. */
export interface Viewer {
  id: string;
  roles: Role[];
  /** Expiry of the token, seconds since the epoch. */
  expiresAt: number;
  /** The sign-in (refresh-token family) the token was issued for (`sid` claim), when it carries one. */
  sessionId?: string;
}

export interface TokenVerifier {
  /** Resolves the viewer for a raw token or throws an UNAUTHENTICATED GraphQL error. */
  verify(token: string): Promise<Viewer>;
}

export type VerifierSource = { publicKeyPem: string } | { jwksUrl: string } | { jwks: JSONWebKeySet };

export function createTokenVerifier(source: VerifierSource): TokenVerifier {
  let keyPromise: Promise<KeyLike | JWTVerifyGetKey> | undefined;
  const key = () =>
    (keyPromise ??=
      'publicKeyPem' in source
        ? importSPKI(source.publicKeyPem, TOKEN_ALGORITHM)
        : 'jwksUrl' in source
          ? Promise.resolve(createRemoteJWKSet(new URL(source.jwksUrl), { cooldownDuration: 5_000 }))
          : Promise.resolve(createLocalJWKSet(source.jwks)));

  return {
    async verify(token) {
      try {
        const resolved = await key();
        const { payload } =
          typeof resolved === 'function'
            ? await jwtVerify(token, resolved, verifyOptions)
            : await jwtVerify(token, resolved, verifyOptions);
        const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
        if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new Error('claims');
        const sessionId = typeof payload.sid === 'string' ? { sessionId: payload.sid } : {};
        return { id: payload.sub, roles, expiresAt: payload.exp, ...sessionId };
      } catch {
        throw unauthenticated('The access token is invalid or has expired.');
      }
    },
  };
}

const verifyOptions = {
  algorithms: [TOKEN_ALGORITHM],
  issuer: TOKEN_ISSUER,
  audience: TOKEN_AUDIENCE,
  clockTolerance: 5,
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
