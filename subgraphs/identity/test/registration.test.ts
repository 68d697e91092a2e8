import { ME, REGISTER, SIGN_IN, newAccount, register, startTestIdentity, type TestIdentity } from './helpers';

describe('userRegister over HTTP', () => {
  let identity: TestIdentity;
  beforeAll(async () => {
    identity = await startTestIdentity();
  });
  afterAll(() => identity.dispose());

  const countUsers = async () =>
    (await identity.database.db.query<{ n: number }>('SELECT count(*)::int AS n FROM identity.users'))[0]?.n;

  it('creates a LEARNER account, signs it in, and `me` returns it with the access token', async () => {
    const input = newAccount({ displayName: '  Ada Lovelace ' });
    const response = await identity.gql(REGISTER, { input });
    expect(response.status).toBe(200);
    const payload = response.body.data!.userRegister;
    expect(payload.userErrors).toEqual([]);
    expect(payload.user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: input.email,
      displayName: 'Ada Lovelace',
      roles: ['LEARNER'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(payload.session.user).toEqual(payload.user);

    const me = await identity.gql(ME, {}, payload.session.accessToken);
    expect(me.body).toEqual({ data: { me: payload.user } });
  });

  it('stores the email trimmed and lower-cased, so sign-in ignores case', async () => {
    const { user, input } = await register(identity, newAccount({ email: '  Mixed.Case@Example.COM ' }));
    expect(user.email).toBe('mixed.case@example.com');
    const signIn = await identity.gql(SIGN_IN, {
      input: { email: 'MIXED.case@example.com', password: input.password },
    });
    expect(signIn.body.data!.sessionCreate.session.user.id).toBe(user.id);
  });

  it('answers EMAIL_TAKEN for an address already registered in another case, creating nothing', async () => {
    const first = await register(identity);
    const before = await countUsers();
    const response = await identity.gql(REGISTER, {
      input: newAccount({ email: first.input.email.toUpperCase() }),
    });
    expect(response.body.data!.userRegister).toEqual({
      user: null,
      session: null,
      userErrors: [
        {
          code: 'EMAIL_TAKEN',
          message: 'An account with this email address already exists.',
          field: ['input', 'email'],
        },
      ],
    });
    expect(await countUsers()).toBe(before);
  });

  it('answers WEAK_PASSWORD for a 9-character password, creating nothing', async () => {
    const before = await countUsers();
    const response = await identity.gql(REGISTER, { input: newAccount({ password: '123456789' }) });
    expect(response.body.data!.userRegister).toEqual({
      user: null,
      session: null,
      userErrors: [
        {
          code: 'WEAK_PASSWORD',
          message: 'Passwords need at least 10 characters.',
          field: ['input', 'password'],
        },
      ],
    });
    expect(await countUsers()).toBe(before);
  });

  it('answers BREACHED_PASSWORD for one of the most common breached passwords, creating nothing', async () => {
    const before = await countUsers();
    const response = await identity.gql(REGISTER, { input: newAccount({ password: 'Password123' }) });
    expect(response.body.data!.userRegister).toEqual({
      user: null,
      session: null,
      userErrors: [
        {
          code: 'BREACHED_PASSWORD',
          message:
            'This password is one of the most common passwords found in data breaches. Choose another.',
          field: ['input', 'password'],
        },
      ],
    });
    expect(await countUsers()).toBe(before);
  });

  it('answers PASSWORD_CONTAINS_EMAIL for a password built from the email, creating nothing', async () => {
    const before = await countUsers();
    const input = newAccount({ email: 'grace.hopper@example.com', password: 'Grace.Hopper-1906' });
    const response = await identity.gql(REGISTER, { input });
    expect(response.body.data!.userRegister.userErrors).toEqual([
      {
        code: 'PASSWORD_CONTAINS_EMAIL',
        message: 'Passwords cannot contain your email address or the part before the @.',
        field: ['input', 'password'],
      },
    ]);
    expect(await countUsers()).toBe(before);
  });

  it('answers INVALID_EMAIL for a malformed address, creating nothing', async () => {
    const before = await countUsers();
    const response = await identity.gql(REGISTER, { input: newAccount({ email: 'ada.example.com' }) });
    expect(response.body.data!.userRegister.userErrors).toEqual([
      {
        code: 'INVALID_EMAIL',
        message: 'Enter a valid email address, like name@example.com.',
        field: ['input', 'email'],
      },
    ]);
    expect(await countUsers()).toBe(before);
  });

  it('rejects a 1 MB display name with INVALID_DISPLAY_NAME and stores nothing', async () => {
    const input = newAccount({ displayName: 'x'.repeat(1024 * 1024) });
    const response = await identity.gql(REGISTER, { input });
    expect(response.status).toBe(200);
    expect(response.body.data!.userRegister).toEqual({
      user: null,
      session: null,
      userErrors: [
        {
          code: 'INVALID_DISPLAY_NAME',
          message: 'Display names need between 1 and 80 characters.',
          field: ['input', 'displayName'],
        },
      ],
    });
    expect(
      await identity.database.db.query('SELECT id FROM identity.users WHERE email = $1', [input.email]),
    ).toEqual([]);
  });

  it('reports all bad fields of one request together', async () => {
    const response = await identity.gql(REGISTER, {
      input: { email: 'x', password: 'short', displayName: ' ' },
    });
    expect(response.body.data!.userRegister.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'INVALID_EMAIL',
      'WEAK_PASSWORD',
      'INVALID_DISPLAY_NAME',
    ]);
  });

  it('stores an argon2id hash with the OWASP parameters, never the password', async () => {
    const { input, user } = await register(identity);
    const [row] = await identity.database.db.query<{ password_hash: string }>(
      'SELECT password_hash FROM identity.users WHERE id = $1',
      [user.id],
    );
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(row?.password_hash).not.toContain(input.password);
  });

  it('answers `me` with null for an anonymous request', async () => {
    expect((await identity.gql(ME)).body).toEqual({ data: { me: null } });
  });
});
