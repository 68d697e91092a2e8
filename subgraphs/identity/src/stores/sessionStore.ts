/**
 * Refresh tokens in `identity.refresh_tokens`, stored by SHA-256 hash only. Rotation is one
 * transaction around a conditional update, so of two concurrent refreshes with the same token
 * exactly one succeeds.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, isNull, max } from 'drizzle-orm';
import type { Drizzle } from '@learncraft/kit';
import { refreshTokensTable } from './tables';

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewRefreshToken {
  userId: string;
  /** The sign-in this token belongs to; a new family when omitted. */
  familyId?: string;
  tokenHash: string;
  expiresAt: Date;
  now: Date;
}

/** A sign-in that was ended: its refresh-token family id and when (the latest revocation in it). */
export interface RevokedSession {
  sessionId: string;
  revokedAt: Date;
}

export interface Rotation {
  previous: RefreshTokenRecord;
  next: RefreshTokenRecord;
}

const recordColumns = {
  id: refreshTokensTable.id,
  userId: refreshTokensTable.userId,
  familyId: refreshTokensTable.familyId,
  createdAt: refreshTokensTable.createdAt,
  expiresAt: refreshTokensTable.expiresAt,
  usedAt: refreshTokensTable.usedAt,
  revokedAt: refreshTokensTable.revokedAt,
};

export class SessionStore {
  constructor(private readonly db: Drizzle) {}

  async insert(token: NewRefreshToken): Promise<RefreshTokenRecord> {
    const [row] = await this.db
      .insert(refreshTokensTable)
      .values({
        id: randomUUID(),
        userId: token.userId,
        familyId: token.familyId ?? randomUUID(),
        tokenHash: token.tokenHash,
        createdAt: token.now,
        expiresAt: token.expiresAt,
      })
      .returning(recordColumns);
    if (!row) throw new Error('inserting a refresh token returned no row');
    return row;
  }

  async byHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const rows = await this.db
      .select(recordColumns)
      .from(refreshTokensTable)
      .where(eq(refreshTokensTable.tokenHash, tokenHash))
      .limit(1);
    return rows[0] ?? null;
  }

  /**
   * Marks the active token `tokenHash` used and stores its successor in the same family. Returns
   * null, changing nothing, when the token is unknown, used, revoked or expired at `now`; the row
   * lock taken by the update makes a concurrent second rotation see it as used.
   */
  async rotate(
    tokenHash: string,
    successor: { tokenHash: string; expiresAt: Date; now: Date },
  ): Promise<Rotation | null> {
    return this.db.transaction(async (tx) => {
      const [previous] = await tx
        .update(refreshTokensTable)
        .set({ usedAt: successor.now })
        .where(
          and(
            eq(refreshTokensTable.tokenHash, tokenHash),
            isNull(refreshTokensTable.usedAt),
            isNull(refreshTokensTable.revokedAt),
            gt(refreshTokensTable.expiresAt, successor.now),
          ),
        )
        .returning(recordColumns);
      if (!previous) return null;
      const next = await new SessionStore(tx).insert({
        userId: previous.userId,
        familyId: previous.familyId,
        tokenHash: successor.tokenHash,
        expiresAt: successor.expiresAt,
        now: successor.now,
      });
      return { previous, next };
    });
  }

  /** Revokes every not-yet-revoked token of the family; returns how many it revoked. */
  async revokeFamily(familyId: string, now: Date): Promise<number> {
    const rows = await this.db
      .update(refreshTokensTable)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokensTable.familyId, familyId), isNull(refreshTokensTable.revokedAt)))
      .returning({ id: refreshTokensTable.id });
    return rows.length;
  }

  /** Revokes every live token of every family of the user (all their sign-ins). */
  async revokeAllOfUser(userId: string, now: Date): Promise<number> {
    const rows = await this.db
      .update(refreshTokensTable)
      .set({ revokedAt: now })
      .where(and(eq(refreshTokensTable.userId, userId), isNull(refreshTokensTable.revokedAt)))
      .returning({ id: refreshTokensTable.id });
    return rows.length;
  }

  /** Sessions with a revocation after `since`, oldest first, at most `limit`. */
  async revokedSince(since: Date, limit: number): Promise<RevokedSession[]> {
    const revokedAt = max(refreshTokensTable.revokedAt);
    const rows = await this.db
      .select({ sessionId: refreshTokensTable.familyId, revokedAt })
      .from(refreshTokensTable)
      .where(gt(refreshTokensTable.revokedAt, since))
      .groupBy(refreshTokensTable.familyId)
      .orderBy(asc(revokedAt))
      .limit(limit);
    return rows.flatMap((row) =>
      row.revokedAt ? [{ sessionId: row.sessionId, revokedAt: row.revokedAt }] : [],
    );
  }

  async byFamily(familyId: string): Promise<RefreshTokenRecord[]> {
    return this.db
      .select(recordColumns)
      .from(refreshTokensTable)
      .where(eq(refreshTokensTable.familyId, familyId))
      .orderBy(refreshTokensTable.createdAt, refreshTokensTable.id);
  }
}
