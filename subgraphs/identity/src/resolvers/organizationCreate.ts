/** Mutation.organizationCreate: the signed-in account creates an organization and becomes its OWNER. */
import { requireViewer } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import { forgetMemberships } from '../loaders';

export async function organizationCreate(
  _root: unknown,
  { input }: { input: { name: string } },
  ctx: IdentityContext,
) {
  const viewer = requireViewer(ctx.viewer);
  const result = await ctx.organizations.create(viewer.id, input);
  if ('userErrors' in result) return { organization: null, userErrors: result.userErrors };
  forgetMemberships(ctx.loaders);
  return { organization: result.organization, userErrors: [] };
}
