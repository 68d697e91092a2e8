/** User fields and the federation entry point for references from other subgraphs. */
import type { IdentityContext } from '../context';
import { canSeeEmail, organizationSeesEmail } from '../domain/visibility';
import type { User } from '../stores';

/** A User as resolvers pass it on; `provenOwner` marks the account a session mutation just signed in. */
export type UserParent = User & { provenOwner?: boolean };

export const userResolvers = {
  __resolveReference: (reference: { id: string }, { loaders }: IdentityContext) =>
    loaders.userById.load(reference.id),
  async email(user: UserParent, _args: unknown, { viewer, apiKey, loaders }: IdentityContext) {
    if (user.provenOwner || canSeeEmail(viewer, user.id)) return user.email;
    if (!viewer && !apiKey) return null;
    const memberOf = (await loaders.membershipsByUser.load(user.id)).map((m) => m.organizationId);
    if (memberOf.length === 0) return null;
    const managed = viewer ? await loaders.membershipsByUser.load(viewer.id) : [];
    const managedOrganizationIds = managed.filter((m) => m.role !== 'MEMBER').map((m) => m.organizationId);
    return organizationSeesEmail({ apiKey, managedOrganizationIds }, memberOf) ? user.email : null;
  },
  organizationMemberships: (user: UserParent, _args: unknown, { viewer, loaders }: IdentityContext) =>
    viewer?.id === user.id ? loaders.membershipsByUser.load(user.id) : [],
  organizationInvitations: (
    user: UserParent,
    _args: unknown,
    { viewer, stores, organizations }: IdentityContext,
  ) => (viewer?.id === user.id ? stores.invitations.pendingForEmails([user.email], organizations.now()) : []),
};
