/** OrganizationMember fields: the account and the organization, through the request's loaders. */
import type { IdentityContext } from '../context';
import type { OrganizationMembership } from '../stores';

export const organizationMemberResolvers = {
  user: (member: OrganizationMembership, _args: unknown, { loaders }: IdentityContext) =>
    loaders.userById.load(member.userId),
  organization: (member: OrganizationMembership, _args: unknown, { loaders }: IdentityContext) =>
    loaders.organizationById.load(member.organizationId),
};
