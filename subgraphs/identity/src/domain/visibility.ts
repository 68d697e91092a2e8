/** Who may see which parts of a user account. */
import { hasRole, type ApiKeyPrincipal, type Viewer } from '@learncraft/kit';

/** An email address is personal: only its owner and administrators see it. */
export function canSeeEmail(viewer: Viewer | null, userId: string): boolean {
  return viewer?.id === userId || hasRole(viewer, 'ADMIN');
}

/** Who reads a member's email on an organization's behalf. */
export interface OrganizationReader {
  apiKey: ApiKeyPrincipal | null;
  /** The organizations the signed-in reader is an OWNER or MANAGER of. */
  managedOrganizationIds: readonly string[];
}

/**
 * An organization sees its members' emails (its people are matched to its own records by them):
 * its owners and managers, and its API keys with `members:read` or `progress:read`. Nobody sees
 * the email of someone outside their organizations.
 */
export function organizationSeesEmail(reader: OrganizationReader, memberOf: readonly string[]): boolean {
  if (reader.apiKey) {
    const { scopes, organizationId } = reader.apiKey;
    return (
      (scopes.includes('members:read') || scopes.includes('progress:read')) &&
      memberOf.includes(organizationId)
    );
  }
  return memberOf.some((id) => reader.managedOrganizationIds.includes(id));
}
