import { createHash } from 'node:crypto';
import { startTestIdentity, type TestIdentity } from './helpers';
import {
  ACCEPT,
  INTERNAL_SECRET,
  INVITATION_FIELDS,
  INVITE,
  MEMBERS,
  REVOKE_INVITATION,
  addMember,
  createKey,
  createOrganization,
  invitationTokenIn,
  keyToken,
  person,
  recordingMailer,
  type Person,
} from './partners';

const DAY_MS = 24 * 60 * 60 * 1000;
const INVITATION = `query ($token: String!) { organizationInvitation(token: $token) { ${INVITATION_FIELDS} } }`;

describe('organization invitations over HTTP', () => {
  let identity: TestIdentity;
  const mailer = recordingMailer();
  let clockOffsetMs = 0;
  beforeAll(async () => {
    identity = await startTestIdentity({
      mailer,
      now: () => new Date(Date.now() + clockOffsetMs),
      env: { INTERNAL_API_SECRET: INTERNAL_SECRET, WEB_APP_URL: 'https://app.learncraft.test/' },
    });
  });
  afterAll(() => identity.dispose());
  afterEach(() => {
    clockOffsetMs = 0;
  });

  const invite = async (organizationId: string, email: string, as: string, role?: string): Promise<any> =>
    (await identity.gql(INVITE, { input: { organizationId, email, role } }, as)).body;
  const accept = async (token: string, as: Person): Promise<any> =>
    (await identity.gql(ACCEPT, { input: { token } }, as.token)).body.data!.organizationInvitationAccept;
  const invitationByToken = async (token: string): Promise<any> =>
    (await identity.gql(INVITATION, { token })).body.data!.organizationInvitation;

  it('an owner invites by email: the mail links <WEB_APP_URL>/invitations/<token>, pending for 14 days, stored hashed', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const before = Date.now();
    const body = await invite(id, '  New.Hire@Example.COM ', owner.token, 'MANAGER');
    const { invitation, userErrors } = body.data.organizationMemberInvite;
    expect(userErrors).toEqual([]);
    expect(invitation).toEqual({
      id: expect.any(String),
      email: 'new.hire@example.com',
      role: 'MANAGER',
      status: 'PENDING',
      createdAt: expect.any(String),
      expiresAt: expect.any(String),
      acceptedAt: null,
      invitedBy: { id: owner.id },
      organization: { id, name: 'Northwind Academy' },
    });
    expect(new Date(invitation.expiresAt).getTime() - new Date(invitation.createdAt).getTime()).toBe(
      14 * DAY_MS,
    );
    expect(new Date(invitation.createdAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const mail = mailer.lastTo('new.hire@example.com')!;
    expect(mail.subject).toBe('Join Northwind Academy on LearnCraft');
    const token = invitationTokenIn(mail);
    expect(mail.text).toContain(`\nhttps://app.learncraft.test/invitations/${token}\n`);
    expect(await invitationByToken(token)).toEqual(invitation);

    const rows = await identity.database.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM identity.organization_invitations WHERE id = $1',
      [invitation.id],
    );
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
  });

  it('inviting a pending address again mails a new token, and the old link stops working', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const first = (await invite(id, 'again@example.com', owner.token)).data.organizationMemberInvite
      .invitation;
    const oldToken = invitationTokenIn(mailer.lastTo('again@example.com'));
    const second = (await invite(id, 'again@example.com', owner.token)).data.organizationMemberInvite
      .invitation;
    const newToken = invitationTokenIn(mailer.lastTo('again@example.com'));
    expect(newToken).not.toBe(oldToken);
    expect(second.id).toBe(first.id);
    expect(await invitationByToken(oldToken)).toBeNull();
    expect((await invitationByToken(newToken)).status).toBe('PENDING');
    const list = await identity.gql(
      `query ($id: ID!) { organization(id: $id) { invitations(status: PENDING) { totalCount edges { node { id email } } } } }`,
      { id },
      owner.token,
    );
    expect(list.body.data!.organization.invitations).toEqual({
      totalCount: 1,
      edges: [{ node: { id: first.id, email: 'again@example.com' } }],
    });
  });

  it('the invited account accepts and becomes a member with the invitation’s role; the link then stops working', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const invitee = await person(identity);
    await invite(id, invitee.email, owner.token, 'MANAGER');
    const token = invitationTokenIn(mailer.lastTo(invitee.email));
    const pending = await identity.gql(
      '{ me { organizationInvitations { email status organization { name } } } }',
      {},
      invitee.token,
    );
    expect(pending.body.data!.me.organizationInvitations).toEqual([
      { email: invitee.email, status: 'PENDING', organization: { name: 'Northwind Academy' } },
    ]);

    const accepted = await accept(token, invitee);
    expect(accepted).toEqual({
      member: {
        role: 'MANAGER',
        joinedAt: expect.any(String),
        user: { id: invitee.id },
        organization: { id, name: 'Northwind Academy' },
      },
      userErrors: [],
    });
    const after = await invitationByToken(token);
    expect(after).toMatchObject({ status: 'ACCEPTED', acceptedAt: accepted.member.joinedAt });
    expect(await accept(token, invitee)).toEqual({
      member: null,
      userErrors: [
        {
          code: 'INVITATION_INVALID',
          message: 'This invitation link is invalid, withdrawn or already used.',
          field: ['input', 'token'],
        },
      ],
    });
  });

  it('accepting with an account of another email is refused with EMAIL_MISMATCH and changes nothing', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const invitee = await person(identity);
    const intruder = await person(identity);
    await invite(id, invitee.email, owner.token);
    const token = invitationTokenIn(mailer.lastTo(invitee.email));
    expect(await accept(token, intruder)).toEqual({
      member: null,
      userErrors: [
        {
          code: 'EMAIL_MISMATCH',
          message:
            'This invitation was sent to another email address. Sign in with that address to accept it.',
          field: ['input', 'token'],
        },
      ],
    });
    expect((await invitationByToken(token)).status).toBe('PENDING');
    const members = await identity.gql(MEMBERS, { id }, owner.token);
    expect(members.body.data!.organization.members.totalCount).toBe(1);
  });

  it('an invitation older than 14 days reads EXPIRED and is refused with INVITATION_EXPIRED', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const invitee = await person(identity);
    await invite(id, invitee.email, owner.token);
    const token = invitationTokenIn(mailer.lastTo(invitee.email));
    clockOffsetMs = 14 * DAY_MS + 1000;
    expect((await invitationByToken(token)).status).toBe('EXPIRED');
    expect(await accept(token, invitee)).toEqual({
      member: null,
      userErrors: [
        {
          code: 'INVITATION_EXPIRED',
          message: 'This invitation has expired. Ask the organization to invite you again.',
          field: ['input', 'token'],
        },
      ],
    });
    const members = await identity.gql(MEMBERS, { id }, owner.token);
    expect(members.body.data!.organization.members.totalCount).toBe(1);
  });

  it('a manager inviting an OWNER is refused with ROLE_NOT_ALLOWED and nothing is sent', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const manager = await addMember(identity, mailer, id, owner, 'MANAGER');
    const sent = mailer.mails.length;
    expect(
      (await invite(id, 'boss@example.com', manager.token, 'OWNER')).data.organizationMemberInvite,
    ).toEqual({
      invitation: null,
      userErrors: [
        {
          code: 'ROLE_NOT_ALLOWED',
          message: 'Only owners can invite, remove or appoint owners.',
          field: ['input', 'role'],
        },
      ],
    });
    expect(mailer.mails.length).toBe(sent);
    expect(
      (await invite(id, 'hire@example.com', manager.token, 'MANAGER')).data.organizationMemberInvite
        .userErrors,
    ).toEqual([]);
  });

  it('refuses a malformed address (INVALID_EMAIL), an existing member (ALREADY_MEMBER) and a plain member inviting (FORBIDDEN)', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const member = await addMember(identity, mailer, id, owner);
    expect(
      (await invite(id, 'not-an-address', owner.token)).data.organizationMemberInvite.userErrors[0].code,
    ).toBe('INVALID_EMAIL');
    expect((await invite(id, member.email, owner.token)).data.organizationMemberInvite).toEqual({
      invitation: null,
      userErrors: [
        {
          code: 'ALREADY_MEMBER',
          message: 'This person is already a member of the organization.',
          field: ['input', 'email'],
        },
      ],
    });
    expect((await invite(id, 'x@example.com', member.token)).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a revoked invitation cannot be accepted; revoking it again is INVITATION_NOT_PENDING', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const invitee = await person(identity);
    const invitation = (await invite(id, invitee.email, owner.token)).data.organizationMemberInvite
      .invitation;
    const token = invitationTokenIn(mailer.lastTo(invitee.email));
    const revoke = async () =>
      (await identity.gql(REVOKE_INVITATION, { input: { invitationId: invitation.id } }, owner.token)).body
        .data!.organizationInvitationRevoke;
    expect(await revoke()).toEqual({ invitation: { id: invitation.id, status: 'REVOKED' }, userErrors: [] });
    expect((await accept(token, invitee)).userErrors[0].code).toBe('INVITATION_INVALID');
    expect(await revoke()).toEqual({
      invitation: null,
      userErrors: [
        {
          code: 'INVITATION_NOT_PENDING',
          message: 'Only a pending invitation can be withdrawn.',
          field: ['input', 'invitationId'],
        },
      ],
    });
    const unknown = await identity.gql(
      REVOKE_INVITATION,
      { input: { invitationId: '00000000-0000-4000-8000-00000000dead' } },
      owner.token,
    );
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a members:write key invites (no sender named) and revokes; a key of another organization is FORBIDDEN', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const otherOwner = await person(identity);
    const otherId = await createOrganization(identity, otherOwner, 'Contoso');
    const key = await keyToken(identity, (await createKey(identity, owner, id, ['MEMBERS_WRITE'])).secret);

    const body = await invite(id, 'by-key@example.com', key);
    expect(body.data.organizationMemberInvite.invitation).toMatchObject({ invitedBy: null, role: 'MEMBER' });
    expect(mailer.lastTo('by-key@example.com')!.text).toContain('You are invited to join Northwind Academy');
    expect(
      (await invite(id, 'boss@example.com', key, 'OWNER')).data.organizationMemberInvite.userErrors[0].code,
    ).toBe('ROLE_NOT_ALLOWED');
    const revoked = await identity.gql(
      REVOKE_INVITATION,
      { input: { invitationId: body.data.organizationMemberInvite.invitation.id } },
      key,
    );
    expect(revoked.body.data!.organizationInvitationRevoke.invitation.status).toBe('REVOKED');

    const elsewhere = await invite(otherId, 'spy@example.com', key);
    expect(elsewhere.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(elsewhere.errors[0].message).toBe('This API key belongs to another organization.');
    expect(mailer.lastTo('spy@example.com')).toBeUndefined();
  });

  it('a key with only members:read cannot invite: FORBIDDEN with extensions.requiredScope', async () => {
    const owner = await person(identity);
    const id = await createOrganization(identity, owner);
    const key = await keyToken(identity, (await createKey(identity, owner, id, ['MEMBERS_READ'])).secret);
    const body = await invite(id, 'x@example.com', key);
    expect(body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'members:write' });
    expect(body.data ?? null).toBeNull();
  });

  it('an unknown or malformed token reads as null', async () => {
    expect(await invitationByToken('a'.repeat(43))).toBeNull();
    expect(await invitationByToken('nonsense')).toBeNull();
  });
});
