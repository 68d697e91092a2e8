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

/** Codes of organizations, members and invitations. */
export const OrganizationErrorCode = {
  INVALID_NAME: 'INVALID_NAME',
  ROLE_NOT_ALLOWED: 'ROLE_NOT_ALLOWED',
  LAST_OWNER: 'LAST_OWNER',
  ALREADY_MEMBER: 'ALREADY_MEMBER',
  NOT_MEMBER: 'NOT_MEMBER',
  INVITATION_INVALID: 'INVITATION_INVALID',
  INVITATION_EXPIRED: 'INVITATION_EXPIRED',
  INVITATION_NOT_PENDING: 'INVITATION_NOT_PENDING',
  EMAIL_MISMATCH: 'EMAIL_MISMATCH',
} as const;

export const organizationErrors = {
  nameLength: (field: string[]): UserError =>
    userError(
      OrganizationErrorCode.INVALID_NAME,
      'Organization names need between 1 and 80 characters.',
      field,
    ),
  nameControlCharacters: (field: string[]): UserError =>
    userError(
      OrganizationErrorCode.INVALID_NAME,
      'Organization names cannot contain control characters such as line breaks or tabs.',
      field,
    ),
  onlyOwnersManageOwners: (field: string[] = ['input', 'role']): UserError =>
    userError(
      OrganizationErrorCode.ROLE_NOT_ALLOWED,
      'Only owners can invite, remove or appoint owners.',
      field,
    ),
  lastOwner: (): UserError =>
    userError(
      OrganizationErrorCode.LAST_OWNER,
      'An organization needs an owner: make someone else an owner first.',
      ['input', 'userId'],
    ),
  alreadyMember: (field: string[]): UserError =>
    userError(
      OrganizationErrorCode.ALREADY_MEMBER,
      'This person is already a member of the organization.',
      field,
    ),
  notMember: (): UserError =>
    userError(OrganizationErrorCode.NOT_MEMBER, 'This account is not a member of the organization.', [
      'input',
      'userId',
    ]),
  invitationInvalid: (): UserError =>
    userError(
      OrganizationErrorCode.INVITATION_INVALID,
      'This invitation link is invalid, withdrawn or already used.',
      ['input', 'token'],
    ),
  invitationExpired: (): UserError =>
    userError(
      OrganizationErrorCode.INVITATION_EXPIRED,
      'This invitation has expired. Ask the organization to invite you again.',
      ['input', 'token'],
    ),
  invitationNotPending: (): UserError =>
    userError(OrganizationErrorCode.INVITATION_NOT_PENDING, 'Only a pending invitation can be withdrawn.', [
      'input',
      'invitationId',
    ]),
  emailMismatch: (): UserError =>
    userError(
      OrganizationErrorCode.EMAIL_MISMATCH,
      'This invitation was sent to another email address. Sign in with that address to accept it.',
      ['input', 'token'],
    ),
};

/** Codes of API keys. */
export const ApiKeyErrorCode = {
  INVALID_NAME: 'INVALID_NAME',
  INVALID_SCOPES: 'INVALID_SCOPES',
  INVALID_EXPIRY: 'INVALID_EXPIRY',
  INVALID_GRACE: 'INVALID_GRACE',
  API_KEY_REVOKED: 'API_KEY_REVOKED',
  API_KEY_EXPIRED: 'API_KEY_EXPIRED',
} as const;

export const apiKeyErrors = {
  invalidName: (): UserError =>
    userError(
      ApiKeyErrorCode.INVALID_NAME,
      'API key names need between 1 and 80 characters, without control characters.',
      ['input', 'name'],
    ),
  invalidScopes: (): UserError =>
    userError(ApiKeyErrorCode.INVALID_SCOPES, 'Choose between 1 and 7 distinct scopes.', ['input', 'scopes']),
  invalidExpiry: (): UserError =>
    userError(ApiKeyErrorCode.INVALID_EXPIRY, 'The expiry must be in the future and at most 2 years ahead.', [
      'input',
      'expiresAt',
    ]),
  invalidGrace: (): UserError =>
    userError(
      ApiKeyErrorCode.INVALID_GRACE,
      'The grace period must be a whole number of seconds from 0 to 86400.',
      ['input', 'graceSeconds'],
    ),
  revoked: (): UserError =>
    userError(ApiKeyErrorCode.API_KEY_REVOKED, 'This API key is already revoked or being rotated.', [
      'input',
      'apiKeyId',
    ]),
  expired: (): UserError =>
    userError(ApiKeyErrorCode.API_KEY_EXPIRED, 'This API key has expired; create a new one.', [
      'input',
      'apiKeyId',
    ]),
};
