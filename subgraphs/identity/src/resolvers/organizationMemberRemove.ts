/** Mutation.organizationMemberRemove: remove a member (owners, managers, `members:write` keys), or leave. */
import type { IdentityContext } from '../context';
import { forgetMemberships } from '../loaders';
import { asMemberManager, authorizeOrganizationWrite } from '../services/organizationAccess';

export async function organizationMemberRemove(
  _root: unknown,
  { input }: { input: { organizationId: string; userId: string } },
  ctx: IdentityContext,
) {
  const self = ctx.viewer?.id === input.userId;
  const actor = await authorizeOrganizationWrite(ctx, input.organizationId, {
    scope: 'members:write',
    roles: self ? ['OWNER', 'MANAGER', 'MEMBER'] : ['OWNER', 'MANAGER'],
  });
  const result = await ctx.organizations.removeMember(
    asMemberManager(actor),
    input.organizationId,
    input.userId,
    self,
  );
  if ('userErrors' in result) return { removedUser: null, userErrors: result.userErrors };
  forgetMemberships(ctx.loaders);
  return { removedUser: await ctx.loaders.userById.load(result.removedUserId), userErrors: [] };
}
