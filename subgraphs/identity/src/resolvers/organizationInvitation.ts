/** OrganizationInvitation fields and Query.organizationInvitation (whoever holds the link's token sees it). */
import type { IdentityContext } from '../context';
import { invitationStatus } from '../domain/organizations';
import type { InvitationRecord } from '../stores';

export function organizationInvitationQuery(
  _root: unknown,
  { token }: { token: string },
  { organizations }: IdentityContext,
) {
  return organizations.invitationByToken(token);
}

export const organizationInvitationResolvers = {
  organization: (invitation: InvitationRecord, _args: unknown, { loaders }: IdentityContext) =>
    loaders.organizationById.load(invitation.organizationId),
  status: (invitation: InvitationRecord, _args: unknown, { organizations }: IdentityContext) =>
    invitationStatus(invitation, organizations.now()),
  invitedBy: (invitation: InvitationRecord, _args: unknown, { loaders }: IdentityContext) =>
    invitation.invitedBy ? loaders.userById.load(invitation.invitedBy) : null,
};
