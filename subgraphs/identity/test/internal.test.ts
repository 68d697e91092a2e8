import { decodeJwt } from 'jose';
import { internalFetch, internalRequest } from '@learncraft/kit';
import type { RevokedSessionsAnswer } from '../src/internal';
import { REFRESH, REVOKE, register, startTestIdentity, type TestIdentity } from './helpers';

const SECRET = 'internal-secret-for-tests-0123456789';

describe('GET /internal/revoked-sessions', () => {
  let identity: TestIdentity;
  let base: string;
  beforeAll(async () => {
    identity = await startTestIdentity({ env: { INTERNAL_API_SECRET: SECRET } });
    base = new URL('/internal/revoked-sessions', identity.server.url).toString();
  });
  afterAll(() => identity.dispose());

  const revokedSince = (since: Date) =>
    internalFetch<RevokedSessionsAnswer>(`${base}?since=${encodeURIComponent(since.toISOString())}`, SECRET);
  const sid = (accessToken: string) => decodeJwt(accessToken).sid as string;

  it('refuses callers without the internal secret with 403', async () => {
    await expect(internalFetch(base, 'wrong-secret-wrong-secret-wrong')).rejects.toThrow('HTTP 403');
  });

  it('lists a signed-out session by the sid of its access tokens, with when it ended', async () => {
    const before = new Date();
    const { session } = await register(identity);
    const untouched = await register(identity);
    await identity.gql(REVOKE, { input: { refreshToken: session.refreshToken } });
    const answer = await revokedSince(before);
    expect(answer.accessTokenTtlSeconds).toBe(900);
    expect(new Date(answer.now).getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(answer.more).toBe(false);
    const ids = answer.sessions.map((entry) => entry.sessionId);
    expect(ids).toContain(sid(session.accessToken));
    expect(ids).not.toContain(sid(untouched.session.accessToken));
    const entry = answer.sessions.find((candidate) => candidate.sessionId === sid(session.accessToken));
    expect(new Date(entry!.revokedAt).getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('lists a session once although each of its rotated tokens was revoked', async () => {
    const { session } = await register(identity);
    const next = (await identity.gql(REFRESH, { input: { refreshToken: session.refreshToken } })).body.data!
      .sessionRefresh.session;
    const before = new Date();
    await identity.gql(REVOKE, { input: { refreshToken: next.refreshToken } });
    const answer = await revokedSince(before);
    expect(answer.sessions.filter((entry) => entry.sessionId === sid(session.accessToken))).toHaveLength(1);
  });

  it('leaves out revocations before `since`', async () => {
    const { session } = await register(identity);
    await identity.gql(REVOKE, { input: { refreshToken: session.refreshToken } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const answer = await revokedSince(new Date());
    expect(answer.sessions.map((entry) => entry.sessionId)).not.toContain(sid(session.accessToken));
  });

  it('goes back one access-token lifetime without `since`', async () => {
    const { session } = await register(identity);
    await identity.gql(REVOKE, { input: { refreshToken: session.refreshToken } });
    const answer = await internalFetch<RevokedSessionsAnswer>(base, SECRET);
    expect(answer.sessions.map((entry) => entry.sessionId)).toContain(sid(session.accessToken));
  });

  it('answers 400 for a `since` that is not an instant', async () => {
    await expect(internalFetch(`${base}?since=yesterday`, SECRET)).rejects.toThrow('HTTP 400');
  });
});

describe('POST /internal/users', () => {
  let identity: TestIdentity;
  let url: string;
  beforeAll(async () => {
    identity = await startTestIdentity({ env: { INTERNAL_API_SECRET: SECRET } });
    url = new URL('/internal/users', identity.server.url).toString();
  });
  afterAll(() => identity.dispose());

  const users = (body: unknown, secret = SECRET) => internalRequest(url, secret, { method: 'POST', body });

  it('refuses callers without the internal secret with 403', async () => {
    expect(await users({ ids: [] }, 'wrong-secret-wrong-secret-wrong')).toEqual({
      status: 403,
      body: { error: 'forbidden' },
    });
  });

  it('answers each known user in request order with e-mail address and display name, leaving unknown ids out', async () => {
    const first = await register(identity);
    const second = await register(identity);
    const answer = await users({
      ids: [second.user.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', first.user.id],
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        users: [
          { id: second.user.id, email: second.input.email, displayName: second.input.displayName },
          { id: first.user.id, email: first.input.email, displayName: first.input.displayName },
        ],
      },
    });
  });

  it('refuses an empty list, more than 100 ids and a body without ids with 400', async () => {
    const tooMany = Array.from({ length: 101 }, (_, index) => `id-${index}`);
    for (const body of [{ ids: [] }, { ids: tooMany }, { userIds: ['x'] }]) {
      expect(await users(body)).toEqual({
        status: 400,
        body: { error: 'BAD_REQUEST', message: 'The body must be {"ids": [string]} with 1 to 100 ids.' },
      });
    }
  });
});
