/**
 * Organization invitations in `identity.organization_invitations`, stored by the SHA-256 of the
 * link's token only. At most one PENDING row per (organization, email): inviting again replaces
 * that row's token and expiry. Accepting and revoking are conditional updates on PENDING, so of
 * two concurrent answers to one invitation exactly one wins.
 */
import { randomUUID } from 'node:crypto';
import { and, count, desc, eq, gt, inArray, lte, type SQL } from 'drizzle-orm';
import { ORGANIZATION_ROLES, type Drizzle, type OrganizationRole, type PageRequest } from '@learncraft/kit';
import type { InvitationStatus, StoredInvitationStatus } from '../domain/organizations';
import { uuidsOf } from './ids';
import { organizationInvitationsTable as invitations } from './tables';

export interface InvitationRecord {
  id: string;
  organizationId: string;
  email: string;
  role: OrganizationRole;
  status: StoredInvitationStatus;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
}

const recordColumns = {
  id: invitations.id,
  organizationId: invitations.organizationId,
  email: invitations.email,
  role: invitations.role,
  status: invitations.status,
  invitedBy: invitations.invitedBy,
  createdAt: invitations.createdAt,
  expiresAt: invitations.expiresAt,
  acceptedAt: invitations.acceptedAt,
};

export class InvitationStore {
  constructor(private readonly db: Drizzle) {}

  /**
   * Stores a pending invitation, or gives the address's pending one (expired or not) a new token,
   * role, sender and expiry: the old link stops working.
   */
  async upsertPending(invitation: {
    organizationId: string;
    email: string;
    role: OrganizationRole;
    tokenHash: string;
    invitedBy: string | null;
    expiresAt: Date;
    now: Date;
  }): Promise<InvitationRecord> {
    const fresh = {
      role: invitation.role,
      tokenHash: invitation.tokenHash,
      invitedBy: invitation.invitedBy,
      createdAt: invitation.now,
      expiresAt: invitation.expiresAt,
    };
    const [renewed] = await this.db
      .update(invitations)
      .set(fresh)
      .where(
        and(
          eq(invitations.organizationId, invitation.organizationId),
          eq(invitations.email, invitation.email),
          eq(invitations.status, 'PENDING'),
        ),
      )
      .returning(recordColumns);
    if (renewed) return toRecord(renewed);
    const [inserted] = await this.db
      .insert(invitations)
      .values({
        id: randomUUID(),
        organizationId: invitation.organizationId,
        email: invitation.email,
        ...fresh,
      })
      .returning(recordColumns);
    if (!inserted) throw new Error('inserting an invitation returned no row');
    return toRecord(inserted);
  }

  async byTokenHash(tokenHash: string): Promise<InvitationRecord | null> {
    const [row] = await this.db
      .select(recordColumns)
      .from(invitations)
      .where(eq(invitations.tokenHash, tokenHash));
    return row ? toRecord(row) : null;
  }

  async byId(id: string): Promise<InvitationRecord | null> {
    if (uuidsOf([id]).length === 0) return null;
    const [row] = await this.db.select(recordColumns).from(invitations).where(eq(invitations.id, id));
    return row ? toRecord(row) : null;
  }

  /** PENDING -> ACCEPTED if it still is pending and unexpired at `now`; null otherwise. */
  async accept(id: string, now: Date): Promise<InvitationRecord | null> {
    const [row] = await this.db
      .update(invitations)
      .set({ status: 'ACCEPTED', acceptedAt: now })
      .where(and(eq(invitations.id, id), eq(invitations.status, 'PENDING'), gt(invitations.expiresAt, now)))
      .returning(recordColumns);
    return row ? toRecord(row) : null;
  }

  /** PENDING -> REVOKED (expired ones too); null when it was not pending. */
  async revoke(id: string): Promise<InvitationRecord | null> {
    const [row] = await this.db
      .update(invitations)
      .set({ status: 'REVOKED' })
      .where(and(eq(invitations.id, id), eq(invitations.status, 'PENDING')))
      .returning(recordColumns);
    return row ? toRecord(row) : null;
  }

  /** One page of the organization's invitations, newest first, optionally in one state. */
  async page(
    organizationId: string,
    filter: { status?: InvitationStatus | null; now: Date },
    page: PageRequest,
  ): Promise<{ invitations: InvitationRecord[]; totalCount: number }> {
    const where = and(
      eq(invitations.organizationId, organizationId),
      statusCondition(filter.status, filter.now),
    );
    const [rows, [total]] = await Promise.all([
      this.db
        .select(recordColumns)
        .from(invitations)
        .where(where)
        .orderBy(desc(invitations.createdAt), desc(invitations.id))
        .limit(page.limit)
        .offset(page.offset),
      this.db.select({ count: count() }).from(invitations).where(where),
    ]);
    return { invitations: rows.map(toRecord), totalCount: total?.count ?? 0 };
  }

  /** Pending, unexpired invitations to these addresses, newest first. */
  async pendingForEmails(emails: readonly string[], now: Date): Promise<InvitationRecord[]> {
    if (emails.length === 0) return [];
    const rows = await this.db
      .select(recordColumns)
      .from(invitations)
      .where(and(inArray(invitations.email, [...emails]), statusCondition('PENDING', now)))
      .orderBy(desc(invitations.createdAt), desc(invitations.id));
    return rows.map(toRecord);
  }
}

function statusCondition(status: InvitationStatus | null | undefined, now: Date): SQL | undefined {
  if (status === 'PENDING') return and(eq(invitations.status, 'PENDING'), gt(invitations.expiresAt, now));
  if (status === 'EXPIRED') return and(eq(invitations.status, 'PENDING'), lte(invitations.expiresAt, now));
  return status ? eq(invitations.status, status) : undefined;
}

const STORED_STATUSES: readonly string[] = ['PENDING', 'ACCEPTED', 'REVOKED'];

function toRecord(
  row: Omit<InvitationRecord, 'role' | 'status'> & { role: string; status: string },
): InvitationRecord {
  return {
    ...row,
    role: ORGANIZATION_ROLES.find((role) => role === row.role) ?? 'MEMBER',
    status: STORED_STATUSES.includes(row.status) ? (row.status as StoredInvitationStatus) : 'REVOKED',
  };
}
