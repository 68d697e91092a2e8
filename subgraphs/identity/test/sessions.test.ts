import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import {
  ME,
  REFRESH,
  REVOKE,
  SIGN_IN,
  newAccount,
  register,
  startTestIdentity,
  type TestIdentity,
} from './helpers';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('sessions over HTTP', () => {
  let identity: TestIdentity;
  /** The service clock; tests move it forward to expire refresh tokens. */
  let clockOffsetMs = 0;
  beforeAll(async () => {
    identity = await startTestIdentity({ now: () => new Date(Date.now() + clockOffsetMs) });
  });
  afterAll(() => identity.dispose());
  afterEach(() => {
    clockOffsetMs = 0;
  });

  const signIn = async (email: string, password: string) =>
    (await identity.gql(SIGN_IN, { input: { email, password } })).body.data!.sessionCreate;
  const refresh = async (refreshToken: string) =>
    (await identity.gql(REFRESH, { input: { refreshToken } })).body.data!.sessionRefresh;
  const revoke = async (refreshToken: string) =>
    (await identity.gql(REVOKE, { input: { refreshToken } })).body.data!.sessionRevoke;

  const INVALID_CREDENTIALS = {
    code: 'INVALID_CREDENTIALS',
    message: 'The email address or password is incorrect.',
    field: null,
  };
  const INVALID_REFRESH_TOKEN = {
    code: 'INVALID_REFRESH_TOKEN',
    message: 'The refresh token is invalid, expired or revoked. Sign in again.',
    field: ['input', 'refreshToken'],
  };

  it('signs in with the right password and the session works for `me`', async () => {
    const { input, user } = await register(identity);
    const payload = await signIn(input.email, input.password);
    expect(payload.userErrors).toEqual([]);
    expect(payload.session.user).toEqual(user);
    expect(payload.session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await identity.gql(ME, {}, payload.session.accessToken);
    expect(me.body.data!.me.id).toBe(user.id);
  });

  it('issues an EdDSA access token with issuer, audience, subject, roles, jti, session id and a 15-minute life', async () => {
    const { input, user } = await register(identity);
    const { session } = await signIn(input.email, input.password);
    expect(decodeProtectedHeader(session.accessToken)).toEqual({
      alg: 'EdDSA',
      kid: identity.server.publicJwk.kid,
      typ: 'JWT',
    });
    const claims = decodeJwt(session.accessToken);
    expect(claims).toEqual({
      iss: 'learncraft-identity',
      aud: 'learncraft',
      sub: user.id,
      roles: ['LEARNER'],
      iat: expect.any(Number),
      exp: claims.iat! + 900,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(new Date(session.accessTokenExpiresAt).getTime()).toBe(claims.exp! * 1000);
    const refreshLifeMs = new Date(session.refreshTokenExpiresAt).getTime() - claims.iat! * 1000;
    expect(Math.abs(refreshLifeMs - 30 * DAY_MS)).toBeLessThan(2000);
  });

  it('gives the same error for an unknown email and for a wrong password', async () => {
    const { input } = await register(identity);
    const unknown = await signIn('nobody-here@example.com', input.password);
    const wrong = await signIn(input.email, 'wrong password entirely');
    expect(unknown).toEqual({ session: null, userErrors: [INVALID_CREDENTIALS] });
    expect(wrong).toEqual(unknown);
  });

  it('rotates the refresh token on refresh: a new pair, and the new access token works', async () => {
    const { input, user } = await register(identity);
    const first = (await signIn(input.email, input.password)).session;
    const payload = await refresh(first.refreshToken);
    expect(payload.userErrors).toEqual([]);
    expect(payload.session.refreshToken).not.toBe(first.refreshToken);
    expect(payload.session.accessToken).not.toBe(first.accessToken);
    expect(payload.session.user.id).toBe(user.id);
    const me = await identity.gql(ME, {}, payload.session.accessToken);
    expect(me.body.data!.me.id).toBe(user.id);
    // The rotated successor refreshes again.
    expect((await refresh(payload.session.refreshToken)).userErrors).toEqual([]);
  });

  it('treats a reused refresh token as theft: REFRESH_TOKEN_REUSED, and the newest token of the family dies too', async () => {
    const { session } = await register(identity);
    const second = (await refresh(session.refreshToken)).session;
    const third = (await refresh(second.refreshToken)).session;

    expect(await refresh(session.refreshToken)).toEqual({
      session: null,
      userErrors: [
        {
          code: 'REFRESH_TOKEN_REUSED',
          message: 'This refresh token was already used, so the session was ended for safety. Sign in again.',
          field: ['input', 'refreshToken'],
        },
      ],
    });
    expect(await refresh(third.refreshToken)).toEqual({ session: null, userErrors: [INVALID_REFRESH_TOKEN] });
  });

  it('leaves other sign-ins of the same account alive when one family is revoked for reuse', async () => {
    const { input, session } = await register(identity);
    const other = (await signIn(input.email, input.password)).session;
    await refresh(session.refreshToken);
    await refresh(session.refreshToken);
    expect((await refresh(other.refreshToken)).userErrors).toEqual([]);
  });

  it('keeps the session id of the sign-in across refreshes, and gives each sign-in its own', async () => {
    const { input, session } = await register(identity);
    const refreshed = (await refresh(session.refreshToken)).session;
    const other = (await signIn(input.email, input.password)).session;
    const sid = (token: string) => decodeJwt(token).sid;
    expect(sid(refreshed.accessToken)).toBe(sid(session.accessToken));
    expect(sid(other.accessToken)).not.toBe(sid(session.accessToken));
  });

  it('signs out with sessionRevoke: every token of that sign-in stops working', async () => {
    const { session } = await register(identity);
    const next = (await refresh(session.refreshToken)).session;
    expect(await revoke(session.refreshToken)).toEqual({ revoked: true, userErrors: [] });
    expect(await refresh(next.refreshToken)).toEqual({ session: null, userErrors: [INVALID_REFRESH_TOKEN] });
    // Signing out twice is harmless.
    expect(await revoke(next.refreshToken)).toEqual({ revoked: true, userErrors: [] });
  });

  it('answers INVALID_REFRESH_TOKEN for unknown and malformed tokens and revokes nothing', async () => {
    expect(await refresh('A'.repeat(43))).toEqual({ session: null, userErrors: [INVALID_REFRESH_TOKEN] });
    expect(await refresh('x'.repeat(1024 * 1024))).toEqual({
      session: null,
      userErrors: [INVALID_REFRESH_TOKEN],
    });
    expect(await revoke('not a token')).toEqual({ revoked: false, userErrors: [INVALID_REFRESH_TOKEN] });
  });

  it('answers INVALID_REFRESH_TOKEN for an expired refresh token', async () => {
    const { session } = await register(identity);
    clockOffsetMs = 31 * DAY_MS;
    expect(await refresh(session.refreshToken)).toEqual({
      session: null,
      userErrors: [INVALID_REFRESH_TOKEN],
    });
  });

  it('stores refresh tokens only as their SHA-256 hash', async () => {
    const { session, user } = await register(identity);
    const rows = await identity.database.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM identity.refresh_tokens WHERE user_id = $1',
      [user.id],
    );
    const { createHash } = await import('node:crypto');
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(session.refreshToken).digest('hex') }]);
  });

  it('signs in with a fresh account registered moments before, by lower-cased email', async () => {
    const input = newAccount();
    await register(identity, input);
    expect((await signIn(input.email.toUpperCase(), input.password)).userErrors).toEqual([]);
  });
});

describe.each(DATABASE_FLAVOURS)('refresh retry grace window on %s', (flavour) => {
  let identity: TestIdentity;
  let clockOffsetMs = 0;
  beforeAll(async () => {
    identity = await startTestIdentity({ flavour, now: () => new Date(Date.now() + clockOffsetMs) });
  });
  afterAll(() => identity.dispose());
  afterEach(() => {
    clockOffsetMs = 0;
  });

  const refresh = async (refreshToken: string) =>
    (await identity.gql(REFRESH, { input: { refreshToken } })).body.data!.sessionRefresh;

  it('answers two simultaneous refreshes of one token with the same successor, and the session keeps working', async () => {
    const { session, user } = await register(identity);
    const [first, second] = await Promise.all([refresh(session.refreshToken), refresh(session.refreshToken)]);
    expect(first.userErrors).toEqual([]);
    expect(second.userErrors).toEqual([]);
    expect(second.session.refreshToken).toBe(first.session.refreshToken);
    for (const { session: next } of [first, second]) {
      expect((await identity.gql(ME, {}, next.accessToken)).body.data!.me.id).toBe(user.id);
    }
    const third = await refresh(first.session.refreshToken);
    expect(third.userErrors).toEqual([]);
    expect((await identity.gql(ME, {}, third.session.accessToken)).body.data!.me.id).toBe(user.id);
  });

  it('gives a retry 29 s after the rotation the same successor, with a fresh access token of the same session', async () => {
    const { session } = await register(identity);
    const first = (await refresh(session.refreshToken)).session;
    clockOffsetMs = 29_000;
    const retried = await refresh(session.refreshToken);
    expect(retried.userErrors).toEqual([]);
    expect(retried.session.refreshToken).toBe(first.refreshToken);
    expect(retried.session.refreshTokenExpiresAt).toBe(first.refreshTokenExpiresAt);
    expect(decodeJwt(retried.session.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);
  });

  it('still treats a reuse 31 s after the rotation as theft and ends the family', async () => {
    const { session } = await register(identity);
    const first = (await refresh(session.refreshToken)).session;
    clockOffsetMs = 31_000;
    expect((await refresh(session.refreshToken)).userErrors.map((e: { code: string }) => e.code)).toEqual([
      'REFRESH_TOKEN_REUSED',
    ]);
    expect((await refresh(first.refreshToken)).userErrors.map((e: { code: string }) => e.code)).toEqual([
      'INVALID_REFRESH_TOKEN',
    ]);
  });

  it('treats a retry as theft once the successor was itself used', async () => {
    const { session } = await register(identity);
    const first = (await refresh(session.refreshToken)).session;
    const second = (await refresh(first.refreshToken)).session;
    expect((await refresh(session.refreshToken)).userErrors.map((e: { code: string }) => e.code)).toEqual([
      'REFRESH_TOKEN_REUSED',
    ]);
    expect((await refresh(second.refreshToken)).userErrors.map((e: { code: string }) => e.code)).toEqual([
      'INVALID_REFRESH_TOKEN',
    ]);
  });

  it('gives no grace after sign-out: a revoked token stays refused', async () => {
    const { session } = await register(identity);
    await refresh(session.refreshToken);
    await identity.gql(REVOKE, { input: { refreshToken: session.refreshToken } });
    expect((await refresh(session.refreshToken)).userErrors.map((e: { code: string }) => e.code)).toEqual([
      'INVALID_REFRESH_TOKEN',
    ]);
  });
});
