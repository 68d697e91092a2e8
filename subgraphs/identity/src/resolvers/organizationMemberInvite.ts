/** Mutation.organizationMemberInvite: owners, managers and `members:write` keys invite by email. */
import type { OrganizationRole } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { asMemberManager, authorizeOrganizationWrite } from '../services/organizationAccess';

interface Args {
  input: { organizationId: string; email: string; role?: OrganizationRole | null };
}

export async function organizationMemberInvite(_root: unknown, { input }: Args, ctx: IdentityContext) {
  const actor = await authorizeOrganizationWrite(ctx, input.organizationId, {
    scope: 'members:write',
    roles: ['OWNER', 'MANAGER'],
  });
  const inviter = { manager: asMemberManager(actor), userId: actor.kind === 'person' ? actor.userId : null };
  const result = await ctx.organizations.invite(inviter, input.organizationId, input);
  if ('userErrors' in result) return { invitation: null, userErrors: result.userErrors };
  return { invitation: result.invitation, userErrors: [] };
}
