/** Mutation.organizationInvitationRevoke: withdraw a pending invitation (owners, managers, `members:write` keys). */
import { notFound } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { authorizeOrganizationWrite } from '../services/organizationAccess';

export async function organizationInvitationRevoke(
  _root: unknown,
  { input }: { input: { invitationId: string } },
  ctx: IdentityContext,
) {
  const invitation = await ctx.stores.invitations.byId(input.invitationId);
  if (!invitation) throw notFound('OrganizationInvitation', input.invitationId);
  await authorizeOrganizationWrite(ctx, invitation.organizationId, {
    scope: 'members:write',
    roles: ['OWNER', 'MANAGER'],
  });
  const result = await ctx.organizations.revokeInvitation(invitation.id);
  if ('userErrors' in result) return { invitation: null, userErrors: result.userErrors };
  return { invitation: result.invitation, userErrors: [] };
}
