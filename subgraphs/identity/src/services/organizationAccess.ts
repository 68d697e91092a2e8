/**
 * Who may act on an organization, decided once for every resolver: people by their role there,
 * the platform's ADMINs for reading, and API keys of the organization by scope. A key of another
 * organization is FORBIDDEN (ids are not secrets). API keys never manage API keys.
 */
import {
  forbidden,
  hasRole,
  requireApiKeyScope,
  unauthenticated,
  type ApiKeyScopeName,
  type OrganizationRole,
} from '@learncraft/kit';
import type { IdentityContext } from '../context';
import type { MemberManager } from '../domain/organizations';

export interface OrganizationNeed {
  /** The scope a key of the organization needs; null when keys may not do this at all. */
  scope: ApiKeyScopeName | null;
  /** The organization roles a person needs. */
  roles: readonly OrganizationRole[];
}

export type OrganizationActor =
  { kind: 'apiKey'; apiKeyId: string } | { kind: 'person'; userId: string; role: OrganizationRole };

type Caller = Pick<IdentityContext, 'viewer' | 'apiKey' | 'loaders'>;

/** The viewer's role in the organization (null for keys, the anonymous and non-members). */
export async function viewerRole(caller: Caller, organizationId: string): Promise<OrganizationRole | null> {
  if (!caller.viewer) return null;
  const membership = await caller.loaders.membership.load({ organizationId, userId: caller.viewer.id });
  return membership?.role ?? null;
}

function checkKey(
  caller: Caller,
  organizationId: string,
  scope: ApiKeyScopeName | null,
): OrganizationActor | null {
  if (!caller.apiKey) return null;
  if (caller.apiKey.organizationId !== organizationId)
    throw forbidden('This API key belongs to another organization.');
  if (!scope) throw forbidden('API keys cannot do this; it needs an organization owner.');
  requireApiKeyScope(caller.apiKey, scope);
  return { kind: 'apiKey', apiKeyId: caller.apiKey.id };
}

function forbiddenRoles(roles: readonly OrganizationRole[]) {
  return forbidden(`This needs one of the organization roles: ${roles.join(', ')}.`);
}

/** Lets a reader through (platform ADMINs too) or throws UNAUTHENTICATED / FORBIDDEN. */
export async function authorizeOrganizationRead(
  caller: Caller,
  organizationId: string,
  need: OrganizationNeed,
): Promise<void> {
  if (checkKey(caller, organizationId, need.scope)) return;
  if (!caller.viewer) throw unauthenticated();
  if (hasRole(caller.viewer, 'ADMIN')) return;
  const role = await viewerRole(caller, organizationId);
  if (!role || !need.roles.includes(role)) throw forbiddenRoles(need.roles);
}

/** Who changes something in the organization; platform ADMINs get no write access from their role. */
export async function authorizeOrganizationWrite(
  caller: Caller,
  organizationId: string,
  need: OrganizationNeed,
): Promise<OrganizationActor> {
  const key = checkKey(caller, organizationId, need.scope);
  if (key) return key;
  if (!caller.viewer) throw unauthenticated();
  const role = await viewerRole(caller, organizationId);
  if (!role || !need.roles.includes(role)) throw forbiddenRoles(need.roles);
  return { kind: 'person', userId: caller.viewer.id, role };
}

/** The actor as the domain's role rules see it (a key counts as a manager). */
export function asMemberManager(actor: OrganizationActor): MemberManager {
  return actor.kind === 'apiKey' ? 'API_KEY' : actor.role === 'OWNER' ? 'OWNER' : 'MANAGER';
}

/** Owners only (keys never; platform ADMINs neither): API keys and roles. */
export async function authorizeOrganizationOwner(
  caller: Caller,
  organizationId: string,
): Promise<{ userId: string }> {
  if (caller.apiKey) checkKey(caller, organizationId, null);
  if (!caller.viewer) throw unauthenticated();
  const role = await viewerRole(caller, organizationId);
  if (role !== 'OWNER') throw forbiddenRoles(['OWNER']);
  return { userId: caller.viewer.id };
}
