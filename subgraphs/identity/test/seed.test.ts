import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { DATABASE_FLAVOURS, type TestDatabase } from '@learncraft/kit/testing';
import { seedDemoAccounts } from '../src/seed';
import { createStores } from '../src/stores';
import { verifyPassword } from '../src/passwords';
import { createMigratedDatabase } from './helpers';

describe.each(DATABASE_FLAVOURS)('seedDemoAccounts on %s', (flavour) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createMigratedDatabase(flavour);
  });
  afterAll(() => database.dispose());

  it('creates every demo account with its fixed id, email, roles and password', async () => {
    const { users } = createStores(database.db.drizzle);
    expect(await seedDemoAccounts(users)).toEqual(DEMO_ACCOUNTS.map((account) => account.email));
    for (const account of DEMO_ACCOUNTS) {
      const stored = await users.credentialsByEmail(account.email);
      expect(stored?.user).toMatchObject({
        id: account.id,
        displayName: account.displayName,
        roles: account.roles,
      });
      expect(await verifyPassword(stored!.passwordHash, account.password)).toBe(true);
    }
  });

  it('creates nothing the second time', async () => {
    const { users } = createStores(database.db.drizzle);
    expect(await seedDemoAccounts(users)).toEqual([]);
    expect(await database.db.query('SELECT count(*)::int AS n FROM identity.users')).toEqual([
      { n: DEMO_ACCOUNTS.length },
    ]);
  });

  it('skips a demo account whose email someone else already registered', async () => {
    const { users } = createStores(database.db.drizzle);
    const taken = await users.insert({
      email: 'taken-demo@learncraft.dev',
      passwordHash: 'x',
      displayName: 'Early Bird',
      roles: ['LEARNER'],
    });
    const demo = {
      ...DEMO_ACCOUNTS[0]!,
      id: '00000000-0000-4000-8000-0000000000ff',
      email: 'taken-demo@learncraft.dev',
    };
    expect(await seedDemoAccounts(users, { accounts: [demo] })).toEqual([]);
    expect(await users.byEmail('taken-demo@learncraft.dev')).toEqual(taken);
  });
});
