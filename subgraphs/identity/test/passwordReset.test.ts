import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  REFRESH,
  RESET_COMPLETE,
  RESET_REQUEST,
  SIGN_IN,
  fromAddress,
  newAccount,
  register,
  startTestIdentity,
  type GraphQLResponse,
  type TestIdentity,
} from './helpers';

const INVALID_RESET_TOKEN = {
  code: 'INVALID_RESET_TOKEN',
  message: 'This password reset link is invalid, expired or already used. Request a new one.',
  field: ['input', 'token'],
};
const NEW_PASSWORD = 'a brand new passphrase';

let addressCounter = 0;
const newAddress = () => `192.0.2.${(addressCounter += 1)}`;

describe('password reset over HTTP', () => {
  let identity: TestIdentity;
  let clockOffsetMs = 0;
  beforeAll(async () => {
    identity = await startTestIdentity({ now: () => new Date(Date.now() + clockOffsetMs) });
  });
  afterAll(() => identity.dispose());
  afterEach(() => {
    clockOffsetMs = 0;
  });

  const mailDir = () => join(identity.dataDir, 'mail');
  const mailsTo = async (email: string) => {
    await identity.server.mailIdle();
    const files = await readdir(mailDir()).catch(() => [] as string[]);
    return files.filter((file) => file.endsWith(`-${email}.eml`)).sort();
  };
  const request = (email: string, address = newAddress()) =>
    identity.gql(RESET_REQUEST, { input: { email } }, undefined, fromAddress(address));
  const complete = async (token: string, newPassword = NEW_PASSWORD) =>
    (await identity.gql(RESET_COMPLETE, { input: { token, newPassword } })).body.data!.passwordResetComplete;
  /** Requests a reset and returns the token from the link in the mail file. */
  const requestToken = async (email: string) => {
    const before = new Set(await mailsTo(email));
    expect((await request(email)).body.data!.passwordResetRequest).toEqual({
      requested: true,
      userErrors: [],
    });
    const [file, ...others] = (await mailsTo(email)).filter((name) => !before.has(name));
    expect(others).toEqual([]);
    const text = await readFile(join(mailDir(), file!), 'utf8');
    const token = /\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
    if (!token) throw new Error(`no reset link in ${text}`);
    return token;
  };
  const signInErrors = async (email: string, password: string) =>
    (
      await identity.gql(SIGN_IN, { input: { email, password } }, undefined, fromAddress(newAddress()))
    ).body.data!.sessionCreate.userErrors.map((error: { code: string }) => error.code);

  it('answers an unknown email exactly like a known one, and mails only the account', async () => {
    const { input } = await register(identity);
    const unknown = newAccount().email;
    const known = await request(input.email);
    const other = await request(unknown);
    expect(known.body).toEqual({ data: { passwordResetRequest: { requested: true, userErrors: [] } } });
    expect(other.body).toEqual(known.body);
    expect(await mailsTo(input.email)).toHaveLength(1);
    expect(await mailsTo(unknown)).toEqual([]);
  });

  it('writes the mail as an .eml file (0600) with a link to the web app’s reset page', async () => {
    const { input, user } = await register(identity);
    await request(input.email);
    const [file] = await mailsTo(input.email);
    expect(file).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-person.*@example\.com\.eml$/);
    const path = join(mailDir(), file!);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).toContain(`To: ${input.email}\r\n`);
    expect(text).toContain('Subject: Reset your LearnCraft password\r\n');
    expect(text).toContain(`Hello ${user.displayName},`);
    expect(text).toMatch(/http:\/\/127\.0\.0\.1:4000\/reset-password\?token=[A-Za-z0-9_-]{43}\r?\n/);
    expect(text).toContain('within 30 minutes');
  });

  it('sets the new password: the old one stops working, the new one signs in', async () => {
    const { input, user } = await register(identity);
    const token = await requestToken(input.email);
    expect(await complete(token)).toEqual({ user: { id: user.id, email: input.email }, userErrors: [] });
    expect(await signInErrors(input.email, input.password)).toEqual(['INVALID_CREDENTIALS']);
    expect(await signInErrors(input.email, NEW_PASSWORD)).toEqual([]);
  });

  it('ends every session of the account, on every device', async () => {
    const { input, session } = await register(identity);
    const other = (await identity.gql(SIGN_IN, { input: { email: input.email, password: input.password } }))
      .body.data!.sessionCreate.session;
    await complete(await requestToken(input.email));
    for (const refreshToken of [session.refreshToken, other.refreshToken]) {
      const refreshed = (await identity.gql(REFRESH, { input: { refreshToken } })).body.data!.sessionRefresh;
      expect(refreshed.userErrors.map((error: { code: string }) => error.code)).toEqual([
        'INVALID_REFRESH_TOKEN',
      ]);
    }
  });

  it('accepts a token once, and then no other outstanding token of the account either', async () => {
    const { input } = await register(identity);
    const first = await requestToken(input.email);
    const second = await requestToken(input.email);
    expect((await complete(second)).userErrors).toEqual([]);
    expect(await complete(second, 'yet another passphrase')).toEqual({
      user: null,
      userErrors: [INVALID_RESET_TOKEN],
    });
    expect(await complete(first, 'yet another passphrase')).toEqual({
      user: null,
      userErrors: [INVALID_RESET_TOKEN],
    });
    expect(await signInErrors(input.email, NEW_PASSWORD)).toEqual([]);
  });

  it('refuses a token 30 minutes after it was sent', async () => {
    const { input } = await register(identity);
    const token = await requestToken(input.email);
    clockOffsetMs = 30 * 60_000;
    expect(await complete(token)).toEqual({ user: null, userErrors: [INVALID_RESET_TOKEN] });
    clockOffsetMs = 29 * 60_000;
    expect((await complete(token)).userErrors).toEqual([]);
  });

  it('refuses unknown and malformed tokens', async () => {
    expect(await complete('A'.repeat(43))).toEqual({ user: null, userErrors: [INVALID_RESET_TOKEN] });
    expect(await complete('not a token')).toEqual({ user: null, userErrors: [INVALID_RESET_TOKEN] });
  });

  it('applies the password policy at input.newPassword and keeps the token usable', async () => {
    const { input } = await register(identity, newAccount({ email: `marie.curie${Date.now()}@example.com` }));
    const token = await requestToken(input.email);
    const local = input.email.split('@')[0]!;
    expect(await complete(token, 'short')).toEqual({
      user: null,
      userErrors: [
        {
          code: 'WEAK_PASSWORD',
          message: 'Passwords need at least 10 characters.',
          field: ['input', 'newPassword'],
        },
      ],
    });
    expect(await complete(token, 'basketball')).toEqual({
      user: null,
      userErrors: [
        {
          code: 'BREACHED_PASSWORD',
          message:
            'This password is one of the most common passwords found in data breaches. Choose another.',
          field: ['input', 'newPassword'],
        },
      ],
    });
    expect((await complete(token, `my ${local} password`)).userErrors).toEqual([
      {
        code: 'PASSWORD_CONTAINS_EMAIL',
        message: 'Passwords cannot contain your email address or the part before the @.',
        field: ['input', 'newPassword'],
      },
    ]);
    expect((await complete(token)).userErrors).toEqual([]);
  });

  it('stores only the SHA-256 of a reset token', async () => {
    const { input, user } = await register(identity);
    const token = await requestToken(input.email);
    const rows = await identity.database.db.query<{ token_hash: string }>(
      'SELECT token_hash FROM identity.password_reset_tokens WHERE user_id = $1',
      [user.id],
    );
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
  });

  it('reports a malformed email as INVALID_EMAIL', async () => {
    expect((await request('not-an-email')).body.data!.passwordResetRequest).toEqual({
      requested: false,
      userErrors: [
        {
          code: 'INVALID_EMAIL',
          message: 'Enter a valid email address, like name@example.com.',
          field: ['input', 'email'],
        },
      ],
    });
  });

  const rateLimited = (response: GraphQLResponse) => {
    expect(response.body.data).toBeNull();
    const error = response.body.errors?.[0];
    expect(error?.extensions?.code).toBe('RATE_LIMITED');
    expect(error).toMatchObject({ path: ['passwordResetRequest'] });
    return error?.extensions?.retryAfterSeconds as number;
  };

  it('allows 3 requests per email an hour from any addresses, known or unknown, then RATE_LIMITED', async () => {
    const { input } = await register(identity);
    const unknown = newAccount().email;
    for (const email of [input.email, unknown]) {
      for (let i = 0; i < 3; i++)
        expect((await request(email)).body.data!.passwordResetRequest.requested).toBe(true);
      const retryAfterSeconds = rateLimited(await request(email));
      expect(retryAfterSeconds).toBeGreaterThan(3590);
      expect(retryAfterSeconds).toBeLessThanOrEqual(3600);
    }
    expect(await mailsTo(input.email)).toHaveLength(3);
  });

  it('allows 10 requests per client address an hour across emails, then RATE_LIMITED', async () => {
    const address = newAddress();
    for (let i = 0; i < 10; i++) {
      expect((await request(newAccount().email, address)).body.data!.passwordResetRequest.requested).toBe(
        true,
      );
    }
    expect(rateLimited(await request(newAccount().email, address))).toBeGreaterThan(3590);
    expect((await request(newAccount().email)).body.data!.passwordResetRequest.requested).toBe(true);
  });
});

describe('password reset links', () => {
  it('point at WEB_APP_URL when it is set', async () => {
    const identity = await startTestIdentity({ env: { WEB_APP_URL: 'https://learn.example.org/' } });
    try {
      const { input } = await register(identity);
      await identity.gql(RESET_REQUEST, { input: { email: input.email } });
      await identity.server.mailIdle();
      const [file] = await readdir(join(identity.dataDir, 'mail'));
      const text = await readFile(join(identity.dataDir, 'mail', file!), 'utf8');
      expect(text).toMatch(/https:\/\/learn\.example\.org\/reset-password\?token=[A-Za-z0-9_-]{43}/);
    } finally {
      await identity.dispose();
    }
  });
});

describe('password reset with a mail server that fails', () => {
  it('answers the request as usual; the failure is logged, not shown to the caller', async () => {
    const sent: string[] = [];
    const identity = await startTestIdentity({
      mailer: {
        send: (mail) => {
          sent.push(mail.to);
          return Promise.reject(new Error('421 service not available'));
        },
        close: () => Promise.resolve(),
      },
    });
    try {
      const { input } = await register(identity);
      const response = await identity.gql(RESET_REQUEST, { input: { email: input.email } });
      expect(response.body).toEqual({ data: { passwordResetRequest: { requested: true, userErrors: [] } } });
      await identity.server.mailIdle();
      expect(sent).toEqual([input.email]);
    } finally {
      await identity.dispose();
    }
  });
});
