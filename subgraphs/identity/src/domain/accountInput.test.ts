import {
  checkEmail,
  checkNewPassword,
  normaliseDisplayName,
  normaliseEmail,
  validateCredentials,
  validateRegistration,
} from './accountInput';

const MEGABYTE = 'x'.repeat(1024 * 1024);

describe('normaliseEmail', () => {
  it('trims and lower-cases so the same address always matches', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM \n')).toBe('ada.lovelace@example.com');
  });
});

describe('checkEmail', () => {
  it.each(['ada@example.com', 'a.b+tag@sub.example.co.uk', 'jürgen@bücher.de', "o'neil@x-y.io"])(
    'accepts %s',
    (email) => {
      expect(checkEmail(email)).toBeNull();
    },
  );

  it.each([
    '',
    'ada',
    'ada@',
    '@example.com',
    'ada@example',
    'a@b@example.com',
    'ada lovelace@example.com',
    'ada@-x.com',
    'ada@x..com',
  ])('rejects %j as INVALID_EMAIL on input.email', (email) => {
    expect(checkEmail(email)).toEqual({
      code: 'INVALID_EMAIL',
      message: 'Enter a valid email address, like name@example.com.',
      field: ['input', 'email'],
    });
  });

  it('rejects an address longer than 254 characters with a length message', () => {
    expect(checkEmail(`${'a'.repeat(60)}@${'b'.repeat(190)}.com`)).toEqual({
      code: 'INVALID_EMAIL',
      message: 'Email addresses can be at most 254 characters long.',
      field: ['input', 'email'],
    });
  });

  it('rejects a local part longer than 64 characters', () => {
    expect(checkEmail(`${'a'.repeat(65)}@example.com`)?.code).toBe('INVALID_EMAIL');
  });
});

describe('checkNewPassword', () => {
  it('accepts exactly 10 and exactly 256 characters', () => {
    expect(checkNewPassword('a'.repeat(10))).toBeNull();
    expect(checkNewPassword('a'.repeat(256))).toBeNull();
  });

  it('rejects 9 characters as WEAK_PASSWORD on input.password', () => {
    expect(checkNewPassword('a'.repeat(9))).toEqual({
      code: 'WEAK_PASSWORD',
      message: 'Passwords need at least 10 characters.',
      field: ['input', 'password'],
    });
  });

  it('counts characters, not UTF-16 units: five emoji are five characters', () => {
    expect(checkNewPassword('🔑🔑🔑🔑🔑')?.code).toBe('WEAK_PASSWORD');
  });

  it('rejects 257 characters and a megabyte as PASSWORD_TOO_LONG', () => {
    const expected = {
      code: 'PASSWORD_TOO_LONG',
      message: 'Passwords can be at most 256 characters long.',
      field: ['input', 'password'],
    };
    expect(checkNewPassword('a'.repeat(257))).toEqual(expected);
    expect(checkNewPassword(MEGABYTE)).toEqual(expected);
  });
});

describe('normaliseDisplayName', () => {
  it('trims surrounding whitespace', () => {
    expect(normaliseDisplayName('  Ada Lovelace  ')).toEqual({ ok: true, value: 'Ada Lovelace' });
  });

  it('accepts 80 characters and rejects 81', () => {
    expect(normaliseDisplayName('é'.repeat(80))).toEqual({ ok: true, value: 'é'.repeat(80) });
    expect(normaliseDisplayName('é'.repeat(81))).toEqual({
      ok: false,
      errors: [
        {
          code: 'INVALID_DISPLAY_NAME',
          message: 'Display names need between 1 and 80 characters.',
          field: ['input', 'displayName'],
        },
      ],
    });
  });

  it('rejects a name that is only whitespace', () => {
    expect(normaliseDisplayName('   \t ')).toMatchObject({
      ok: false,
      errors: [{ code: 'INVALID_DISPLAY_NAME' }],
    });
  });

  it('rejects line breaks inside the name', () => {
    expect(normaliseDisplayName('Ada\nLovelace')).toEqual({
      ok: false,
      errors: [
        {
          code: 'INVALID_DISPLAY_NAME',
          message: 'Display names cannot contain control characters such as line breaks or tabs.',
          field: ['input', 'displayName'],
        },
      ],
    });
  });

  it('rejects a megabyte of text with the length message', () => {
    expect(normaliseDisplayName(MEGABYTE)).toMatchObject({
      ok: false,
      errors: [{ code: 'INVALID_DISPLAY_NAME', message: 'Display names need between 1 and 80 characters.' }],
    });
  });
});

describe('validateRegistration', () => {
  it('returns normalised values for good input', () => {
    expect(
      validateRegistration({
        email: ' Ada@Example.com',
        password: 'correct horse battery',
        displayName: ' Ada ',
      }),
    ).toEqual({
      ok: true,
      value: { email: 'ada@example.com', password: 'correct horse battery', displayName: 'Ada' },
    });
  });

  it('reports every bad field at once, in field order', () => {
    const result = validateRegistration({ email: 'nope', password: 'short', displayName: '' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.code)).toEqual([
      'INVALID_EMAIL',
      'WEAK_PASSWORD',
      'INVALID_DISPLAY_NAME',
    ]);
  });

  it('does not trim or otherwise alter the password', () => {
    const result = validateRegistration({ email: 'a@b.co', password: '  spaces count  ', displayName: 'A' });
    expect(result.ok && result.value.password).toBe('  spaces count  ');
  });
});

describe('validateCredentials', () => {
  it('normalises the email of a sign-in', () => {
    expect(validateCredentials({ email: 'ADA@example.com ', password: 'whatever' })).toEqual({
      ok: true,
      value: { email: 'ada@example.com', password: 'whatever' },
    });
  });

  it('reports a malformed email as INVALID_EMAIL', () => {
    expect(validateCredentials({ email: 'not-an-email', password: 'whatever' })).toMatchObject({
      ok: false,
      errors: [{ code: 'INVALID_EMAIL', field: ['input', 'email'] }],
    });
  });

  it.each([
    ['an empty password', ''],
    ['a password longer than any account can have', 'p'.repeat(257)],
  ])('reports %s as INVALID_CREDENTIALS', (_case, password) => {
    expect(validateCredentials({ email: 'ada@example.com', password })).toEqual({
      ok: false,
      errors: [
        { code: 'INVALID_CREDENTIALS', message: 'The email address or password is incorrect.', field: null },
      ],
    });
  });
});
