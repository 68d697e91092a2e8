import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS, type TestDatabase } from '@learncraft/kit/testing';
import { createStores, type IdentityStores, type User } from '../src/stores';
import { createMigratedDatabase } from './helpers';

const T0 = new Date('2025-03-01T12:00:00.000Z');
const T1 = new Date('2025-03-01T12:05:00.000Z');
const EXPIRY = new Date('2025-03-31T12:00:00.000Z');

describe.each(DATABASE_FLAVOURS)('SessionStore on %s', (flavour) => {
  let database: TestDatabase;
  let stores: IdentityStores;
  let user: User;
  beforeAll(async () => {
    database = await createMigratedDatabase(flavour);
    stores = createStores(database.db.drizzle);
    user = (await stores.users.insert({
      email: `${flavour}@example.com`,
      passwordHash: 'x',
      displayName: 'Linus',
      roles: ['LEARNER'],
    }))!;
  });
  afterAll(() => database.dispose());

  const issue = (tokenHash: string = randomUUID(), expiresAt = EXPIRY) =>
    stores.sessions.insert({ userId: user.id, tokenHash, expiresAt, now: T0 });

  it('stores a new token in a new family and finds it by hash', async () => {
    const record = await issue('hash-a');
    expect(record).toEqual({
      id: expect.any(String),
      userId: user.id,
      familyId: expect.any(String),
      createdAt: T0,
      expiresAt: EXPIRY,
      usedAt: null,
      revokedAt: null,
    });
    expect(await stores.sessions.byHash('hash-a')).toEqual(record);
    expect(await stores.sessions.byHash('unknown')).toBeNull();
  });

  it('rotates an active token: marks it used and adds its successor to the same family', async () => {
    const first = await issue('hash-b1');
    const rotation = await stores.sessions.rotate('hash-b1', {
      tokenHash: 'hash-b2',
      expiresAt: EXPIRY,
      now: T1,
    });
    expect(rotation?.previous).toEqual({ ...first, usedAt: T1 });
    expect(rotation?.next).toMatchObject({
      familyId: first.familyId,
      userId: user.id,
      createdAt: T1,
      usedAt: null,
    });
    expect((await stores.sessions.byFamily(first.familyId)).map((token) => token.usedAt)).toEqual([T1, null]);
  });

  it('does not rotate a used, revoked, expired or unknown token, and writes nothing', async () => {
    const used = await issue('hash-c1');
    await stores.sessions.rotate('hash-c1', { tokenHash: 'hash-c2', expiresAt: EXPIRY, now: T1 });
    const revoked = await issue('hash-d');
    await stores.sessions.revokeFamily(revoked.familyId, T1);
    await issue('hash-e', T1);

    for (const hash of ['hash-c1', 'hash-d', 'hash-e', 'unknown']) {
      expect(
        await stores.sessions.rotate(hash, { tokenHash: `next-${hash}`, expiresAt: EXPIRY, now: T1 }),
      ).toBeNull();
      expect(await stores.sessions.byHash(`next-${hash}`)).toBeNull();
    }
    expect(await stores.sessions.byFamily(used.familyId)).toHaveLength(2);
  });

  it('lets exactly one of two concurrent rotations of the same token succeed', async () => {
    const original = await issue('hash-f');
    const results = await Promise.all([
      stores.sessions.rotate('hash-f', { tokenHash: 'hash-f-x', expiresAt: EXPIRY, now: T1 }),
      stores.sessions.rotate('hash-f', { tokenHash: 'hash-f-y', expiresAt: EXPIRY, now: T1 }),
    ]);
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    expect(await stores.sessions.byFamily(original.familyId)).toHaveLength(2);
  });

  it('revokes every token of a family, and only that family', async () => {
    const family = await issue('hash-g1');
    await stores.sessions.rotate('hash-g1', { tokenHash: 'hash-g2', expiresAt: EXPIRY, now: T1 });
    await issue('hash-h');
    expect(await stores.sessions.revokeFamily(family.familyId, T1)).toBe(2);
    expect((await stores.sessions.byFamily(family.familyId)).map((token) => token.revokedAt)).toEqual([
      T1,
      T1,
    ]);
    expect((await stores.sessions.byHash('hash-h'))?.revokedAt).toBeNull();
    expect(await stores.sessions.revokeFamily(family.familyId, T1)).toBe(0);
  });

  it('refuses a second token with the same hash', async () => {
    await issue('hash-i');
    await expect(issue('hash-i')).rejects.toThrow();
  });
});
