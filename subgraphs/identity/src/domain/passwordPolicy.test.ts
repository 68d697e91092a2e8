import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { checkNewPassword } from './accountInput';
import { breachedPasswords, checkPasswordPolicy, containsEmail, isBreachedPassword } from './passwordPolicy';

const FIELD = ['input', 'password'];
const BREACHED = {
  code: 'BREACHED_PASSWORD',
  message: 'This password is one of the most common passwords found in data breaches. Choose another.',
  field: FIELD,
};
const CONTAINS_EMAIL = {
  code: 'PASSWORD_CONTAINS_EMAIL',
  message: 'Passwords cannot contain your email address or the part before the @.',
  field: FIELD,
};

describe('the breached-password list', () => {
  it('holds well over the top 10 000 breached passwords, most common first', () => {
    expect(breachedPasswords().size).toBeGreaterThanOrEqual(10_000);
    expect([...breachedPasswords()].slice(0, 3)).toEqual(['123456', 'password', '12345678']);
  });

  it.each(['qwertyuiop', '1234567890', 'password123', 'basketball', 'PassWord123', '1q2w3e4r5t'])(
    'knows %s, ignoring case',
    (password) => {
      expect(isBreachedPassword(password)).toBe(true);
    },
  );

  it('does not flag a long passphrase', () => {
    expect(isBreachedPassword('correct horse battery staple')).toBe(false);
  });
});

describe('containsEmail', () => {
  it.each([
    ['the local part', 'ada.lovelace-2024', 'ada.lovelace@example.com'],
    ['the local part in capitals', 'MyADA.LOVELACEpass', 'ada.lovelace@example.com'],
    ['the whole address', 'x ada@example.com x', 'ada@example.com'],
    ['the local part without its +tag', 'grace-hopper-rocks', 'grace+learncraft@example.com'],
  ])('finds %s', (_case, password, email) => {
    expect(containsEmail(password, email)).toBe(true);
  });

  it('ignores local parts under 3 characters, which would forbid common letters', () => {
    expect(containsEmail('a long and unusual phrase', 'al@example.com')).toBe(false);
  });

  it('does not flag an unrelated password', () => {
    expect(containsEmail('correct horse battery staple', 'ada@example.com')).toBe(false);
  });
});

describe('checkPasswordPolicy', () => {
  it('reports a breached password before an email hint, on the given field', () => {
    expect(checkPasswordPolicy('password123', 'password@example.com', FIELD)).toEqual(BREACHED);
    expect(checkPasswordPolicy('qwertyuiop', 'x@example.com', ['input', 'newPassword'])).toEqual({
      ...BREACHED,
      field: ['input', 'newPassword'],
    });
  });

  it('reports PASSWORD_CONTAINS_EMAIL for a password built from the email', () => {
    expect(checkPasswordPolicy('learner-is-my-name', 'learner@learncraft.dev', FIELD)).toEqual(
      CONTAINS_EMAIL,
    );
  });

  it('accepts a password that is neither', () => {
    expect(checkPasswordPolicy('correct horse battery staple', 'ada@example.com', FIELD)).toBeNull();
  });

  it('checks length first: a short common password is WEAK_PASSWORD, not BREACHED_PASSWORD', () => {
    expect(checkNewPassword('123456', 'ada@example.com')?.code).toBe('WEAK_PASSWORD');
  });
});

describe('the demo accounts', () => {
  it('have passwords that contain their email’s local part, so they are seeded without the policy', () => {
    // Seeding (seed.ts) stores them directly; registering them would be refused. Keeping them
    // memorable matters more for a demo than the policy, and they are printed by `npm start`.
    expect(
      DEMO_ACCOUNTS.map((account) => checkPasswordPolicy(account.password, account.email, FIELD)?.code),
    ).toEqual([
      'PASSWORD_CONTAINS_EMAIL',
      'PASSWORD_CONTAINS_EMAIL',
      'PASSWORD_CONTAINS_EMAIL',
      'PASSWORD_CONTAINS_EMAIL',
    ]);
    expect(DEMO_ACCOUNTS.some((account) => isBreachedPassword(account.password))).toBe(false);
  });
});
