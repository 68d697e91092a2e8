/**
 * The port webhooks need from identity's organizations: which organizations a user belongs to
 * (events fan out to them) and a user's role in one (authorization). `organizationAccessOf` puts
 * the organization store behind it.
 */
import type { OrganizationRole } from '@learncraft/kit';
import type { OrganizationStore } from '../stores/organizationStore';

export interface OrganizationAccess {
  /** Every organization the user is a member of now, with the role there. */
  organizationsOf(userId: string): Promise<{ organizationId: string; role: OrganizationRole }[]>;
  /** The user's role in the organization; null when not a member. */
  roleOf(organizationId: string, userId: string): Promise<OrganizationRole | null>;
}

/** The port over identity's organization store. */
export function organizationAccessOf(store: OrganizationStore): OrganizationAccess {
  return {
    organizationsOf: async (userId) =>
      (await store.membershipsOfUsers([userId])).map(({ organizationId, role }) => ({
        organizationId,
        role,
      })),
    roleOf: async (organizationId, userId) => (await store.membership(organizationId, userId))?.role ?? null,
  };
}
