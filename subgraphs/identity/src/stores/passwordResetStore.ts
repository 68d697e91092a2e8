/**
 * Password-reset tokens in `identity.password_reset_tokens`, stored by SHA-256 hash only. Using a
 * token is a conditional update, so of two concurrent completions with one token exactly one wins.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Drizzle } from '@learncraft/kit';
import { passwordResetTokensTable } from './tables';

export interface PasswordResetRecord {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

const recordColumns = {
  id: passwordResetTokensTable.id,
  userId: passwordResetTokensTable.userId,
  createdAt: passwordResetTokensTable.createdAt,
  expiresAt: passwordResetTokensTable.expiresAt,
  usedAt: passwordResetTokensTable.usedAt,
};

export class PasswordResetStore {
  constructor(private readonly db: Drizzle) {}

  async insert(token: { userId: string; tokenHash: string; expiresAt: Date; now: Date }) {
    const [row] = await this.db
      .insert(passwordResetTokensTable)
      .values({
        id: randomUUID(),
        userId: token.userId,
        tokenHash: token.tokenHash,
        createdAt: token.now,
        expiresAt: token.expiresAt,
      })
      .returning(recordColumns);
    if (!row) throw new Error('inserting a password reset token returned no row');
    return row;
  }

  /** The token when it is unused and not expired at `now`; null otherwise. */
  async activeByHash(tokenHash: string, now: Date): Promise<PasswordResetRecord | null> {
    const rows = await this.db
      .select(recordColumns)
      .from(passwordResetTokensTable)
      .where(
        and(
          eq(passwordResetTokensTable.tokenHash, tokenHash),
          isNull(passwordResetTokensTable.usedAt),
          gt(passwordResetTokensTable.expiresAt, now),
        ),
      )
      .limit(1);
    return rows[0] ?? null;
  }

  /** Marks the token used if it still is active; null (changing nothing) when it is not. */
  async use(tokenHash: string, now: Date): Promise<PasswordResetRecord | null> {
    const [row] = await this.db
      .update(passwordResetTokensTable)
      .set({ usedAt: now })
      .where(
        and(
          eq(passwordResetTokensTable.tokenHash, tokenHash),
          isNull(passwordResetTokensTable.usedAt),
          gt(passwordResetTokensTable.expiresAt, now),
        ),
      )
      .returning(recordColumns);
    return row ?? null;
  }

  /** Marks every still-unused token of the user used (after a completed reset). */
  async useAllOfUser(userId: string, now: Date): Promise<void> {
    await this.db
      .update(passwordResetTokensTable)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokensTable.userId, userId), isNull(passwordResetTokensTable.usedAt)));
  }
}
