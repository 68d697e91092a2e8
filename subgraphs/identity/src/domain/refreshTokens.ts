/**
 * Refresh-token rules: what a token looks like, how it is stored (SHA-256 only), when it expires,
 * and what presenting a stored token means. A token that was already rotated away ("used") is
 * evidence that it leaked, so the caller revokes its whole family.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url without padding: always 43 characters. */
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The token a rotation of `presented` issues: HMAC-SHA256 under a server secret, so a retry of the
 * same refresh (a double-fired request) can be answered with the same successor although only
 * hashes are stored, while nobody without the secret can compute a successor from a stolen token.
 */
export function successorRefreshToken(secret: Buffer, presented: string): string {
  return createHmac('sha256', secret).update(presented, 'utf8').digest('base64url');
}

/** Whether a token rotated at `usedAt` is still inside the retry grace window at `now`. */
export function withinRefreshGrace(usedAt: Date, now: Date, graceSeconds: number): boolean {
  const elapsedMs = now.getTime() - usedAt.getTime();
  return elapsedMs >= 0 && elapsedMs <= graceSeconds * 1000;
}

/** Cheap pre-check so garbage (or a megabyte of it) never reaches the database. */
export function isWellFormedRefreshToken(token: string): boolean {
  return REFRESH_TOKEN_SHAPE.test(token);
}

/** Hex SHA-256. Tokens carry 256 bits of entropy, so an unsalted fast hash is sufficient. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function refreshTokenExpiry(now: Date, ttlDays: number): Date {
  return new Date(now.getTime() + ttlDays * DAY_MS);
}

export interface RefreshTokenStatus {
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export type RefreshTokenState = 'active' | 'reused' | 'revoked' | 'expired';

/**
 * Revoked wins over everything (the family is already dead); a rotated token presented again is
 * reuse even after it expired, because its successor may still be alive in an attacker's hands.
 */
export function refreshTokenState(token: RefreshTokenStatus, now: Date): RefreshTokenState {
  if (token.revokedAt) return 'revoked';
  if (token.usedAt) return 'reused';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}
