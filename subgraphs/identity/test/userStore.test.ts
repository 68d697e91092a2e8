import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS, type TestDatabase } from '@learncraft/kit/testing';
import { createStores, type IdentityStores } from '../src/stores';
import { createMigratedDatabase } from './helpers';

describe.each(DATABASE_FLAVOURS)('UserStore on %s', (flavour) => {
  let database: TestDatabase;
  let stores: IdentityStores;
  beforeAll(async () => {
    database = await createMigratedDatabase(flavour);
    stores = createStores(database.db.drizzle);
  });
  afterAll(() => database.dispose());

  const newUser = (email: string) => ({
    email,
    passwordHash: '$argon2id$fake',
    displayName: 'Grace Hopper',
    roles: ['LEARNER' as const, 'INSTRUCTOR' as const],
  });

  it('inserts an account and returns it without the password hash', async () => {
    const user = await stores.users.insert({
      ...newUser('grace@example.com'),
      id: '22222222-2222-4222-8222-222222222222',
    });
    expect(user).toEqual({
      id: '22222222-2222-4222-8222-222222222222',
      email: 'grace@example.com',
      displayName: 'Grace Hopper',
      roles: ['LEARNER', 'INSTRUCTOR'],
      createdAt: expect.any(Date),
    });
  });

  it('returns null and changes nothing when the email is already taken', async () => {
    const before = await database.db.query('SELECT count(*)::int AS n FROM identity.users');
    expect(
      await stores.users.insert({ ...newUser('grace@example.com'), displayName: 'Impostor' }),
    ).toBeNull();
    expect(await database.db.query('SELECT count(*)::int AS n FROM identity.users')).toEqual(before);
    expect((await stores.users.byEmail('grace@example.com'))?.displayName).toBe('Grace Hopper');
  });

  it('refuses an email that is not normalised, at the database level', async () => {
    await expect(stores.users.insert(newUser('Grace2@Example.com'))).rejects.toThrow();
  });

  it('finds accounts by email and by id', async () => {
    const byEmail = await stores.users.byEmail('grace@example.com');
    expect(byEmail?.id).toBe('22222222-2222-4222-8222-222222222222');
    expect(await stores.users.byId('22222222-2222-4222-8222-222222222222')).toEqual(byEmail);
    expect(await stores.users.byEmail('nobody@example.com')).toBeNull();
    expect(await stores.users.byId(randomUUID())).toBeNull();
  });

  it('loads many ids in one query and ignores unknown and non-UUID ids', async () => {
    const second = await stores.users.insert(newUser('second@example.com'));
    const before = database.metrics.get('db_queries_total');
    const users = await stores.users.byIds([
      second!.id,
      'not-a-uuid',
      randomUUID(),
      '22222222-2222-4222-8222-222222222222',
    ]);
    expect(database.metrics.get('db_queries_total')).toBe(before + 1);
    expect(users.map((user) => user.email).sort()).toEqual(['grace@example.com', 'second@example.com']);
    expect(await stores.users.byIds(['not-a-uuid'])).toEqual([]);
  });

  it('returns the password hash only through credentialsByEmail', async () => {
    expect(await stores.users.credentialsByEmail('grace@example.com')).toEqual({
      user: expect.objectContaining({ email: 'grace@example.com' }),
      passwordHash: '$argon2id$fake',
    });
    expect(await stores.users.credentialsByEmail('nobody@example.com')).toBeNull();
  });

  it('rolls back every write of a failed transaction', async () => {
    await expect(
      stores.transaction(async (tx) => {
        await tx.users.insert(newUser('rolled-back@example.com'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await stores.users.byEmail('rolled-back@example.com')).toBeNull();
  });
});
