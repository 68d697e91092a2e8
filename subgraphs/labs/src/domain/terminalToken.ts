/**
 * Terminal tokens: `v1.<payload>.<signature>`, base64url JSON `{ s: sessionId, u: userId, e: expiry
 * (ms since epoch), j: jti }` signed with HMAC-SHA256. They bind one session and its learner, last
 * 60 seconds, and are single-use (the jti is recorded on first use by the store, not here).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TERMINAL_TOKEN_TTL_MS = 60_000;

export interface TerminalTokenPayload {
  sessionId: string;
  userId: string;
  expiresAt: Date;
  jti: string;
}

export type TerminalTokenCheck =
  | { ok: true; payload: TerminalTokenPayload }
  | { ok: false; reason: 'MALFORMED' | 'BAD_SIGNATURE' | 'EXPIRED' };

const PREFIX = 'v1';

const sign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(`${PREFIX}.${body}`).digest('base64url');

export function issueTerminalToken(
  secret: string,
  binding: { sessionId: string; userId: string },
  now: Date,
): { token: string; payload: TerminalTokenPayload } {
  const payload: TerminalTokenPayload = {
    ...binding,
    expiresAt: new Date(now.getTime() + TERMINAL_TOKEN_TTL_MS),
    jti: randomBytes(16).toString('base64url'),
  };
  const body = Buffer.from(
    JSON.stringify({
      s: payload.sessionId,
      u: payload.userId,
      e: payload.expiresAt.getTime(),
      j: payload.jti,
    }),
  ).toString('base64url');
  return { token: `${PREFIX}.${body}.${sign(secret, body)}`, payload };
}

/** Checks shape, signature (constant time) and expiry; says nothing about earlier use. */
export function verifyTerminalToken(secret: string, token: string, now: Date): TerminalTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== PREFIX || token.length > 1024)
    return { ok: false, reason: 'MALFORMED' };
  const [, body = '', signature = ''] = parts;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'BAD_SIGNATURE' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'MALFORMED' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'MALFORMED' };
  if (claims.e <= now.getTime()) return { ok: false, reason: 'EXPIRED' };
  return {
    ok: true,
    payload: { sessionId: claims.s, userId: claims.u, expiresAt: new Date(claims.e), jti: claims.j },
  };
}

function isClaims(value: unknown): value is { s: string; u: string; e: number; j: string } {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  return (
    typeof claims.s === 'string' &&
    typeof claims.u === 'string' &&
    typeof claims.j === 'string' &&
    typeof claims.e === 'number' &&
    Number.isFinite(claims.e)
  );
}
