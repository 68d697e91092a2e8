/**
 * Organizations across the graph: `authorizeOrganization` for keys and people, and the directory
 * over identity's `POST /internal/organization-members`, served here by a local double.
 */
import { z } from 'zod';
import {
  ORGANIZATION_MEMBERS_PATH,
  authorizeOrganization,
  createLogger,
  createOrganizationDirectory,
  internalJsonRoute,
  sendJson,
  type ApiKeyPrincipal,
  type OrganizationDirectory,
  type OrganizationMembership,
  type OrganizationRole,
  type Viewer,
} from '../src';
import { serveTestRoutes } from '../src/testing';

const SECRET = 'test-internal-secret-0123456789';
const silent = createLogger('kit-test', 'silent');

const person = (id: string, roles: Viewer['roles'] = ['LEARNER']): Viewer => ({ id, roles, expiresAt: 0 });
const key = (organizationId: string, scopes: ApiKeyPrincipal['scopes']): ApiKeyPrincipal => ({
  id: 'k1',
  organizationId,
  scopes,
});

/** A directory from a table, counting the questions it is asked. */
function tableDirectory(roles: Record<string, OrganizationRole>) {
  const asked: string[] = [];
  const directory: Pick<OrganizationDirectory, 'roleOf'> = {
    roleOf: (organizationId, userId) => {
      asked.push(`${organizationId}/${userId}`);
      return Promise.resolve(roles[`${organizationId}/${userId}`] ?? null);
    },
  };
  return { directory, asked };
}

const PROGRESS = { scope: 'progress:read', roles: ['OWNER', 'MANAGER'] } as const;

async function outcome(promise: Promise<void>) {
  try {
    await promise;
    return 'allowed';
  } catch (error) {
    const { message, extensions } = error as { message: string; extensions: { code: string } };
    return [extensions.code, message];
  }
}

describe('authorizeOrganization', () => {
  const { directory, asked } = tableDirectory({
    'org-a/u-owner': 'OWNER',
    'org-a/u-manager': 'MANAGER',
    'org-a/u-member': 'MEMBER',
  });
  beforeEach(() => void asked.splice(0));

  it('lets a key of the organization with the scope in, without asking the directory', async () => {
    const caller = { viewer: null, apiKey: key('org-a', ['progress:read']) };
    expect(await outcome(authorizeOrganization(caller, 'org-a', PROGRESS, directory))).toBe('allowed');
    expect(asked).toEqual([]);
  });

  it('refuses a key of another organization, whatever its scopes', async () => {
    const caller = { viewer: null, apiKey: key('org-b', ['progress:read']) };
    expect(await outcome(authorizeOrganization(caller, 'org-a', PROGRESS, directory))).toEqual([
      'FORBIDDEN',
      'This API key belongs to another organization.',
    ]);
  });

  it('refuses a key of the organization without the scope, naming it', async () => {
    const caller = { viewer: null, apiKey: key('org-a', ['members:read', 'catalog:read']) };
    await expect(authorizeOrganization(caller, 'org-a', PROGRESS, directory)).rejects.toMatchObject({
      message: 'This API key lacks the scope progress:read.',
      extensions: { code: 'FORBIDDEN', requiredScope: 'progress:read' },
    });
  });

  it('lets people with one of the roles in and refuses other members and outsiders', async () => {
    const as = (id: string) =>
      authorizeOrganization({ viewer: person(id), apiKey: null }, 'org-a', PROGRESS, directory);
    expect(await outcome(as('u-owner'))).toBe('allowed');
    expect(await outcome(as('u-manager'))).toBe('allowed');
    const refusal = ['FORBIDDEN', 'This needs one of the organization roles: OWNER, MANAGER.'];
    expect(await outcome(as('u-member'))).toEqual(refusal);
    expect(await outcome(as('u-stranger'))).toEqual(refusal);
    expect(asked).toEqual(['org-a/u-owner', 'org-a/u-manager', 'org-a/u-member', 'org-a/u-stranger']);
  });

  it('lets a platform ADMIN in without membership, and refuses anonymous callers as UNAUTHENTICATED', async () => {
    const admin = { viewer: person('u-admin', ['ADMIN']), apiKey: null };
    expect(await outcome(authorizeOrganization(admin, 'org-a', PROGRESS, directory))).toBe('allowed');
    expect(asked).toEqual([]);
    expect(
      await outcome(authorizeOrganization({ viewer: null, apiKey: null }, 'org-a', PROGRESS, directory)),
    ).toEqual(['UNAUTHENTICATED', 'You must be signed in to do this.']);
  });
});

describe('createOrganizationDirectory over identity’s internal route', () => {
  const MEMBERS: Record<string, OrganizationMembership[]> = {
    'org-a': [
      { userId: 'u-owner', role: 'OWNER', joinedAt: '2026-01-01T00:00:00.000Z' },
      { userId: 'u-member', role: 'MEMBER', joinedAt: '2026-02-01T00:00:00.000Z' },
    ],
  };
  const bodies: unknown[] = [];
  let identity: { url: string; close(): Promise<void> };
  let answer: 'members' | 'broken' | 'down' = 'members';

  beforeAll(async () => {
    identity = await serveTestRoutes({
      [`POST ${ORGANIZATION_MEMBERS_PATH}`]: internalJsonRoute(
        {
          secret: SECRET,
          schema: z.object({ organizationId: z.string(), userId: z.string().optional() }),
          shape: '{"organizationId", "userId"?}',
        },
        (body, res) => {
          bodies.push(body);
          if (answer === 'down') return Promise.resolve(sendJson(res, 503, { error: 'DOWN' }));
          if (answer === 'broken') return Promise.resolve(sendJson(res, 200, { members: [{ userId: 1 }] }));
          const members = (MEMBERS[body.organizationId] ?? []).filter(
            (member) => body.userId === undefined || member.userId === body.userId,
          );
          return Promise.resolve(sendJson(res, 200, { members }));
        },
      ),
    });
  });
  afterAll(() => identity?.close());
  beforeEach(() => {
    bodies.splice(0);
    answer = 'members';
  });

  const directory = (secret = SECRET) =>
    createOrganizationDirectory({ service: 'identity', baseUrl: identity.url, secret, logger: silent });

  it('lists an organization’s members oldest first, and none for an unknown one', async () => {
    expect(await directory().members('org-a')).toEqual(MEMBERS['org-a']);
    expect(await directory().members('org-none')).toEqual([]);
    expect(bodies).toEqual([{ organizationId: 'org-a' }, { organizationId: 'org-none' }]);
  });

  it('tells one user’s role, or null when they are not a member', async () => {
    expect(await directory().roleOf('org-a', 'u-member')).toBe('MEMBER');
    expect(await directory().roleOf('org-a', 'u-gone')).toBeNull();
    expect(bodies).toEqual([
      { organizationId: 'org-a', userId: 'u-member' },
      { organizationId: 'org-a', userId: 'u-gone' },
    ]);
  });

  it('serves authorizeOrganization end to end', async () => {
    const owner = { viewer: person('u-owner'), apiKey: null };
    const member = { viewer: person('u-member'), apiKey: null };
    expect(await outcome(authorizeOrganization(owner, 'org-a', PROGRESS, directory()))).toBe('allowed');
    expect((await outcome(authorizeOrganization(member, 'org-a', PROGRESS, directory())))[0]).toBe(
      'FORBIDDEN',
    );
  });

  it('throws naming the service and route when identity refuses, fails or answers a wrong shape', async () => {
    await expect(directory('wrong-secret-0123456789').members('org-a')).rejects.toThrow(
      `identity answered POST ${ORGANIZATION_MEMBERS_PATH} with HTTP 403`,
    );
    answer = 'down';
    await expect(directory().roleOf('org-a', 'u-owner')).rejects.toThrow(
      `identity answered POST ${ORGANIZATION_MEMBERS_PATH} with HTTP 503`,
    );
    answer = 'broken';
    await expect(directory().members('org-a')).rejects.toThrow(
      `identity answered POST ${ORGANIZATION_MEMBERS_PATH} with an unexpected shape`,
    );
  });
});
