import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { DATABASE_FLAVOURS, type TestDatabase } from '@learncraft/kit/testing';
import { DEMO_ORGANIZATION, seedDemoAccounts, seedDemoOrganization } from '../src/seed';
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

  it('creates the demo organization Northwind Academy, owned by Ada with Lee as MEMBER, once', async () => {
    const stores = createStores(database.db.drizzle);
    expect(await seedDemoOrganization(stores)).toEqual({ created: true });
    expect(await seedDemoOrganization(stores)).toEqual({ created: false });
    expect(await stores.organizations.byId(DEMO_ORGANIZATION.id)).toMatchObject({
      name: 'Northwind Academy',
    });
    const members = await stores.organizations.members(DEMO_ORGANIZATION.id, 100);
    expect(members.map(({ userId, role }) => ({ userId, role }))).toEqual([
      { userId: '00000000-0000-4000-8000-000000000003', role: 'OWNER' },
      { userId: '00000000-0000-4000-8000-000000000001', role: 'MEMBER' },
    ]);
    expect(DEMO_ACCOUNTS.find((account) => account.id === members[0]!.userId)?.email).toBe(
      'ada@learncraft.dev',
    );
    expect(DEMO_ACCOUNTS.find((account) => account.id === members[1]!.userId)?.email).toBe(
      'learner@learncraft.dev',
    );
  });
});
