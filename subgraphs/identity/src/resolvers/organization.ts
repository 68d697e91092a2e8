/** Organization fields and Query.organization: the org is visible to members, ADMINs and its own keys. */
import { forbidden, hasRole, pageRequest, toConnection, type OrganizationRole } from '@learncraft/kit';
import type { IdentityContext } from '../context';
import type { InvitationStatus } from '../domain/organizations';
import { authorizeOrganizationRead, viewerRole } from '../services/organizationAccess';
import type { Organization } from '../stores';

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

const PEOPLE_READERS = { scope: 'members:read', roles: ['OWNER', 'MANAGER'] } as const;

export async function organizationQuery(_root: unknown, { id }: { id: string }, ctx: IdentityContext) {
  if (ctx.apiKey) {
    // Any key of the organization sees it (its fields ask for their own scopes); others are refused.
    if (ctx.apiKey.organizationId !== id) throw forbidden('This API key belongs to another organization.');
  } else if (!ctx.viewer || (!hasRole(ctx.viewer, 'ADMIN') && !(await viewerRole(ctx, id)))) return null;
  return ctx.loaders.organizationById.load(id);
}

export const organizationResolvers = {
  __resolveReference: (reference: { id: string }, { loaders }: IdentityContext) =>
    loaders.organizationById.load(reference.id),
  viewerRole: (organization: Organization, _args: unknown, ctx: IdentityContext) =>
    viewerRole(ctx, organization.id),
  memberCount: async (organization: Organization, _args: unknown, { loaders }: IdentityContext) =>
    (await loaders.memberCount.of(null).load(organization.id))?.count ?? 0,
  async members(
    organization: Organization,
    args: PageArgs & { role?: OrganizationRole | null },
    ctx: IdentityContext,
  ) {
    await authorizeOrganizationRead(ctx, organization.id, PEOPLE_READERS);
    const page = pageRequest(args);
    const role = args.role ?? null;
    const [members, total] = await Promise.all([
      ctx.loaders.membersPage.of(role).load({ ownerId: organization.id, page }),
      ctx.loaders.memberCount.of(role).load(organization.id),
    ]);
    return toConnection(members, total?.count ?? 0, page);
  },
  async invitations(
    organization: Organization,
    args: PageArgs & { status?: InvitationStatus | null },
    ctx: IdentityContext,
  ) {
    await authorizeOrganizationRead(ctx, organization.id, PEOPLE_READERS);
    const page = pageRequest(args);
    const filter = { status: args.status, now: ctx.organizations.now() };
    const { invitations, totalCount } = await ctx.stores.invitations.page(organization.id, filter, page);
    return toConnection(invitations, totalCount, page);
  },
  async apiKeys(organization: Organization, args: PageArgs, ctx: IdentityContext) {
    await authorizeOrganizationRead(ctx, organization.id, { scope: null, roles: ['OWNER'] });
    const page = pageRequest(args);
    const { keys, totalCount } = await ctx.stores.apiKeys.page(organization.id, page);
    return toConnection(keys, totalCount, page);
  },
};
