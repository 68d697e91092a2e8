/**
 * Organizations across the graph: identity owns them and their members; other subgraphs ask it
 * who belongs to one (progress lists members' enrollments, commerce hands out seats) and
 * authorize a caller on an organization's data through `authorizeOrganization`: a person by their
 * role there, an API key by its organization and scopes. No answer is cached across requests, so a
 * removed member or manager loses access on their next request.
 *
 * Contract (identity serves it, everyone else calls it):
 *   POST /internal/organization-members  {"organizationId": string, "userId"?: string}
 *   200 {"members": [{"userId", "role": "OWNER" | "MANAGER" | "MEMBER", "joinedAt": ISO string}]}
 *       oldest first; only that user's membership (or none) when `userId` is given; at most
 *       10 000 members; an unknown organization has none.
 */
import { z } from 'zod';
import { hasRole, requireApiKeyScope, type ApiKeyScopeName } from './auth';
import { forbidden, unauthenticated } from './errors';
import { postInternal, type InternalCallOptions } from './internal';
import type { RequestBase } from './server';

export const ORGANIZATION_ROLES = ['OWNER', 'MANAGER', 'MEMBER'] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

export const ORGANIZATION_MEMBERS_PATH = '/internal/organization-members';
/** The most members one answer lists. */
export const MAX_LISTED_MEMBERS = 10_000;

export interface OrganizationMembership {
  userId: string;
  role: OrganizationRole;
  joinedAt: string;
}

export interface OrganizationDirectory {
  /** The user's role in the organization; null when they are not a member. */
  roleOf(organizationId: string, userId: string): Promise<OrganizationRole | null>;
  /** The organization's members, oldest first (at most MAX_LISTED_MEMBERS). */
  members(organizationId: string): Promise<OrganizationMembership[]>;
}

const membersAnswer = z.object({
  members: z.array(z.object({ userId: z.string(), role: z.enum(ORGANIZATION_ROLES), joinedAt: z.string() })),
});

/** The directory over identity's internal route (`options.service` is usually `identity`). */
export function createOrganizationDirectory(options: InternalCallOptions): OrganizationDirectory {
  const ask = async (body: { organizationId: string; userId?: string }) =>
    (await postInternal(options, ORGANIZATION_MEMBERS_PATH, body, membersAnswer)).members;
  return {
    async roleOf(organizationId, userId) {
      const [membership] = await ask({ organizationId, userId });
      return membership?.role ?? null;
    },
    members: (organizationId) => ask({ organizationId }),
  };
}

export interface OrganizationNeed {
  /** The scope an API key needs (its organization must be this one too). */
  scope: ApiKeyScopeName;
  /** The roles a person needs in the organization (platform ADMINs always pass). */
  roles: readonly OrganizationRole[];
}

/**
 * Lets the caller at an organization's data or throws: UNAUTHENTICATED when anonymous, FORBIDDEN
 * for a key of another organization or without the scope, or a person without one of the roles.
 * A key of another organization is told FORBIDDEN, not NOT_FOUND: ids are not secrets here.
 */
export async function authorizeOrganization(
  caller: Pick<RequestBase, 'viewer' | 'apiKey'>,
  organizationId: string,
  need: OrganizationNeed,
  directory: Pick<OrganizationDirectory, 'roleOf'>,
): Promise<void> {
  if (caller.apiKey) {
    if (caller.apiKey.organizationId !== organizationId)
      throw forbidden('This API key belongs to another organization.');
    requireApiKeyScope(caller.apiKey, need.scope);
    return;
  }
  if (!caller.viewer) throw unauthenticated();
  if (hasRole(caller.viewer, 'ADMIN')) return;
  const role = await directory.roleOf(organizationId, caller.viewer.id);
  if (!role || !need.roles.includes(role))
    throw forbidden(`This needs one of the organization roles: ${need.roles.join(', ')}.`);
}
