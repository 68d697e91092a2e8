/**
 * Creates the kit's demo accounts (fixed ids, emails, passwords, roles) when they are missing,
 * and the demo organization "Northwind Academy". Idempotent: an account whose id or email already
 * exists is left as it is, and so is an organization or membership that is already there.
 */
import { DEMO_ACCOUNTS, type DemoAccount, type Logger, type OrganizationRole } from '@learncraft/kit';
import { normaliseEmail } from './domain/accountInput';
import { hashPassword } from './passwords';
import type { IdentityStores, UserStore } from './stores';

/**
 * The demo organization: Ada Typewright (ada@learncraft.dev) owns it, Lee Learner
 * (learner@learncraft.dev) learns with it. A fixed id, so other subgraphs' demo data can name it.
 */
export const DEMO_ORGANIZATION = {
  id: '00000000-0000-4000-8000-000000000101',
  name: 'Northwind Academy',
  members: [
    { userId: '00000000-0000-4000-8000-000000000003', role: 'OWNER' },
    { userId: '00000000-0000-4000-8000-000000000001', role: 'MEMBER' },
  ] satisfies { userId: string; role: OrganizationRole }[],
} as const;

export interface SeedOptions {
  accounts?: readonly DemoAccount[];
  logger?: Logger;
}

/** Returns the emails of the accounts it created (empty when all were already there). */
export async function seedDemoAccounts(users: UserStore, options: SeedOptions = {}): Promise<string[]> {
  const accounts = options.accounts ?? DEMO_ACCOUNTS;
  const existing = new Set((await users.byIds(accounts.map((account) => account.id))).map((user) => user.id));
  const created: string[] = [];
  for (const [index, account] of accounts.entries()) {
    if (existing.has(account.id)) continue;
    const user = await users.insert({
      id: account.id,
      email: normaliseEmail(account.email),
      passwordHash: await hashPassword(account.password),
      displayName: account.displayName,
      roles: account.roles,
    });
    if (user) {
      created.push(user.email);
      options.logger?.info(`seeded demo account ${index + 1}/${accounts.length}: ${user.email}`);
    } else {
      options.logger?.warn(`demo account ${account.email} skipped: its email belongs to another account`);
    }
  }
  return created;
}

/** Creates the demo organization and its memberships where missing (after the demo accounts). */
export async function seedDemoOrganization(
  stores: IdentityStores,
  options: { logger?: Logger; now?: Date } = {},
): Promise<{ created: boolean }> {
  const now = options.now ?? new Date();
  const present = new Set(
    (await stores.users.byIds(DEMO_ORGANIZATION.members.map((member) => member.userId))).map(
      (user) => user.id,
    ),
  );
  if (present.size !== DEMO_ORGANIZATION.members.length) {
    options.logger?.warn(
      `demo organization ${DEMO_ORGANIZATION.name} skipped: its demo accounts are missing`,
    );
    return { created: false };
  }
  return stores.transaction(async (tx) => {
    const exists = await tx.organizations.byId(DEMO_ORGANIZATION.id);
    if (!exists)
      await tx.organizations.insert({ id: DEMO_ORGANIZATION.id, name: DEMO_ORGANIZATION.name, now });
    // A millisecond apart, so the owner is listed first (members are ordered by joinedAt).
    for (const [index, member] of DEMO_ORGANIZATION.members.entries()) {
      const joinedAt = new Date(now.getTime() + index);
      await tx.organizations.addMember({ organizationId: DEMO_ORGANIZATION.id, ...member, joinedAt });
    }
    if (!exists) options.logger?.info(`seeded demo organization ${DEMO_ORGANIZATION.name}`);
    return { created: !exists };
  });
}
