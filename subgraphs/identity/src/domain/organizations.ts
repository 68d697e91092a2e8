/**
 * Organization rules, pure: what a name may be, which role may invite or remove whom, when the
 * last owner is protected, and what state an invitation is in. The services ask these and turn
 * the answers into userErrors; nothing here reads a store.
 */
import type { OrganizationRole, UserError } from '@learncraft/kit';
import { organizationErrors } from './userErrors';

export const ORGANIZATION_NAME_MAX = 80;
export const INVITATION_TTL_DAYS = 14;
const CONTROL_CHARACTERS = /\p{Cc}/u;

/**
 * Who acts on an organization's people: an owner, a manager, or an API key of the organization
 * (with `members:write`). A key counts as a manager for role rules: a leaked key cannot mint owners.
 */
export type MemberManager = 'OWNER' | 'MANAGER' | 'API_KEY';

/** The trimmed name, or INVALID_NAME (1 to 80 characters, no line breaks or other control characters). */
export function checkOrganizationName(
  raw: string,
  field: string[] = ['input', 'name'],
): { name: string } | { error: UserError } {
  const name = raw.trim();
  const length = [...name].length;
  if (length < 1 || length > ORGANIZATION_NAME_MAX) return { error: organizationErrors.nameLength(field) };
  if (CONTROL_CHARACTERS.test(name)) return { error: organizationErrors.nameControlCharacters(field) };
  return { name };
}

/** The role a manager may hand out by invitation; ROLE_NOT_ALLOWED when it is OWNER and they are no owner. */
export function invitationRoleProblem(actor: MemberManager, invitedRole: OrganizationRole): UserError | null {
  return invitedRole === 'OWNER' && actor !== 'OWNER' ? organizationErrors.onlyOwnersManageOwners() : null;
}

export interface RemovalCase {
  actor: MemberManager;
  /** True when a person removes themself (leaves). */
  self: boolean;
  targetRole: OrganizationRole;
  /** Owners the organization has now, the target included. */
  ownerCount: number;
}

/** Leaving is open to everyone but the last owner; removing an owner takes an owner. */
export function removalProblem(removal: RemovalCase): UserError | null {
  if (!removal.self && removal.targetRole === 'OWNER' && removal.actor !== 'OWNER')
    return organizationErrors.onlyOwnersManageOwners(['input', 'userId']);
  if (removal.targetRole === 'OWNER' && removal.ownerCount <= 1) return organizationErrors.lastOwner();
  return null;
}

/** Owners change roles (the caller checks that); the last owner cannot step down. */
export function roleChangeProblem(change: {
  currentRole: OrganizationRole;
  newRole: OrganizationRole;
  ownerCount: number;
}): UserError | null {
  if (change.currentRole === 'OWNER' && change.newRole !== 'OWNER' && change.ownerCount <= 1)
    return organizationErrors.lastOwner();
  return null;
}

export type StoredInvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED';
export type InvitationStatus = StoredInvitationStatus | 'EXPIRED';

/** A PENDING invitation past its expiry reads as EXPIRED; the others are what they are. */
export function invitationStatus(
  invitation: { status: StoredInvitationStatus; expiresAt: Date },
  now: Date,
): InvitationStatus {
  if (invitation.status === 'PENDING' && invitation.expiresAt.getTime() <= now.getTime()) return 'EXPIRED';
  return invitation.status;
}

export function invitationExpiry(now: Date): Date {
  return new Date(now.getTime() + INVITATION_TTL_DAYS * 24 * 60 * 60 * 1000);
}

/** Why an invitation cannot be accepted by an account with `email`, or null when it can. */
export function acceptanceProblem(
  invitation: { status: StoredInvitationStatus; expiresAt: Date; email: string },
  accountEmail: string,
  now: Date,
): UserError | null {
  const status = invitationStatus(invitation, now);
  if (status === 'EXPIRED') return organizationErrors.invitationExpired();
  if (status !== 'PENDING') return organizationErrors.invitationInvalid();
  if (invitation.email !== accountEmail) return organizationErrors.emailMismatch();
  return null;
}
