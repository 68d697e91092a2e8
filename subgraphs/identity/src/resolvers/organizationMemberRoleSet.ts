/** Mutation.organizationMemberRoleSet: owners change a member's role; the last owner cannot step down. */
import type { OrganizationRole } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { forgetMemberships } from '../loaders';
import { authorizeOrganizationOwner } from '../services/organizationAccess';

interface Args {
  input: { organizationId: string; userId: string; role: OrganizationRole };
}

export async function organizationMemberRoleSet(_root: unknown, { input }: Args, ctx: IdentityContext) {
  await authorizeOrganizationOwner(ctx, input.organizationId);
  const result = await ctx.organizations.setRole(input.organizationId, input.userId, input.role);
  if ('userErrors' in result) return { member: null, userErrors: result.userErrors };
  forgetMemberships(ctx.loaders);
  return { member: result.member, userErrors: [] };
}
