/** Mutation.organizationInvitationAccept: the signed-in, invited account joins with the invitation's role. */
import { requireViewer, unauthenticated } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { forgetMemberships } from '../loaders';

export async function organizationInvitationAccept(
  _root: unknown,
  { input }: { input: { token: string } },
  ctx: IdentityContext,
) {
  const user = await ctx.loaders.userById.load(requireViewer(ctx.viewer).id);
  if (!user) throw unauthenticated();
  const result = await ctx.organizations.accept(user, input.token);
  if ('userErrors' in result) return { member: null, userErrors: result.userErrors };
  forgetMemberships(ctx.loaders);
  return { member: result.member, userErrors: [] };
}
