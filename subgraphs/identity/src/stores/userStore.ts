/** Accounts in `identity.users`. Returns plain objects; the password hash only where sign-in needs it. */
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { ROLES, type Drizzle, type Role } from '@learncraft/kit';
import { usersTable } from './tables';

export interface User {
  id: string;
  email: string;
  displayName: string;
  roles: Role[];
  createdAt: Date;
}

export interface NewUser {
  /** Random when omitted; demo accounts bring fixed ids. */
  id?: string;
  email: string;
  passwordHash: string;
  displayName: string;
  roles: Role[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const userColumns = {
  id: usersTable.id,
  email: usersTable.email,
  displayName: usersTable.displayName,
  roles: usersTable.roles,
  createdAt: usersTable.createdAt,
};

type UserRow = { id: string; email: string; displayName: string; roles: string[]; createdAt: Date };

export class UserStore {
  constructor(private readonly db: Drizzle) {}

  /** One query for any number of ids; ids that are not UUIDs simply match nothing. */
  async byIds(ids: readonly string[]): Promise<User[]> {
    const valid = [...new Set(ids.filter((id) => UUID.test(id)))];
    if (valid.length === 0) return [];
    const rows = await this.db.select(userColumns).from(usersTable).where(inArray(usersTable.id, valid));
    return rows.map(toUser);
  }

  async byId(id: string): Promise<User | null> {
    return (await this.byIds([id]))[0] ?? null;
  }

  /** `email` must already be normalised (see domain/accountInput). */
  async byEmail(email: string): Promise<User | null> {
    const rows = await this.db
      .select(userColumns)
      .from(usersTable)
      .where(eq(usersTable.email, email))
      .limit(1);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async credentialsByEmail(email: string): Promise<{ user: User; passwordHash: string } | null> {
    const rows = await this.db
      .select({ ...userColumns, passwordHash: usersTable.passwordHash })
      .from(usersTable)
      .where(eq(usersTable.email, email))
      .limit(1);
    const row = rows[0];
    return row ? { user: toUser(row), passwordHash: row.passwordHash } : null;
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.update(usersTable).set({ passwordHash }).where(eq(usersTable.id, id));
  }

  /** Inserts the account, or returns null when its email (or id) is already taken. */
  async insert(user: NewUser): Promise<User | null> {
    const rows = await this.db
      .insert(usersTable)
      .values({
        id: user.id ?? randomUUID(),
        email: user.email,
        passwordHash: user.passwordHash,
        displayName: user.displayName,
        roles: [...user.roles],
      })
      .onConflictDoNothing()
      .returning(userColumns);
    return rows[0] ? toUser(rows[0]) : null;
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    roles: row.roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role)),
    createdAt: row.createdAt,
  };
}
