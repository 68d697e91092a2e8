import { issueTerminalToken, TERMINAL_TOKEN_TTL_MS, verifyTerminalToken } from './terminalToken';

const SECRET = 'secret-0123456789-0123456789-0123456789';
const now = new Date(Date.UTC(2026, 0, 1, 10, 0, 0));
const binding = { sessionId: '5d6b8a3e-0000-4000-8000-000000000001', userId: 'user-1' };

describe('terminal tokens', () => {
  it('bind the session and the learner and expire after 60 seconds', () => {
    const { token, payload } = issueTerminalToken(SECRET, binding, now);
    expect(payload).toEqual({
      ...binding,
      expiresAt: new Date(now.getTime() + 60_000),
      jti: expect.stringMatching(/^[\w-]{22}$/),
    });
    expect(verifyTerminalToken(SECRET, token, new Date(now.getTime() + TERMINAL_TOKEN_TTL_MS - 1))).toEqual({
      ok: true,
      payload,
    });
    expect(verifyTerminalToken(SECRET, token, new Date(now.getTime() + TERMINAL_TOKEN_TTL_MS))).toEqual({
      ok: false,
      reason: 'EXPIRED',
    });
  });

  it('each token has its own jti', () => {
    expect(issueTerminalToken(SECRET, binding, now).payload.jti).not.toBe(
      issueTerminalToken(SECRET, binding, now).payload.jti,
    );
  });

  it('refuse another secret, a changed payload and malformed strings', () => {
    const { token } = issueTerminalToken(SECRET, binding, now);
    expect(verifyTerminalToken('other-secret-0123456789-0123456789', token, now)).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    const [version, body, signature] = token.split('.');
    const changed = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), u: 'user-2' }),
    ).toString('base64url');
    expect(verifyTerminalToken(SECRET, `${version}.${changed}.${signature}`, now)).toEqual({
      ok: false,
      reason: 'BAD_SIGNATURE',
    });
    for (const bad of ['', 'v1', 'v2.a.b', 'v1.a.b.c', `v2.${body}.${signature}`])
      expect(verifyTerminalToken(SECRET, bad, now).ok).toBe(false);
  });
});
