/**
 * Test plumbing for organizations, invitations and API keys: a mailer that keeps what it sends,
 * the GraphQL documents, and helpers that go through the real mutations and internal routes.
 */
import { internalRequest } from '@learncraft/kit';
import type { Mail, Mailer } from '../src/mail';
import { register, type TestIdentity } from './helpers';

export const INTERNAL_SECRET = 'internal-secret-for-tests-0123456789';

/** Keeps every mail in memory; `lastTo` finds the newest one to an address. */
export function recordingMailer() {
  const mails: Mail[] = [];
  const mailer: Mailer & { mails: Mail[]; lastTo(email: string): Mail | undefined } = {
    mails,
    send: (mail) => {
      mails.push(mail);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
    lastTo: (email) => mails.filter((mail) => mail.to === email).at(-1),
  };
  return mailer;
}

/** The token of the invitation link in a mail (`<WEB_APP_URL>/invitations/<token>`). */
export function invitationTokenIn(mail: Mail | undefined): string {
  const match = /\/invitations\/([A-Za-z0-9_-]{43})$/m.exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error(`no invitation link in ${JSON.stringify(mail)}`);
  return match[1];
}

export const ERRORS = 'userErrors { code message field }';
export const MEMBER_FIELDS = 'role joinedAt user { id } organization { id name }';
export const INVITATION_FIELDS =
  'id email role status createdAt expiresAt acceptedAt invitedBy { id } organization { id name }';
export const API_KEY_FIELDS =
  'id name prefix scopes createdAt lastUsedAt expiresAt revokedAt createdBy { id } organization { id }';

export const CREATE_ORGANIZATION = `
  mutation ($input: OrganizationCreateInput!) {
    organizationCreate(input: $input) {
      organization { id name createdAt viewerRole memberCount members { totalCount edges { node { ${MEMBER_FIELDS} } } } }
      ${ERRORS}
    }
  }
`;
export const INVITE = `
  mutation ($input: OrganizationMemberInviteInput!) {
    organizationMemberInvite(input: $input) { invitation { ${INVITATION_FIELDS} } ${ERRORS} }
  }
`;
export const ACCEPT = `
  mutation ($input: OrganizationInvitationAcceptInput!) {
    organizationInvitationAccept(input: $input) { member { ${MEMBER_FIELDS} } ${ERRORS} }
  }
`;
export const REVOKE_INVITATION = `
  mutation ($input: OrganizationInvitationRevokeInput!) {
    organizationInvitationRevoke(input: $input) { invitation { id status } ${ERRORS} }
  }
`;
export const REMOVE_MEMBER = `
  mutation ($input: OrganizationMemberRemoveInput!) {
    organizationMemberRemove(input: $input) { removedUser { id } ${ERRORS} }
  }
`;
export const SET_ROLE = `
  mutation ($input: OrganizationMemberRoleSetInput!) {
    organizationMemberRoleSet(input: $input) { member { ${MEMBER_FIELDS} } ${ERRORS} }
  }
`;
export const CREATE_KEY = `
  mutation ($input: ApiKeyCreateInput!) {
    apiKeyCreate(input: $input) { apiKey { ${API_KEY_FIELDS} } secret ${ERRORS} }
  }
`;
export const ROTATE_KEY = `
  mutation ($input: ApiKeyRotateInput!) {
    apiKeyRotate(input: $input) {
      apiKey { ${API_KEY_FIELDS} } secret previousApiKey { id revokedAt } ${ERRORS}
    }
  }
`;
export const REVOKE_KEY = `
  mutation ($input: ApiKeyRevokeInput!) {
    apiKeyRevoke(input: $input) { apiKey { id revokedAt } ${ERRORS} }
  }
`;
export const ORGANIZATION = `
  query ($id: ID!) {
    organization(id: $id) { id name viewerRole memberCount }
  }
`;
export const MEMBERS = `
  query ($id: ID!, $role: OrganizationRole) {
    organization(id: $id) { members(role: $role) { totalCount edges { node { role user { id } } } } }
  }
`;

export interface Person {
  id: string;
  email: string;
  token: string;
}

export async function person(identity: TestIdentity): Promise<Person> {
  const { user, session } = await register(identity);
  return { id: user.id, email: user.email, token: session.accessToken };
}

/** A new organization owned by `owner`; returns its id. */
export async function createOrganization(identity: TestIdentity, owner: Person, name = 'Northwind Academy') {
  const response = await identity.gql(CREATE_ORGANIZATION, { input: { name } }, owner.token);
  const id = response.body.data?.organizationCreate?.organization?.id as string | undefined;
  if (!id) throw new Error(`organizationCreate failed: ${JSON.stringify(response.body)}`);
  return id;
}

/** Invites a new account with `role` (as `inviter`) and accepts the mailed link as that account. */
export async function addMember(
  identity: TestIdentity,
  mailer: ReturnType<typeof recordingMailer>,
  organizationId: string,
  inviter: Person,
  role: 'OWNER' | 'MANAGER' | 'MEMBER' = 'MEMBER',
): Promise<Person> {
  const member = await person(identity);
  const invited = await identity.gql(
    INVITE,
    { input: { organizationId, email: member.email, role } },
    inviter.token,
  );
  if (invited.body.data?.organizationMemberInvite?.userErrors?.length !== 0)
    throw new Error(`invite failed: ${JSON.stringify(invited.body)}`);
  const token = invitationTokenIn(mailer.lastTo(member.email));
  const accepted = await identity.gql(ACCEPT, { input: { token } }, member.token);
  if (!accepted.body.data?.organizationInvitationAccept?.member)
    throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return member;
}

/** Creates a key as `owner` and returns its id and secret. */
export async function createKey(
  identity: TestIdentity,
  owner: Person,
  organizationId: string,
  scopes: string[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; secret: string }> {
  const response = await identity.gql(
    CREATE_KEY,
    { input: { organizationId, name: 'HR sync', scopes, ...extra } },
    owner.token,
  );
  const payload = response.body.data?.apiKeyCreate;
  if (!payload?.secret) throw new Error(`apiKeyCreate failed: ${JSON.stringify(response.body)}`);
  return { id: payload.apiKey.id, secret: payload.secret };
}

/** POST /internal/api-keys/exchange with the internal secret. */
export function exchange(identity: TestIdentity, body: unknown, secret = INTERNAL_SECRET) {
  return internalRequest(new URL('/internal/api-keys/exchange', identity.server.url).toString(), secret, {
    method: 'POST',
    body,
  });
}

/** The access token a key is exchanged for (throws when the exchange refuses it). */
export async function keyToken(identity: TestIdentity, secret: string): Promise<string> {
  const answer = await exchange(identity, { key: secret });
  if (answer.status !== 200) throw new Error(`exchange failed: ${JSON.stringify(answer)}`);
  return (answer.body as { accessToken: string }).accessToken;
}

/** POST /internal/organization-members. */
export async function directory(identity: TestIdentity, body: unknown, secret = INTERNAL_SECRET) {
  return internalRequest(new URL('/internal/organization-members', identity.server.url).toString(), secret, {
    method: 'POST',
    body,
  });
}
