/**
 * Who a request's points are counted against. Partners act through API keys (src/apiKeys.ts): a
 * verified key becomes an `apiKey` subject, with limits of its own when the key carries them.
 * Signed-in traffic counts per user (the token's `sub`) and anonymous traffic per client address
 * (clientAddress.ts), each with its own budget.
 */
import type { ApiKeyPrincipal, Viewer } from '@learncraft/kit';

/** A budget: points per hour, points per minute (the burst) and requests in flight at once. */
export interface RateLimitBudget {
  pointsPerHour: number;
  pointsPerMinute: number;
  maxConcurrent: number;
}

export type RateLimitSubject =
  | { kind: 'apiKey'; id: string; limits?: Partial<RateLimitBudget> }
  | { kind: 'user'; id: string }
  | { kind: 'address'; address: string };

/**
 * The API key a request was verified with (`Authorization: Bearer lck_…`, exchanged at identity):
 * its id, organization and scopes, as the token identity minted for it says.
 */
export interface VerifiedApiKey extends ApiKeyPrincipal {
  /** The key's own budget where it differs from the API-key defaults (a partner's plan). */
  limits?: Partial<RateLimitBudget>;
}

/** What the gateway knows about a request once its credentials are verified. */
export interface VerifiedRequest {
  viewer: Viewer | null;
  /** Only what the rate limit needs of the key. */
  apiKey?: Pick<VerifiedApiKey, 'id' | 'limits'> | null;
  clientAddress: string | null;
}

/** A key first, then the signed-in user, then the client address. */
export function rateLimitSubjectOf(request: VerifiedRequest): RateLimitSubject {
  if (request.apiKey)
    return {
      kind: 'apiKey',
      id: request.apiKey.id,
      ...(request.apiKey.limits ? { limits: request.apiKey.limits } : {}),
    };
  if (request.viewer) return { kind: 'user', id: request.viewer.id };
  // A socket always has a peer; 'unknown' only if it was gone before the request was read.
  return { kind: 'address', address: request.clientAddress ?? 'unknown' };
}

/** The subject's counter key: one namespace per kind, so a user id never collides with a key id. */
export function subjectKey(subject: RateLimitSubject): string {
  switch (subject.kind) {
    case 'apiKey':
      return `key:${subject.id}`;
    case 'user':
      return `user:${subject.id}`;
    case 'address':
      return `addr:${subject.address}`;
  }
}
