import { decodeJwt } from 'jose';
import { internalFetch } from '@learncraft/kit';
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
