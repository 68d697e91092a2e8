/**
 * The rules that throttle log-in and password-reset attempts, and the limiter keys they use.
 * Three layers, each answering one attack:
 * - per (email, client address): exponential back-off, so one client guessing one account slows
 *   down fast, while the owner signing in from anywhere else is unaffected;
 * - per client address across emails: a ceiling on failures, against credential stuffing;
 * - per email across addresses: a high ceiling, against a guess spread over many addresses. A
 *   single address cannot reach it (the back-off holds it to 9 failures per 15 minutes).
 * Keys hold SHA-256 digests only, so the shared limiter store (Redis) never holds an email or an
 * address. A request without an address (no gateway header) is one bucket of its own.
 */
import { createHash } from 'node:crypto';
import type { BackoffRule, RateLimitRule } from '@learncraft/kit';

export interface LoginLimits {
  /** Back-off per (email, address): free failures, then 30 s, 1 min, 2 min, ... up to 15 min. */
  pair: BackoffRule;
  /** Failed log-ins per client address, any email. */
  address: RateLimitRule;
  /** Failed log-ins per email, any address. */
  email: RateLimitRule;
}

export interface PasswordResetLimits {
  /** Reset requests per email (whether or not an account has it). */
  email: RateLimitRule;
  /** Reset requests per client address. */
  address: RateLimitRule;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  pair: { freeAttempts: 5, baseSeconds: 30, maxSeconds: 900, forgetSeconds: 86_400 },
  address: { limit: 30, windowSeconds: 900 },
  email: { limit: 50, windowSeconds: 900 },
};

export const DEFAULT_PASSWORD_RESET_LIMITS: PasswordResetLimits = {
  email: { limit: 3, windowSeconds: 3_600 },
  address: { limit: 10, windowSeconds: 3_600 },
};

const NO_ADDRESS = 'no-address';

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The bucket of a client address: its digest, or one shared bucket for requests without one. */
export function addressBucket(clientAddress: string | null): string {
  const address = clientAddress?.trim();
  return address ? digest(address.toLowerCase()) : NO_ADDRESS;
}

export const loginKeys = {
  pair: (email: string, clientAddress: string | null) =>
    `identity:login:pair:${digest(email)}:${addressBucket(clientAddress)}`,
  address: (clientAddress: string | null) => `identity:login:address:${addressBucket(clientAddress)}`,
  email: (email: string) => `identity:login:email:${digest(email)}`,
};

export const passwordResetKeys = {
  address: (clientAddress: string | null) => `identity:reset:address:${addressBucket(clientAddress)}`,
  email: (email: string) => `identity:reset:email:${digest(email)}`,
};
