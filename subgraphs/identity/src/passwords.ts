/**
 * Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 * Sign-in for an unknown email still runs one verification against a fixed dummy hash with the
 * same parameters, so response time does not reveal whether an account exists.
 */
import argon2 from 'argon2';

export const PASSWORD_HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** The hash of a random string nobody knows, made with PASSWORD_HASH_OPTIONS. */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,p=1,t=2$cSdvy7YP9rIAtDJ/YHFlVg$fpuDlvJYOWtDlwHUta8XLXKEUgrOnUawrUby8QUCWXI';

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_HASH_OPTIONS);
}

/** Verifies against `hash`, or against the dummy hash (always false) when there is no account. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  try {
    const matches = await argon2.verify(hash ?? DUMMY_HASH, password);
    return hash !== null && matches;
  } catch {
    // A corrupt stored hash must not become a 500 that tells the caller the account exists.
    return false;
  }
}
