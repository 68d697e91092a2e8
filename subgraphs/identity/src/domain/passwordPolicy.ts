/**
 * What a new password must not be, beyond its length: one of the most common breached passwords,
 * or a password built from the account's own email address. The breached list is the "common
 * passwords" dictionary that zxcvbn-ts ships (`@zxcvbn-ts/language-common`: 49 233 passwords from
 * public breach corpora, most frequent first, all lower-case), loaded once and matched
 * case-insensitively.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import type { UserError } from '@learncraft/kit';
import { identityErrors } from './userErrors';

/** Local parts shorter than this are too short to be a meaningful hint (`a@x.io` would ban every "a"). */
export const EMAIL_HINT_MIN_LENGTH = 3;

let breached: ReadonlySet<string> | undefined;

/** The breached-password list as a set (built on first use). */
export function breachedPasswords(): ReadonlySet<string> {
  breached ??= new Set(dictionary['passwords-common']);
  return breached;
}

export function isBreachedPassword(password: string): boolean {
  return breachedPasswords().has(password.toLowerCase());
}

/** True when the password contains the email, or its local part (before `@`, and before any `+tag`). */
export function containsEmail(password: string, normalisedEmail: string): boolean {
  const lowered = password.toLowerCase();
  const [local = ''] = normalisedEmail.split('@');
  const hints = [normalisedEmail, local, local.split('+')[0] ?? ''];
  return hints.some((hint) => hint.length >= EMAIL_HINT_MIN_LENGTH && lowered.includes(hint));
}

/**
 * The policy beyond length, for registration and password reset: `field` is where the form shows
 * the error. Returns null for an acceptable password.
 */
export function checkPasswordPolicy(
  password: string,
  normalisedEmail: string,
  field: string[],
): UserError | null {
  if (isBreachedPassword(password)) return identityErrors.breachedPassword(field);
  if (containsEmail(password, normalisedEmail)) return identityErrors.passwordContainsEmail(field);
  return null;
}
