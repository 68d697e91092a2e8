/**
 * Organizations and their members in `identity.organizations` and
 * `identity.organization_members`. Changes to an organization's members run inside a transaction
 * that first `lock`s the organization row, so owner counts read there cannot go stale.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, gt, inArray, lte, or, sql } from 'drizzle-orm';
import { ORGANIZATION_ROLES, type Drizzle, type OrganizationRole, type PageRequest } from '@learncraft/kit';
import { uuidsOf } from './ids';
import { organizationMembersTable, organizationsTable } from './tables';

export interface Organization {
  id: string;
  name: string;
  createdAt: Date;
}

export interface OrganizationMembership {
  organizationId: string;
  userId: string;
  role: OrganizationRole;
  joinedAt: Date;
}

const memberColumns = {
  organizationId: organizationMembersTable.organizationId,
  userId: organizationMembersTable.userId,
  role: organizationMembersTable.role,
  joinedAt: organizationMembersTable.joinedAt,
};

const memberOrder = [asc(organizationMembersTable.joinedAt), asc(organizationMembersTable.userId)];

export class OrganizationStore {
  constructor(private readonly db: Drizzle) {}

  async insert(organization: { id?: string; name: string; now: Date }): Promise<Organization> {
    const [row] = await this.db
      .insert(organizationsTable)
      .values({ id: organization.id ?? randomUUID(), name: organization.name, createdAt: organization.now })
      .returning();
    if (!row) throw new Error('inserting an organization returned no row');
    return row;
  }

  async byIds(ids: readonly string[]): Promise<Organization[]> {
    const valid = uuidsOf(ids);
    if (valid.length === 0) return [];
    return this.db.select().from(organizationsTable).where(inArray(organizationsTable.id, valid));
  }

  async byId(id: string): Promise<Organization | null> {
    return (await this.byIds([id]))[0] ?? null;
  }

  /** Locks the organization row until the transaction ends; false when there is none. */
  async lock(id: string): Promise<boolean> {
    if (uuidsOf([id]).length === 0) return false;
    const rows = await this.db
      .select({ id: organizationsTable.id })
      .from(organizationsTable)
      .where(eq(organizationsTable.id, id))
      .for('update');
    return rows.length === 1;
  }

  /** Adds the member, or returns null (changing nothing) when they already are one. */
  async addMember(member: OrganizationMembership): Promise<OrganizationMembership | null> {
    const rows = await this.db
      .insert(organizationMembersTable)
      .values(member)
      .onConflictDoNothing()
      .returning(memberColumns);
    return rows[0] ? toMembership(rows[0]) : null;
  }

  async removeMember(organizationId: string, userId: string): Promise<boolean> {
    const rows = await this.db
      .delete(organizationMembersTable)
      .where(
        and(
          eq(organizationMembersTable.organizationId, organizationId),
          eq(organizationMembersTable.userId, userId),
        ),
      )
      .returning({ userId: organizationMembersTable.userId });
    return rows.length === 1;
  }

  async setRole(
    organizationId: string,
    userId: string,
    role: OrganizationRole,
  ): Promise<OrganizationMembership | null> {
    const [row] = await this.db
      .update(organizationMembersTable)
      .set({ role })
      .where(
        and(
          eq(organizationMembersTable.organizationId, organizationId),
          eq(organizationMembersTable.userId, userId),
        ),
      )
      .returning(memberColumns);
    return row ? toMembership(row) : null;
  }

  /** The memberships of the given (organization, user) pairs, in one query; missing pairs left out. */
  async memberships(
    pairs: readonly { organizationId: string; userId: string }[],
  ): Promise<OrganizationMembership[]> {
    const valid = pairs.filter((pair) => uuidsOf([pair.organizationId, pair.userId]).length === 2);
    if (valid.length === 0) return [];
    const rows = await this.db
      .select(memberColumns)
      .from(organizationMembersTable)
      .where(
        or(
          ...valid.map((pair) =>
            and(
              eq(organizationMembersTable.organizationId, pair.organizationId),
              eq(organizationMembersTable.userId, pair.userId),
            ),
          ),
        ),
      );
    return rows.map(toMembership);
  }

  async membership(organizationId: string, userId: string): Promise<OrganizationMembership | null> {
    return (await this.memberships([{ organizationId, userId }]))[0] ?? null;
  }

  /** Every membership of the given users, oldest first. */
  async membershipsOfUsers(userIds: readonly string[]): Promise<OrganizationMembership[]> {
    const valid = uuidsOf(userIds);
    if (valid.length === 0) return [];
    const rows = await this.db
      .select(memberColumns)
      .from(organizationMembersTable)
      .where(inArray(organizationMembersTable.userId, valid))
      .orderBy(...memberOrder);
    return rows.map(toMembership);
  }

  async ownerCount(organizationId: string): Promise<number> {
    const [row] = await this.db
      .select({ count: count() })
      .from(organizationMembersTable)
      .where(
        and(
          eq(organizationMembersTable.organizationId, organizationId),
          eq(organizationMembersTable.role, 'OWNER'),
        ),
      );
    return row?.count ?? 0;
  }

  /**
   * The same page (oldest first, optionally of one role) of each organization's members, in one
   * query: members are numbered per organization and the window of the page is kept.
   */
  async membersPages(
    organizationIds: readonly string[],
    filter: { role?: OrganizationRole | null },
    page: PageRequest,
  ): Promise<OrganizationMembership[]> {
    const valid = uuidsOf(organizationIds);
    if (valid.length === 0 || page.limit === 0) return [];
    const m = organizationMembersTable;
    const ranked = this.db
      .select({
        ...memberColumns,
        position:
          sql<number>`row_number() over (partition by ${m.organizationId} order by ${m.joinedAt}, ${m.userId})`.as(
            'position',
          ),
      })
      .from(m)
      .where(and(inArray(m.organizationId, valid), filter.role ? eq(m.role, filter.role) : undefined))
      .as('ranked');
    const rows = await this.db
      .select({
        organizationId: ranked.organizationId,
        userId: ranked.userId,
        role: ranked.role,
        joinedAt: ranked.joinedAt,
      })
      .from(ranked)
      .where(and(gt(ranked.position, page.offset), lte(ranked.position, page.offset + page.limit)))
      .orderBy(asc(ranked.organizationId), asc(ranked.position));
    return rows.map(toMembership);
  }

  /** How many members (of one role, optionally) each organization has; those with none are left out. */
  async memberTotals(
    organizationIds: readonly string[],
    filter: { role?: OrganizationRole | null },
  ): Promise<{ organizationId: string; count: number }[]> {
    const valid = uuidsOf(organizationIds);
    if (valid.length === 0) return [];
    const m = organizationMembersTable;
    return this.db
      .select({ organizationId: m.organizationId, count: count() })
      .from(m)
      .where(and(inArray(m.organizationId, valid), filter.role ? eq(m.role, filter.role) : undefined))
      .groupBy(m.organizationId);
  }

  /** The organization's members, oldest first, at most `limit` (the internal directory route). */
  async members(organizationId: string, limit: number): Promise<OrganizationMembership[]> {
    if (uuidsOf([organizationId]).length === 0) return [];
    const rows = await this.db
      .select(memberColumns)
      .from(organizationMembersTable)
      .where(eq(organizationMembersTable.organizationId, organizationId))
      .orderBy(...memberOrder)
      .limit(limit);
    return rows.map(toMembership);
  }
}

function toMembership(row: { organizationId: string; userId: string; role: string; joinedAt: Date }) {
  return { ...row, role: ORGANIZATION_ROLES.find((role) => role === row.role) ?? 'MEMBER' };
}
