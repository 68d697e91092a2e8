/**
 * Validation and normalisation of what people type when they register or sign in. Pure: returns
 * either clean values or every userError at once, so a form can mark all bad fields in one round.
 */
import type { UserError } from '@learncraft/kit';
import { DISPLAY_NAME_MAX, EMAIL_LOCAL_PART_MAX, EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN } from './limits';
import { checkPasswordPolicy } from './passwordPolicy';
import { identityErrors, PASSWORD_FIELD } from './userErrors';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

export interface RegistrationInput {
  email: string;
  password: string;
  displayName: string;
}

export interface CredentialsInput {
  email: string;
  password: string;
}

/** Emails are compared and stored trimmed and lower-cased, so `Ada@X.dev ` and `ada@x.dev` are one. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const LOCAL_PART = /^[^\s@\p{Cc}]+$/u;
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;
const CONTROL_CHARACTERS = /\p{Cc}/u;

/** A pragmatic check (one `@`, a dotted domain of sane labels), not the full RFC 5322 grammar. */
export function checkEmail(email: string): UserError | null {
  // Length first, so a megabyte of input never reaches the regular expressions.
  if (email.length > EMAIL_MAX) return identityErrors.emailTooLong();
  const parts = email.split('@');
  if (parts.length !== 2) return identityErrors.emailMalformed();
  const [local = '', domain = ''] = parts;
  if (local.length === 0 || local.length > EMAIL_LOCAL_PART_MAX || !LOCAL_PART.test(local)) {
    return identityErrors.emailMalformed();
  }
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => label.length <= 63 && DOMAIN_LABEL.test(label))) {
    return identityErrors.emailMalformed();
  }
  return null;
}

/** Length first; with `email`, also the breached-password and email-hint policy. */
export function checkNewPassword(
  password: string,
  email?: string,
  field: string[] = PASSWORD_FIELD,
): UserError | null {
  if (password.length > PASSWORD_MAX * 2) return identityErrors.passwordTooLong(field);
  const length = codePoints(password);
  if (length < PASSWORD_MIN) return identityErrors.passwordTooShort(field);
  if (length > PASSWORD_MAX) return identityErrors.passwordTooLong(field);
  return email === undefined ? null : checkPasswordPolicy(password, email, field);
}

/** Trims, then requires 1..80 characters (code points) and no control characters. */
export function normaliseDisplayName(displayName: string): Validated<string> {
  if (displayName.length > DISPLAY_NAME_MAX * 8)
    return { ok: false, errors: [identityErrors.displayNameLength()] };
  const trimmed = displayName.trim().normalize('NFC');
  const length = codePoints(trimmed);
  if (length < 1 || length > DISPLAY_NAME_MAX)
    return { ok: false, errors: [identityErrors.displayNameLength()] };
  if (CONTROL_CHARACTERS.test(trimmed))
    return { ok: false, errors: [identityErrors.displayNameControlCharacters()] };
  return { ok: true, value: trimmed };
}

export function validateRegistration(input: RegistrationInput): Validated<RegistrationInput> {
  const email = normaliseEmail(input.email);
  const displayName = normaliseDisplayName(input.displayName);
  const errors = [
    checkEmail(email),
    checkNewPassword(input.password, email),
    ...(displayName.ok ? [] : displayName.errors),
  ].filter((error): error is UserError => error !== null);
  if (errors.length > 0 || !displayName.ok) return { ok: false, errors };
  return { ok: true, value: { email, password: input.password, displayName: displayName.value } };
}

/**
 * Sign-in input: a malformed email is reported as such (it reveals nothing about accounts); a
 * password no account can have (empty or over the limit) is reported as bad credentials without
 * spending a hash on it.
 */
export function validateCredentials(input: CredentialsInput): Validated<CredentialsInput> {
  const email = normaliseEmail(input.email);
  const emailError = checkEmail(email);
  if (emailError) return { ok: false, errors: [emailError] };
  if (input.password.length === 0 || codePoints(input.password) > PASSWORD_MAX) {
    return { ok: false, errors: [identityErrors.invalidCredentials()] };
  }
  return { ok: true, value: { email, password: input.password } };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
