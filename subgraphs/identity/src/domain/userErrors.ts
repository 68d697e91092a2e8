/**
 * The userError codes identity returns, and one builder per code so the same failure always reads
 * the same (log-in failures in particular must be indistinguishable).
 */
import { userError, type UserError } from '@learncraft/kit';
import { DISPLAY_NAME_MAX, EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN } from './limits';

export const IdentityErrorCode = {
  INVALID_EMAIL: 'INVALID_EMAIL',
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  PASSWORD_TOO_LONG: 'PASSWORD_TOO_LONG',
  INVALID_DISPLAY_NAME: 'INVALID_DISPLAY_NAME',
  EMAIL_TAKEN: 'EMAIL_TAKEN',
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  INVALID_REFRESH_TOKEN: 'INVALID_REFRESH_TOKEN',
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  BREACHED_PASSWORD: 'BREACHED_PASSWORD',
  PASSWORD_CONTAINS_EMAIL: 'PASSWORD_CONTAINS_EMAIL',
  INVALID_RESET_TOKEN: 'INVALID_RESET_TOKEN',
} as const;
export type IdentityErrorCode = (typeof IdentityErrorCode)[keyof typeof IdentityErrorCode];

const EMAIL_FIELD = ['input', 'email'];
export const PASSWORD_FIELD = ['input', 'password'];
export const NEW_PASSWORD_FIELD = ['input', 'newPassword'];
const DISPLAY_NAME_FIELD = ['input', 'displayName'];
const REFRESH_TOKEN_FIELD = ['input', 'refreshToken'];

export const identityErrors = {
  emailMalformed: (): UserError =>
    userError(
      IdentityErrorCode.INVALID_EMAIL,
      'Enter a valid email address, like name@example.com.',
      EMAIL_FIELD,
    ),
  emailTooLong: (): UserError =>
    userError(
      IdentityErrorCode.INVALID_EMAIL,
      `Email addresses can be at most ${EMAIL_MAX} characters long.`,
      EMAIL_FIELD,
    ),
  passwordTooShort: (field = PASSWORD_FIELD): UserError =>
    userError(IdentityErrorCode.WEAK_PASSWORD, `Passwords need at least ${PASSWORD_MIN} characters.`, field),
  passwordTooLong: (field = PASSWORD_FIELD): UserError =>
    userError(
      IdentityErrorCode.PASSWORD_TOO_LONG,
      `Passwords can be at most ${PASSWORD_MAX} characters long.`,
      field,
    ),
  breachedPassword: (field = PASSWORD_FIELD): UserError =>
    userError(
      IdentityErrorCode.BREACHED_PASSWORD,
      'This password is one of the most common passwords found in data breaches. Choose another.',
      field,
    ),
  passwordContainsEmail: (field = PASSWORD_FIELD): UserError =>
    userError(
      IdentityErrorCode.PASSWORD_CONTAINS_EMAIL,
      'Passwords cannot contain your email address or the part before the @.',
      field,
    ),
  invalidResetToken: (): UserError =>
    userError(
      IdentityErrorCode.INVALID_RESET_TOKEN,
      'This password reset link is invalid, expired or already used. Request a new one.',
      ['input', 'token'],
    ),
  displayNameLength: (): UserError =>
    userError(
      IdentityErrorCode.INVALID_DISPLAY_NAME,
      `Display names need between 1 and ${DISPLAY_NAME_MAX} characters.`,
      DISPLAY_NAME_FIELD,
    ),
  displayNameControlCharacters: (): UserError =>
    userError(
      IdentityErrorCode.INVALID_DISPLAY_NAME,
      'Display names cannot contain control characters such as line breaks or tabs.',
      DISPLAY_NAME_FIELD,
    ),
  emailTaken: (): UserError =>
    userError(
      IdentityErrorCode.EMAIL_TAKEN,
      'An account with this email address already exists.',
      EMAIL_FIELD,
    ),
  /** The one answer for unknown email and wrong password alike: no field, no hint which. */
  invalidCredentials: (): UserError =>
    userError(IdentityErrorCode.INVALID_CREDENTIALS, 'The email address or password is incorrect.'),
  invalidRefreshToken: (): UserError =>
    userError(
      IdentityErrorCode.INVALID_REFRESH_TOKEN,
      'The refresh token is invalid, expired or revoked. Sign in again.',
      REFRESH_TOKEN_FIELD,
    ),
  refreshTokenReused: (): UserError =>
    userError(
      IdentityErrorCode.REFRESH_TOKEN_REUSED,
      'This refresh token was already used, so the session was ended for safety. Sign in again.',
      REFRESH_TOKEN_FIELD,
    ),
};
