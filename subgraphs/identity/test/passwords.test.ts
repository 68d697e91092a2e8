import argon2 from 'argon2';
import { DUMMY_HASH, PASSWORD_HASH_OPTIONS, hashPassword, verifyPassword } from '../src/passwords';

describe('password hashing', () => {
  it('uses argon2id with 19 MiB, 2 passes and 1 lane', async () => {
    expect(await hashPassword('correct horse battery')).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery!')).toBe(false);
  });

  it('rejects every password when there is no account, after doing the same work', async () => {
    // The dummy hash must cost what a real one costs, or sign-in timing would reveal accounts.
    expect(argon2.needsRehash(DUMMY_HASH, PASSWORD_HASH_OPTIONS)).toBe(false);
    expect(await verifyPassword(null, 'correct horse battery')).toBe(false);
  });

  it('treats a corrupt stored hash as a wrong password instead of failing', async () => {
    expect(await verifyPassword('not-a-hash', 'correct horse battery')).toBe(false);
  });
});
