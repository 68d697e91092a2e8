/**
 * The organization use cases behind identity's partner mutations: create an organization, invite
 * people by email (a single-use link, stored hashed), withdraw and accept invitations, remove
 * members and change their roles. Authorization (who acts) is decided before a call here
 * (organizationAccess.ts); the rules of what that actor may do are domain/organizations.ts.
 * Member changes lock the organization row, so two owners leaving at once cannot leave none.
 */
import type { Logger, OrganizationRole, UserError } from '@learncraft/kit';
import { checkEmail, normaliseEmail } from '../domain/accountInput';
import {
  acceptanceProblem,
  checkOrganizationName,
  invitationExpiry,
  invitationRoleProblem,
  INVITATION_TTL_DAYS,
  removalProblem,
  roleChangeProblem,
  type MemberManager,
} from '../domain/organizations';
import { generateRefreshToken, hashRefreshToken, isWellFormedRefreshToken } from '../domain/refreshTokens';
import { organizationErrors } from '../domain/userErrors';
import type { Mailer } from '../mail';
import type { IdentityStores, InvitationRecord, Organization, OrganizationMembership, User } from '../stores';

export interface OrganizationServiceOptions {
  stores: IdentityStores;
  mailer: Mailer;
  /** The web app's origin; invitation links are `<webAppUrl>/invitations/<token>`. */
  webAppUrl: string;
  logger: Logger;
  now?: () => Date;
}

type Failure = { userErrors: UserError[] };
const failure = (error: UserError): Failure => ({ userErrors: [error] });

/** Who sends an invitation: a person (named in the mail) or the organization's API key. */
export interface Inviter {
  manager: MemberManager;
  userId: string | null;
}

export class OrganizationService {
  readonly now: () => Date;

  constructor(private readonly options: OrganizationServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Creates the organization with `ownerId` as its first OWNER. */
  async create(ownerId: string, input: { name: string }): Promise<{ organization: Organization } | Failure> {
    const checked = checkOrganizationName(input.name);
    if ('error' in checked) return failure(checked.error);
    const now = this.now();
    const organization = await this.options.stores.transaction(async (tx) => {
      const created = await tx.organizations.insert({ name: checked.name, now });
      await tx.organizations.addMember({
        organizationId: created.id,
        userId: ownerId,
        role: 'OWNER',
        joinedAt: now,
      });
      return created;
    });
    return { organization };
  }

  /** Stores (or renews) the pending invitation and mails its link with a fresh token. */
  async invite(
    inviter: Inviter,
    organizationId: string,
    input: { email: string; role?: OrganizationRole | null },
  ): Promise<{ invitation: InvitationRecord } | Failure> {
    const email = normaliseEmail(input.email);
    const emailError = checkEmail(email);
    if (emailError) return failure(emailError);
    const role = input.role ?? 'MEMBER';
    const roleError = invitationRoleProblem(inviter.manager, role);
    if (roleError) return failure(roleError);
    const { stores } = this.options;
    const [organization, invitee] = await Promise.all([
      stores.organizations.byId(organizationId),
      stores.users.byEmail(email),
    ]);
    if (!organization) throw new Error(`organization ${organizationId} vanished after authorization`);
    if (invitee && (await stores.organizations.membership(organizationId, invitee.id)))
      return failure(organizationErrors.alreadyMember(['input', 'email']));

    const now = this.now();
    const token = generateRefreshToken();
    const invitation = await stores.invitations.upsertPending({
      organizationId,
      email,
      role,
      tokenHash: hashRefreshToken(token),
      invitedBy: inviter.userId,
      expiresAt: invitationExpiry(now),
      now,
    });
    const sender = inviter.userId ? await stores.users.byId(inviter.userId) : null;
    await this.mailInvitation(email, token, organization, sender, role);
    return { invitation };
  }

  /** Withdraws a pending (or expired) invitation; its link stops working. */
  async revokeInvitation(invitationId: string): Promise<{ invitation: InvitationRecord } | Failure> {
    const invitation = await this.options.stores.invitations.revoke(invitationId);
    return invitation ? { invitation } : failure(organizationErrors.invitationNotPending());
  }

  /** The invitation a link's token names; null for anything unknown or malformed. */
  async invitationByToken(token: string): Promise<InvitationRecord | null> {
    if (!isWellFormedRefreshToken(token)) return null;
    return this.options.stores.invitations.byTokenHash(hashRefreshToken(token));
  }

  /** The signed-in account `user` accepts: it must be the invited address and not yet a member. */
  async accept(user: User, token: string): Promise<{ member: OrganizationMembership } | Failure> {
    const invitation = await this.invitationByToken(token);
    if (!invitation) return failure(organizationErrors.invitationInvalid());
    const now = this.now();
    const problem = acceptanceProblem(invitation, user.email, now);
    if (problem) return failure(problem);
    return this.options.stores
      .transaction(async (tx) => {
        await tx.organizations.lock(invitation.organizationId);
        const member = await tx.organizations.addMember({
          organizationId: invitation.organizationId,
          userId: user.id,
          role: invitation.role,
          joinedAt: now,
        });
        if (!member) return failure(organizationErrors.alreadyMember(['input', 'token']));
        // The conditional update decides between two concurrent acceptances; the loser rolls back.
        if (!(await tx.invitations.accept(invitation.id, now))) throw new InvitationRaceLost();
        return { member };
      })
      .catch((error: unknown) => {
        if (error instanceof InvitationRaceLost) return failure(organizationErrors.invitationInvalid());
        throw error;
      });
  }

  /** Removes a member, or lets a person leave (`self`); never the last owner. */
  async removeMember(
    manager: MemberManager | null,
    organizationId: string,
    userId: string,
    self: boolean,
  ): Promise<{ removedUserId: string } | Failure> {
    return this.options.stores.transaction(async (tx) => {
      await tx.organizations.lock(organizationId);
      const target = await tx.organizations.membership(organizationId, userId);
      if (!target) return failure(organizationErrors.notMember());
      const ownerCount = await tx.organizations.ownerCount(organizationId);
      const problem = removalProblem({
        actor: manager ?? 'MANAGER',
        self,
        targetRole: target.role,
        ownerCount,
      });
      if (problem) return failure(problem);
      await tx.organizations.removeMember(organizationId, userId);
      return { removedUserId: userId };
    });
  }

  /** Gives a member another role (the caller is an owner); the last owner cannot step down. */
  async setRole(
    organizationId: string,
    userId: string,
    role: OrganizationRole,
  ): Promise<{ member: OrganizationMembership } | Failure> {
    return this.options.stores.transaction(async (tx) => {
      await tx.organizations.lock(organizationId);
      const target = await tx.organizations.membership(organizationId, userId);
      if (!target) return failure(organizationErrors.notMember());
      const ownerCount = await tx.organizations.ownerCount(organizationId);
      const problem = roleChangeProblem({ currentRole: target.role, newRole: role, ownerCount });
      if (problem) return failure(problem);
      const member = await tx.organizations.setRole(organizationId, userId, role);
      return member ? { member } : failure(organizationErrors.notMember());
    });
  }

  private async mailInvitation(
    email: string,
    token: string,
    organization: Organization,
    sender: User | null,
    role: OrganizationRole,
  ): Promise<void> {
    const link = `${this.options.webAppUrl.replace(/\/+$/, '')}/invitations/${token}`;
    const who = sender ? `${sender.displayName} invited you` : 'You are invited';
    await this.options.mailer.send({
      to: email,
      subject: `Join ${organization.name} on LearnCraft`,
      text: [
        'Hello,',
        '',
        `${who} to join ${organization.name} on LearnCraft as ${role.toLowerCase()}.`,
        `Open this link within ${INVITATION_TTL_DAYS} days, and sign in (or register) with this email address to accept:`,
        '',
        link,
        '',
        'If you did not expect this invitation, ignore this mail.',
      ].join('\n'),
    });
    this.options.logger.info('organization invitation mailed', { organizationId: organization.id });
  }
}

class InvitationRaceLost extends Error {}
