/** Per-request DataLoaders: one SQL query per batch of ids (users, organizations, memberships, keys). */
import { groupedLoader, keyedLoader, pagedLoader, type OrganizationRole } from '@learncraft/kit';
import type { IdentityStores } from './stores';

const pairKey = (pair: { organizationId: string; userId: string }) => `${pair.organizationId}:${pair.userId}`;

/** One loader per role filter (null: every role), made on first use and dropped by `clearAll`. */
function perRole<T>(make: (role: OrganizationRole | null) => T) {
  const made = new Map<OrganizationRole | null, T>();
  return {
    of(role: OrganizationRole | null): T {
      const existing = made.get(role);
      if (existing) return existing;
      const loader = make(role);
      made.set(role, loader);
      return loader;
    },
    clearAll: () => made.clear(),
  };
}

export function createLoaders(stores: IdentityStores) {
  return {
    userById: keyedLoader(
      (ids: readonly string[]) => stores.users.byIds(ids),
      (user) => user.id,
    ),
    organizationById: keyedLoader(
      (ids: readonly string[]) => stores.organizations.byIds(ids),
      (organization) => organization.id,
    ),
    /** One person's membership of one organization (null when not a member). */
    membership: keyedLoader(
      (pairs: readonly { organizationId: string; userId: string }[]) =>
        stores.organizations.memberships(pairs),
      (membership) => ({ organizationId: membership.organizationId, userId: membership.userId }),
      { cacheKey: pairKey },
    ),
    /** How many members (of a role) an organization has; `.of(null)` counts everyone. */
    memberCount: perRole((role) =>
      keyedLoader(
        (ids: readonly string[]) => stores.organizations.memberTotals(ids, { role }),
        (row) => row.organizationId,
      ),
    ),
    /** A page of an organization's members (of a role): one query per (role, first, after). */
    membersPage: perRole((role) =>
      pagedLoader(
        (ids, page) => stores.organizations.membersPages(ids, { role }, page),
        (member) => member.organizationId,
      ),
    ),
    membershipsByUser: groupedLoader(
      (ids: readonly string[]) => stores.organizations.membershipsOfUsers(ids),
      (membership) => membership.userId,
    ),
    apiKeyById: keyedLoader(
      (ids: readonly string[]) => stores.apiKeys.byIds(ids),
      (apiKey) => apiKey.id,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof createLoaders>;

/** After a mutation changed memberships, so the payload reads them fresh. */
export function forgetMemberships(loaders: IdentityLoaders): void {
  loaders.membership.clearAll();
  loaders.memberCount.clearAll();
  loaders.membershipsByUser.clearAll();
  loaders.membersPage.clearAll();
}
