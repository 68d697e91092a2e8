/**
 * API key rules, pure: the key's format (`lck_<8 hex public id>_<43 chars base64url of 32 random
 * bytes>`), how it is stored (SHA-256 of the whole key, compared in constant time), which scopes,
 * expiries and grace periods are acceptable, whether a key works at an instant, and when its
 * last-used time is worth writing again.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isScope, scopeFromEnum, type ApiKeyScopeName, type UserError } from '@learncraft/kit';
import { apiKeyErrors } from './userErrors';

const API_KEY_SHAPE = /^lck_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;
export const API_KEY_NAME_MAX = 80;
export const API_KEY_MAX_LIFETIME_DAYS = 730;
export const API_KEY_MAX_GRACE_SECONDS = 86_400;
/** lastUsedAt is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const CONTROL_CHARACTERS = /\p{Cc}/u;

export interface GeneratedApiKey {
  /** The whole key, shown once. */
  secret: string;
  publicId: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const publicId = randomBytes(4).toString('hex');
  const secret = `lck_${publicId}_${randomBytes(32).toString('base64url')}`;
  return { secret, publicId, hash: hashApiKey(secret) };
}

/** The public id of a well-formed key; null for anything else (checked before any lookup). */
export function parseApiKey(key: string): { publicId: string } | null {
  const match = key.length <= 64 ? API_KEY_SHAPE.exec(key) : null;
  return match?.[1] ? { publicId: match[1] } : null;
}

export function apiKeyPrefix(publicId: string): string {
  return `lck_${publicId}`;
}

/** Hex SHA-256 of the whole key: 256 random bits need no salt or slow hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex hashes (unequal lengths are simply unequal). */
export function apiKeyHashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export type ApiKeyState = 'active' | 'revoked' | 'expired';

/** A revocation dated in the future (a rotation's grace) has not happened yet. */
export function apiKeyState(key: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): ApiKeyState {
  if (key.revokedAt && key.revokedAt.getTime() <= now.getTime()) return 'revoked';
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** True once a minute has passed since the last write (or none was made). */
export function shouldRecordUse(lastUsedAt: Date | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}

/** The trimmed name, or INVALID_NAME. */
export function checkApiKeyName(raw: string): { name: string } | { error: UserError } {
  const name = raw.trim();
  const length = [...name].length;
  if (length < 1 || length > API_KEY_NAME_MAX || CONTROL_CHARACTERS.test(name))
    return { error: apiKeyErrors.invalidName() };
  return { name };
}

/** SDL enum values (`PROGRESS_READ`) to scope names, or INVALID_SCOPES: 1 to 7 distinct scopes. */
export function checkApiKeyScopes(
  values: readonly string[],
): { scopes: ApiKeyScopeName[] } | { error: UserError } {
  const scopes = values.map((value) => scopeFromEnum(value));
  const valid = scopes.filter((scope): scope is ApiKeyScopeName => isScope(scope));
  if (valid.length !== values.length || valid.length === 0 || new Set(valid).size !== valid.length)
    return { error: apiKeyErrors.invalidScopes() };
  return { scopes: valid };
}

/** No expiry, or one in the future at most two years ahead; INVALID_EXPIRY otherwise. */
export function checkApiKeyExpiry(expiresAt: Date | null | undefined, now: Date): UserError | null {
  if (!expiresAt) return null;
  const ahead = expiresAt.getTime() - now.getTime();
  return ahead <= 0 || ahead > API_KEY_MAX_LIFETIME_DAYS * DAY_MS ? apiKeyErrors.invalidExpiry() : null;
}

/** 0 to 86 400 whole seconds (default 0); INVALID_GRACE otherwise. */
export function checkGraceSeconds(
  value: number | null | undefined,
): { graceSeconds: number } | { error: UserError } {
  const graceSeconds = value ?? 0;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > API_KEY_MAX_GRACE_SECONDS)
    return { error: apiKeyErrors.invalidGrace() };
  return { graceSeconds };
}

/**
 * How long a token minted now for the key may live: the configured lifetime, but never past the
 * key's expiry or scheduled revocation, so no token outlives its key.
 */
export function apiKeyTokenTtlSeconds(
  key: { revokedAt: Date | null; expiresAt: Date | null },
  now: Date,
  ttlSeconds: number,
): number {
  const ends = [key.revokedAt, key.expiresAt].flatMap((end) => (end ? [end.getTime()] : []));
  const remaining = ends.length > 0 ? Math.floor((Math.min(...ends) - now.getTime()) / 1000) : ttlSeconds;
  return Math.min(ttlSeconds, remaining);
}
