import { authorizeOrganization, createLogger, createOrganizationDirectory } from '@learncraft/kit';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { startTestIdentity, type TestIdentity } from './helpers';
import {
  CREATE_ORGANIZATION,
  INTERNAL_SECRET,
  MEMBERS,
  ORGANIZATION,
  REMOVE_MEMBER,
  SET_ROLE,
  addMember,
  createKey,
  createOrganization,
  directory,
  keyToken,
  person,
  recordingMailer,
  type Person,
} from './partners';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const LAST_OWNER = {
  code: 'LAST_OWNER',
  message: 'An organization needs an owner: make someone else an owner first.',
  field: ['input', 'userId'],
};

describe.each(DATABASE_FLAVOURS)('organizations over HTTP on %s', (flavour) => {
  let identity: TestIdentity;
  const mailer = recordingMailer();
  beforeAll(async () => {
    identity = await startTestIdentity({ flavour, mailer, env: { INTERNAL_API_SECRET: INTERNAL_SECRET } });
  });
  afterAll(() => identity.dispose());

  const removeMember = async (organizationId: string, userId: string, as: Person): Promise<any> =>
    (await identity.gql(REMOVE_MEMBER, { input: { organizationId, userId } }, as.token)).body;
  const setRole = async (organizationId: string, userId: string, role: string, as: Person): Promise<any> =>
    (await identity.gql(SET_ROLE, { input: { organizationId, userId, role } }, as.token)).body;

  it('a signed-in account creates an organization, trimmed, and is its only OWNER', async () => {
    const owner = await person(identity);
    const response = await identity.gql(
      CREATE_ORGANIZATION,
      { input: { name: '  Northwind Academy ' } },
      owner.token,
    );
    const { organization, userErrors } = response.body.data!.organizationCreate;
    expect(userErrors).toEqual([]);
    expect(organization).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Northwind Academy',
      createdAt: expect.stringMatching(ISO),
      viewerRole: 'OWNER',
      memberCount: 1,
      members: {
        totalCount: 1,
        edges: [
          {
            node: {
              role: 'OWNER',
              joinedAt: organization.createdAt,
              user: { id: owner.id },
              organization: { id: organization.id, name: 'Northwind Academy' },
            },
          },
        ],
      },
    });
  });

  it('refuses a name of 81 characters or with a line break with INVALID_NAME and creates nothing', async () => {
    const owner = await person(identity);
    for (const name of ['x'.repeat(81), 'North\nwind']) {
      const response = await identity.gql(CREATE_ORGANIZATION, { input: { name } }, owner.token);
      expect(response.body.data!.organizationCreate.organization).toBeNull();
      expect(response.body.data!.organizationCreate.userErrors).toEqual([
        expect.objectContaining({ code: 'INVALID_NAME', field: ['input', 'name'] }),
      ]);
    }
    const memberships = await identity.gql('{ me { organizationMemberships { role } } }', {}, owner.token);
    expect(memberships.body.data!.me.organizationMemberships).toEqual([]);
  });

  it('refuses an anonymous organizationCreate with UNAUTHENTICATED', async () => {
    const response = await identity.gql(CREATE_ORGANIZATION, { input: { name: 'Anon' } });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('shows an organization to members and ADMINs, null to anyone else, and its people only to owners and managers', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const manager = await addMember(identity, mailer, id, owner, 'MANAGER');
    const member = await addMember(identity, mailer, id, owner, 'MEMBER');
    const stranger = await person(identity);
    const admin = (await identity.server.issueAccessToken(stranger.id, ['LEARNER', 'ADMIN'])).token;

    const seen = async (token: string) =>
      (await identity.gql(ORGANIZATION, { id }, token)).body.data!.organization;
    expect(await seen(member.token)).toEqual({
      id,
      name: 'Northwind Academy',
      viewerRole: 'MEMBER',
      memberCount: 3,
    });
    expect(await seen(manager.token)).toMatchObject({ viewerRole: 'MANAGER' });
    expect(await seen(admin)).toEqual({ id, name: 'Northwind Academy', viewerRole: null, memberCount: 3 });
    expect(await seen(stranger.token)).toBeNull();
    expect((await identity.gql(ORGANIZATION, { id })).body.data!.organization).toBeNull();

    const members = async (token: string, role?: string) => identity.gql(MEMBERS, { id, role }, token);
    expect((await members(manager.token)).body.data!.organization.members).toEqual({
      totalCount: 3,
      edges: [
        { node: { role: 'OWNER', user: { id: owner.id } } },
        { node: { role: 'MANAGER', user: { id: manager.id } } },
        { node: { role: 'MEMBER', user: { id: member.id } } },
      ],
    });
    expect((await members(admin, 'MEMBER')).body.data!.organization.members).toEqual({
      totalCount: 1,
      edges: [{ node: { role: 'MEMBER', user: { id: member.id } } }],
    });
    const refused = await members(member.token);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.body.errors?.[0]?.message).toBe(
      'This needs one of the organization roles: OWNER, MANAGER.',
    );
  });

  it('pages members of several organizations in one query, oldest first, with per-organization totals', async () => {
    const owner = await person(identity);
    const first = await createOrganization(identity, owner, 'First');
    const second = await createOrganization(identity, owner, 'Second');
    const a = await addMember(identity, mailer, first, owner);
    const b = await addMember(identity, mailer, first, owner);
    const c = await addMember(identity, mailer, second, owner);
    const { organizations } = identity.server.stores;
    const page = await organizations.membersPages([first, second], {}, { limit: 2, offset: 1 });
    expect(page.map((member) => [member.organizationId, member.userId])).toEqual(
      [
        [first, a.id],
        [first, b.id],
        [second, c.id],
      ].sort((x, y) => x[0]!.localeCompare(y[0]!)),
    );
    const members = await organizations.membersPages(
      [first, second],
      { role: 'MEMBER' },
      { limit: 1, offset: 0 },
    );
    expect(members.map((member) => member.userId).sort()).toEqual([a.id, c.id].sort());
    const totals = await organizations.memberTotals([first, second], { role: 'MEMBER' });
    expect(totals.sort((x, y) => x.organizationId.localeCompare(y.organizationId))).toEqual(
      [
        { organizationId: first, count: 2 },
        { organizationId: second, count: 1 },
      ].sort((x, y) => x.organizationId.localeCompare(y.organizationId)),
    );
  });

  it('lists the account’s memberships only to the account owner', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner, 'Contoso');
    const query = `query ($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) {
      ... on User { organizationMemberships { role organization { id name } } } } }`;
    const own = await identity.gql(query, { id: owner.id }, owner.token);
    expect(own.body.data!._entities[0].organizationMemberships).toEqual([
      { role: 'OWNER', organization: { id, name: 'Contoso' } },
    ]);
    const other = await person(identity);
    const theirs = await identity.gql(query, { id: owner.id }, other.token);
    expect(theirs.body.data!._entities[0].organizationMemberships).toEqual([]);
  });

  it('an owner changes a member’s role; the last owner cannot step down (LAST_OWNER)', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const member = await addMember(identity, mailer, id, owner);
    const promoted = await setRole(id, member.id, 'MANAGER', owner);
    expect(promoted.data.organizationMemberRoleSet).toEqual({
      member: expect.objectContaining({ role: 'MANAGER', user: { id: member.id } }),
      userErrors: [],
    });
    expect((await setRole(id, owner.id, 'MEMBER', owner)).data.organizationMemberRoleSet).toEqual({
      member: null,
      userErrors: [LAST_OWNER],
    });
    const byManager = await setRole(id, member.id, 'OWNER', member);
    expect(byManager.errors[0].extensions.code).toBe('FORBIDDEN');
    const stranger = await person(identity);
    expect(
      (await setRole(id, stranger.id, 'MEMBER', owner)).data.organizationMemberRoleSet.userErrors[0].code,
    ).toBe('NOT_MEMBER');
  });

  it('the last owner cannot leave (LAST_OWNER); once a second owner exists they can', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    expect((await removeMember(id, owner.id, owner)).data.organizationMemberRemove).toEqual({
      removedUser: null,
      userErrors: [LAST_OWNER],
    });
    const second = await addMember(identity, mailer, id, owner, 'OWNER');
    expect((await removeMember(id, owner.id, owner)).data.organizationMemberRemove).toEqual({
      removedUser: { id: owner.id },
      userErrors: [],
    });
    expect((await identity.gql(ORGANIZATION, { id }, second.token)).body.data!.organization.memberCount).toBe(
      1,
    );
    // Who left no longer sees the organization.
    expect((await identity.gql(ORGANIZATION, { id }, owner.token)).body.data!.organization).toBeNull();
  });

  it('of two owners leaving at the same time exactly one succeeds; the other gets LAST_OWNER', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const second = await addMember(identity, mailer, id, owner, 'OWNER');
    const results = await Promise.all([
      removeMember(id, owner.id, owner),
      removeMember(id, second.id, second),
    ]);
    const payloads = results.map((result) => result.data.organizationMemberRemove);
    expect(payloads.filter((payload) => payload.removedUser).length).toBe(1);
    expect(payloads.filter((payload) => payload.userErrors[0]?.code === 'LAST_OWNER').length).toBe(1);
    const remaining = await directory(identity, { organizationId: id });
    expect((remaining.body as { members: { role: string }[] }).members.map((member) => member.role)).toEqual([
      'OWNER',
    ]);
  });

  it('a manager removes a member but not an owner (ROLE_NOT_ALLOWED); a member cannot remove anyone (FORBIDDEN)', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const manager = await addMember(identity, mailer, id, owner, 'MANAGER');
    const member = await addMember(identity, mailer, id, owner);
    const other = await addMember(identity, mailer, id, owner);
    expect((await removeMember(id, owner.id, manager)).data.organizationMemberRemove).toEqual({
      removedUser: null,
      userErrors: [
        {
          code: 'ROLE_NOT_ALLOWED',
          message: 'Only owners can invite, remove or appoint owners.',
          field: ['input', 'userId'],
        },
      ],
    });
    expect((await removeMember(id, other.id, member)).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await removeMember(id, member.id, manager)).data.organizationMemberRemove).toEqual({
      removedUser: { id: member.id },
      userErrors: [],
    });
    expect(
      (await removeMember(id, member.id, manager)).data.organizationMemberRemove.userErrors[0].code,
    ).toBe('NOT_MEMBER');
    // Leaving needs no role beyond membership.
    expect((await removeMember(id, other.id, other)).data.organizationMemberRemove.removedUser).toEqual({
      id: other.id,
    });
  });

  it('a members:write key removes a member but not an owner (ROLE_NOT_ALLOWED)', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const member = await addMember(identity, mailer, id, owner);
    const key = await keyToken(identity, (await createKey(identity, owner, id, ['MEMBERS_WRITE'])).secret);
    const asKey = { ...owner, token: key };
    expect((await removeMember(id, owner.id, asKey)).data.organizationMemberRemove.userErrors[0].code).toBe(
      'ROLE_NOT_ALLOWED',
    );
    expect((await removeMember(id, member.id, asKey)).data.organizationMemberRemove).toEqual({
      removedUser: { id: member.id },
      userErrors: [],
    });
    expect((await directory(identity, { organizationId: id, userId: member.id })).body).toEqual({
      members: [],
    });
  });

  it('POST /internal/organization-members lists members oldest first and drops a removed member', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const member = await addMember(identity, mailer, id, owner);
    const before = await directory(identity, { organizationId: id });
    expect(before).toEqual({
      status: 200,
      body: {
        members: [
          { userId: owner.id, role: 'OWNER', joinedAt: expect.stringMatching(ISO) },
          { userId: member.id, role: 'MEMBER', joinedAt: expect.stringMatching(ISO) },
        ],
      },
    });
    expect((await directory(identity, { organizationId: id, userId: member.id })).body).toEqual({
      members: [{ userId: member.id, role: 'MEMBER', joinedAt: expect.stringMatching(ISO) }],
    });

    await removeMember(id, member.id, owner);
    expect((await directory(identity, { organizationId: id })).body).toEqual({
      members: [{ userId: owner.id, role: 'OWNER', joinedAt: expect.stringMatching(ISO) }],
    });
    expect((await directory(identity, { organizationId: id, userId: member.id })).body).toEqual({
      members: [],
    });
  });

  it('POST /internal/organization-members answers none for an unknown organization, 400 for a bad body and 403 without the secret', async () => {
    expect(await directory(identity, { organizationId: '00000000-0000-4000-8000-00000000dead' })).toEqual({
      status: 200,
      body: { members: [] },
    });
    expect(await directory(identity, { organizationId: 'not-a-uuid' })).toEqual({
      status: 200,
      body: { members: [] },
    });
    expect((await directory(identity, { organization: 'x' })).status).toBe(400);
    expect(await directory(identity, { organizationId: 'x' }, 'wrong-secret-wrong-secret-wrong')).toEqual({
      status: 403,
      body: { error: 'forbidden' },
    });
  });

  it('serves the kit’s organization directory: roles of members, null for others, and authorizeOrganization on top', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const member = await addMember(identity, mailer, id, owner);
    const stranger = await person(identity);
    const organizations = createOrganizationDirectory({
      service: 'identity',
      baseUrl: new URL(identity.server.url).origin,
      secret: INTERNAL_SECRET,
      logger: createLogger('test', 'silent'),
    });
    expect(await organizations.roleOf(id, owner.id)).toBe('OWNER');
    expect(await organizations.roleOf(id, member.id)).toBe('MEMBER');
    expect(await organizations.roleOf(id, stranger.id)).toBeNull();
    expect((await organizations.members(id)).map((entry) => entry.userId)).toEqual([owner.id, member.id]);

    const need = { scope: 'progress:read', roles: ['OWNER', 'MANAGER'] } as const;
    const viewer = (userId: string) => ({
      viewer: { id: userId, roles: ['LEARNER' as const], expiresAt: 0 },
      apiKey: null,
    });
    await expect(authorizeOrganization(viewer(owner.id), id, need, organizations)).resolves.toBeUndefined();
    await expect(authorizeOrganization(viewer(member.id), id, need, organizations)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });
});
