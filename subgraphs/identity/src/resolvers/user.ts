/** User fields and the federation entry point for references from other subgraphs. */
import type { IdentityContext } from '../context';
import { canSeeEmail } from '../domain/visibility';
import type { User } from '../stores';

/** A User as resolvers pass it on; `provenOwner` marks the account a session mutation just signed in. */
export type UserParent = User & { provenOwner?: boolean };

export const userResolvers = {
  __resolveReference: (reference: { id: string }, { loaders }: IdentityContext) =>
    loaders.userById.load(reference.id),
  email: (user: UserParent, _args: unknown, { viewer }: IdentityContext) =>
    user.provenOwner || canSeeEmail(viewer, user.id) ? user.email : null,
};
