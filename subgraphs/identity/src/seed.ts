/**
 * Creates the kit's demo accounts (fixed ids, emails, passwords, roles) when they are missing.
 * Idempotent: an account whose id or email already exists is left as it is.
 */
import { DEMO_ACCOUNTS, type DemoAccount, type Logger } from '@learncraft/kit';
import { normaliseEmail } from './domain/accountInput';
import { hashPassword } from './passwords';
import type { UserStore } from './stores';

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
