import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { internalFetch } from '@learncraft/kit';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import type { RevokedSessionsAnswer } from '../src/internal';
import { startTestIdentity, type TestIdentity } from './helpers';
import {
  API_KEY_FIELDS,
  CREATE_KEY,
  INTERNAL_SECRET,
  REVOKE_KEY,
  ROTATE_KEY,
  addMember,
  createKey,
  createOrganization,
  exchange,
  keyToken,
  person,
  recordingMailer,
  type Person,
} from './partners';

const INVALID_API_KEY = {
  status: 401,
  body: { error: 'INVALID_API_KEY', message: 'The API key is invalid, revoked or expired.' },
};
const KEY_SHAPE = /^lck_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;
const API_KEYS = `query ($id: ID!) { organization(id: $id) { apiKeys { totalCount edges { node { ${API_KEY_FIELDS} } } } } }`;

describe.each(DATABASE_FLAVOURS)('API keys over HTTP on %s', (flavour) => {
  let identity: TestIdentity;
  const mailer = recordingMailer();
  let clockOffsetMs = 0;
  let owner: Person;
  let organizationId: string;
  beforeAll(async () => {
    identity = await startTestIdentity({
      flavour,
      mailer,
      now: () => new Date(Date.now() + clockOffsetMs),
      env: { INTERNAL_API_SECRET: INTERNAL_SECRET },
    });
    owner = await person(identity);
    organizationId = await createOrganization(identity, owner);
  });
  afterAll(() => identity.dispose());
  afterEach(() => {
    clockOffsetMs = 0;
  });

  const revokedSince = (since: Date) =>
    internalFetch<RevokedSessionsAnswer>(
      new URL(
        `/internal/revoked-sessions?since=${encodeURIComponent(since.toISOString())}`,
        identity.server.url,
      ).toString(),
      INTERNAL_SECRET,
    );
  const keyRow = async (id: string) =>
    (
      await identity.database.db.query<Record<string, unknown>>(
        'SELECT * FROM identity.api_keys WHERE id = $1',
        [id],
      )
    )[0]!;

  it('an owner creates a key: the secret comes once, and the table holds only its SHA-256', async () => {
    const expiresAt = new Date(Date.now() + 30 * 24 * 60 * 60 * 1000).toISOString();
    const response = await identity.gql(
      CREATE_KEY,
      { input: { organizationId, name: ' HR sync ', scopes: ['MEMBERS_READ', 'PROGRESS_READ'], expiresAt } },
      owner.token,
    );
    const { apiKey, secret, userErrors } = response.body.data!.apiKeyCreate;
    expect(userErrors).toEqual([]);
    const publicId = KEY_SHAPE.exec(secret)?.[1];
    expect(publicId).toBeDefined();
    expect(apiKey).toEqual({
      id: expect.any(String),
      name: 'HR sync',
      prefix: `lck_${publicId}`,
      scopes: ['MEMBERS_READ', 'PROGRESS_READ'],
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: new Date(expiresAt).toISOString(),
      revokedAt: null,
      createdBy: { id: owner.id },
      organization: { id: organizationId },
    });

    const row = await keyRow(apiKey.id);
    expect(row.key_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(row.public_id).toBe(publicId);
    expect(row.scopes).toEqual(['members:read', 'progress:read']);
    const secretPart = secret.split('_')[2];
    expect(JSON.stringify(row)).not.toContain(secretPart);

    const listed = await identity.gql(API_KEYS, { id: organizationId }, owner.token);
    expect(JSON.stringify(listed.body)).not.toContain(secretPart);
    expect(listed.body.data!.organization.apiKeys.edges[0].node).toEqual(apiKey);
  });

  it('refuses bad names, scopes and expiries with their codes, and managers and keys with FORBIDDEN', async () => {
    const create = async (input: Record<string, unknown>, token = owner.token): Promise<any> =>
      (
        await identity.gql(
          CREATE_KEY,
          { input: { organizationId, name: 'k', scopes: ['CATALOG_READ'], ...input } },
          token,
        )
      ).body;
    expect((await create({ name: '  ' })).data.apiKeyCreate.userErrors[0].code).toBe('INVALID_NAME');
    expect((await create({ scopes: [] })).data.apiKeyCreate).toEqual({
      apiKey: null,
      secret: null,
      userErrors: [
        {
          code: 'INVALID_SCOPES',
          message: 'Choose between 1 and 7 distinct scopes.',
          field: ['input', 'scopes'],
        },
      ],
    });
    expect(
      (await create({ scopes: ['CATALOG_READ', 'CATALOG_READ'] })).data.apiKeyCreate.userErrors[0].code,
    ).toBe('INVALID_SCOPES');
    expect(
      (await create({ expiresAt: new Date(Date.now() - 1000).toISOString() })).data.apiKeyCreate.userErrors[0]
        .code,
    ).toBe('INVALID_EXPIRY');
    const manager = await addMember(identity, mailer, organizationId, owner, 'MANAGER');
    expect((await create({}, manager.token)).errors[0].extensions.code).toBe('FORBIDDEN');
    const key = await keyToken(
      identity,
      (await createKey(identity, owner, organizationId, ['MEMBERS_WRITE'])).secret,
    );
    expect((await create({}, key)).errors[0].extensions.code).toBe('FORBIDDEN');
    const listedByManager = await identity.gql(API_KEYS, { id: organizationId }, manager.token);
    expect(listedByManager.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('exchanges a valid key for a short-lived token of kind api_key with sid = the key id', async () => {
    const { id, secret } = await createKey(identity, owner, organizationId, [
      'MEMBERS_READ',
      'WEBHOOKS_READ',
    ]);
    const before = Math.floor(Date.now() / 1000);
    const answer = await exchange(identity, { key: secret });
    expect(answer).toEqual({
      status: 200,
      body: {
        accessToken: expect.any(String),
        expiresAt: expect.any(String),
        apiKey: { id, organizationId, scopes: ['members:read', 'webhooks:read'] },
      },
    });
    const body = answer.body as { accessToken: string; expiresAt: string };
    const claims = decodeJwt(body.accessToken);
    expect(claims).toMatchObject({
      kind: 'api_key',
      sub: id,
      sid: id,
      org: organizationId,
      scope: 'members:read webhooks:read',
      roles: [],
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(new Date(body.expiresAt).getTime()).toBe(claims.exp! * 1000);
  });

  it('answers 401 INVALID_API_KEY for malformed, unknown, revoked and expired keys alike', async () => {
    const good = await createKey(identity, owner, organizationId, ['MEMBERS_READ']);
    const tampered = `${good.secret.slice(0, -1)}${good.secret.endsWith('A') ? 'B' : 'A'}`;
    for (const key of ['', 'not-a-key', `lck_00000000_${'a'.repeat(43)}`, tampered, `${good.secret} `])
      expect(await exchange(identity, { key })).toEqual(INVALID_API_KEY);

    const revoked = await createKey(identity, owner, organizationId, ['MEMBERS_READ']);
    await identity.gql(REVOKE_KEY, { input: { apiKeyId: revoked.id } }, owner.token);
    expect(await exchange(identity, { key: revoked.secret })).toEqual(INVALID_API_KEY);

    const expiring = await createKey(identity, owner, organizationId, ['MEMBERS_READ'], {
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect((await exchange(identity, { key: expiring.secret })).status).toBe(200);
    clockOffsetMs = 61_000;
    expect(await exchange(identity, { key: expiring.secret })).toEqual(INVALID_API_KEY);

    expect((await exchange(identity, { key: 42 })).status).toBe(400);
    expect(await exchange(identity, { key: good.secret }, 'wrong-secret-wrong-secret-wrong')).toEqual({
      status: 403,
      body: { error: 'forbidden' },
    });
  });

  it('caps an exchanged token at the key’s expiry', async () => {
    const { secret } = await createKey(identity, owner, organizationId, ['MEMBERS_READ'], {
      expiresAt: new Date(Date.now() + 100_000).toISOString(),
    });
    const claims = decodeJwt(await keyToken(identity, secret));
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(100);
    expect(claims.exp! - claims.iat!).toBeGreaterThanOrEqual(98);
  });

  it('moves lastUsedAt on use, at most once a minute', async () => {
    const { id, secret } = await createKey(identity, owner, organizationId, ['MEMBERS_READ']);
    const lastUsedAt = async () => (await keyRow(id)).last_used_at as Date | null;
    expect(await lastUsedAt()).toBeNull();
    await keyToken(identity, secret);
    const first = await lastUsedAt();
    expect(first).toBeInstanceOf(Date);
    clockOffsetMs = 30_000;
    await keyToken(identity, secret);
    expect(await lastUsedAt()).toEqual(first);
    clockOffsetMs = 61_000;
    await keyToken(identity, secret);
    const third = await lastUsedAt();
    expect(third!.getTime() - first!.getTime()).toBeGreaterThanOrEqual(60_000);
    const seen = await identity.gql(
      `query ($id: ID!) { organization(id: $id) { apiKeys(first: 100) { edges { node { id lastUsedAt } } } } }`,
      { id: organizationId },
      owner.token,
    );
    const node = seen.body.data!.organization.apiKeys.edges.find((edge: any) => edge.node.id === id).node;
    expect(node.lastUsedAt).toBe(third!.toISOString());
  });

  it('a revoked key is listed by /internal/revoked-sessions with sessionId = its id; revoking again is API_KEY_REVOKED', async () => {
    const { id, secret } = await createKey(identity, owner, organizationId, ['MEMBERS_READ']);
    const token = await keyToken(identity, secret);
    expect(decodeJwt(token).sid).toBe(id);
    const before = new Date(Date.now() - 1);
    const revoked = await identity.gql(REVOKE_KEY, { input: { apiKeyId: id } }, owner.token);
    expect(revoked.body.data!.apiKeyRevoke).toEqual({
      apiKey: { id, revokedAt: expect.any(String) },
      userErrors: [],
    });
    const listed = await revokedSince(before);
    expect(listed.sessions).toContainEqual({
      sessionId: id,
      revokedAt: revoked.body.data!.apiKeyRevoke.apiKey.revokedAt,
    });
    expect(
      (await identity.gql(REVOKE_KEY, { input: { apiKeyId: id } }, owner.token)).body.data!.apiKeyRevoke,
    ).toEqual({
      apiKey: null,
      userErrors: [
        {
          code: 'API_KEY_REVOKED',
          message: 'This API key is already revoked or being rotated.',
          field: ['input', 'apiKeyId'],
        },
      ],
    });
    const unknown = await identity.gql(
      REVOKE_KEY,
      { input: { apiKeyId: '00000000-0000-4000-8000-00000000dead' } },
      owner.token,
    );
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rotation returns a new secret with the same name and scopes; the old key works through its grace, then is refused and listed', async () => {
    const old = await createKey(identity, owner, organizationId, ['MEMBERS_READ', 'MEMBERS_WRITE']);
    const before = new Date(Date.now() - 1);
    const response = await identity.gql(
      ROTATE_KEY,
      { input: { apiKeyId: old.id, graceSeconds: 120 } },
      owner.token,
    );
    const rotated = response.body.data!.apiKeyRotate;
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.secret).toMatch(KEY_SHAPE);
    expect(rotated.secret).not.toBe(old.secret);
    expect(rotated.apiKey).toMatchObject({
      name: 'HR sync',
      scopes: ['MEMBERS_READ', 'MEMBERS_WRITE'],
      revokedAt: null,
    });
    const graceEnds = new Date(rotated.previousApiKey.revokedAt).getTime();
    expect(rotated.previousApiKey.id).toBe(old.id);
    expect(graceEnds - Date.now()).toBeGreaterThan(110_000);
    expect(graceEnds - Date.now()).toBeLessThanOrEqual(120_000);
    expect((await keyRow(rotated.apiKey.id)).rotated_from).toBe(old.id);

    // During the grace: both work, and the old one's token ends with the grace.
    const graceToken = decodeJwt(await keyToken(identity, old.secret));
    expect(graceToken.exp! * 1000).toBeLessThanOrEqual(graceEnds);
    expect((await exchange(identity, { key: rotated.secret })).status).toBe(200);
    expect((await revokedSince(before)).sessions.map((entry) => entry.sessionId)).not.toContain(old.id);
    expect(
      (await identity.gql(ROTATE_KEY, { input: { apiKeyId: old.id } }, owner.token)).body.data!.apiKeyRotate
        .userErrors[0].code,
    ).toBe('API_KEY_REVOKED');

    clockOffsetMs = 121_000;
    expect(await exchange(identity, { key: old.secret })).toEqual(INVALID_API_KEY);
    expect((await exchange(identity, { key: rotated.secret })).status).toBe(200);
    expect((await revokedSince(before)).sessions).toContainEqual({
      sessionId: old.id,
      revokedAt: rotated.previousApiKey.revokedAt,
    });
  });

  it('rotation without grace stops the old key at once; a grace beyond a day is INVALID_GRACE', async () => {
    const old = await createKey(identity, owner, organizationId, ['CATALOG_READ']);
    const invalid = await identity.gql(
      ROTATE_KEY,
      { input: { apiKeyId: old.id, graceSeconds: 86_401 } },
      owner.token,
    );
    expect(invalid.body.data!.apiKeyRotate).toEqual({
      apiKey: null,
      secret: null,
      previousApiKey: null,
      userErrors: [
        {
          code: 'INVALID_GRACE',
          message: 'The grace period must be a whole number of seconds from 0 to 86400.',
          field: ['input', 'graceSeconds'],
        },
      ],
    });
    const rotated = await identity.gql(ROTATE_KEY, { input: { apiKeyId: old.id } }, owner.token);
    expect(rotated.body.data!.apiKeyRotate.userErrors).toEqual([]);
    expect(await exchange(identity, { key: old.secret })).toEqual(INVALID_API_KEY);
  });

  it('a key reads its own organization and itself, but never its keys; beyond its scope it is FORBIDDEN with requiredScope', async () => {
    const reader = await createKey(identity, owner, organizationId, ['MEMBERS_READ']);
    const token = await keyToken(identity, reader.secret);
    const self = await identity.gql(
      '{ apiKey { id name scopes organization { id name viewerRole } } }',
      {},
      token,
    );
    expect(self.body.data!.apiKey).toEqual({
      id: reader.id,
      name: 'HR sync',
      scopes: ['MEMBERS_READ'],
      organization: { id: organizationId, name: 'Northwind Academy', viewerRole: null },
    });
    const members = await identity.gql(
      'query ($id: ID!) { organization(id: $id) { members { totalCount } } }',
      { id: organizationId },
      token,
    );
    expect(members.body.data!.organization.members.totalCount).toBeGreaterThanOrEqual(1);
    const keys = await identity.gql(API_KEYS, { id: organizationId }, token);
    expect(keys.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const webhooksOnly = await keyToken(
      identity,
      (await createKey(identity, owner, organizationId, ['WEBHOOKS_READ'])).secret,
    );
    const beyond = await identity.gql(
      '{ apiKey { organization { members { totalCount } } } }',
      {},
      webhooksOnly,
    );
    expect(beyond.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredScope: 'members:read',
    });
    // Any key of the organization reaches it at the root; its people still need members:read.
    const root = await identity.gql(
      'query ($id: ID!) { organization(id: $id) { id members { totalCount } } }',
      { id: organizationId },
      webhooksOnly,
    );
    expect(root.body.data?.organization).toBeNull();
    expect(root.body.errors?.[0]).toMatchObject({
      path: ['organization', 'members'],
      extensions: { code: 'FORBIDDEN', requiredScope: 'members:read' },
    });
    const own = await identity.gql(
      'query ($id: ID!) { organization(id: $id) { id } }',
      { id: organizationId },
      webhooksOnly,
    );
    expect(own.body).toEqual({ data: { organization: { id: organizationId } } });
  });

  it('a key of organization A asking for organization B is FORBIDDEN', async () => {
    const otherOwner = await person(identity);
    const otherId = await createOrganization(identity, otherOwner, 'Contoso');
    const token = await keyToken(
      identity,
      (await createKey(identity, owner, organizationId, ['MEMBERS_READ'])).secret,
    );
    const response = await identity.gql(
      'query ($id: ID!) { organization(id: $id) { id name members { totalCount } } }',
      { id: otherId },
      token,
    );
    expect(response.body.data?.organization ?? null).toBeNull();
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.body.errors?.[0]?.message).toBe('This API key belongs to another organization.');
  });
});
