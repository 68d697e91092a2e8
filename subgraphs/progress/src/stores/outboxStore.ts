/**
 * The outbox port: learning events written in the transaction of the change they announce
 * (`writeOutbox`, called by the progress store), and the relay's view of them. A relay claims due
 * rows by leasing them (SKIP LOCKED, so two replicas claim disjoint rows and neither waits), then
 * marks each published or failed; a lease that runs out (its replica died mid-publish) makes the
 * rows claimable again. All times are the database's clock, shared by every replica.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Drizzle } from '@learncraft/kit';
import { and, asc, count, eq, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { outbox } from './tables';

export type OutboxRecord = typeof outbox.$inferSelect;

export interface OutboxEvent {
  topic: string;
  payload: unknown;
}

type Transaction = Parameters<Parameters<Drizzle['transaction']>[0]>[0];

/** Inside a transaction: the rows go out only if it commits. */
export async function writeOutbox(tx: Transaction, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(outbox).values(events.map((event) => ({ id: randomUUID(), ...event })));
}

export interface OutboxStore {
  /** Leases up to `limit` due, unpublished rows to `owner` for `leaseMs`, oldest first. */
  claim(owner: string, limit: number, leaseMs: number): Promise<OutboxRecord[]>;
  markPublished(owner: string, ids: readonly string[]): Promise<void>;
  /** One more failed attempt: retried no earlier than `retryInMs` from now. */
  markFailed(owner: string, id: string, error: string, retryInMs: number): Promise<void>;
  /** Gives leased rows back untried (the relay stopped its batch). */
  release(owner: string, ids: readonly string[]): Promise<void>;
  unpublishedCount(): Promise<number>;
  /** Deletes rows published more than `olderThanMs` ago; returns how many. */
  purgePublished(olderThanMs: number): Promise<number>;
}

/** now() moved by `ms` (negative: into the past). */
const interval = (ms: number) => sql`(now() + ${`${Math.round(ms)} milliseconds`}::interval)`;

export function createOutboxStore(db: Database): OutboxStore {
  const orm = db.drizzle;
  const leasedBy = (owner: string, ids: readonly string[]) =>
    and(inArray(outbox.id, [...ids]), eq(outbox.leaseOwner, owner));
  return {
    async claim(owner, limit, leaseMs) {
      const due = orm
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            isNull(outbox.publishedAt),
            lte(outbox.nextAttemptAt, sql`now()`),
            or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, sql`now()`)),
          ),
        )
        .orderBy(asc(outbox.sequence))
        .limit(limit)
        .for('update', { skipLocked: true });
      const rows = await orm
        .update(outbox)
        .set({ leaseOwner: owner, leaseUntil: interval(leaseMs) })
        .where(inArray(outbox.id, due))
        .returning();
      return rows.sort((a, b) => a.sequence - b.sequence);
    },

    async markPublished(owner, ids) {
      if (ids.length === 0) return;
      await orm
        .update(outbox)
        .set({ publishedAt: sql`now()`, leaseOwner: null, leaseUntil: null, lastError: null })
        .where(leasedBy(owner, ids));
    },

    async markFailed(owner, id, error, retryInMs) {
      await orm
        .update(outbox)
        .set({
          attempts: sql`${outbox.attempts} + 1`,
          lastError: error.slice(0, 500),
          nextAttemptAt: interval(retryInMs),
          leaseOwner: null,
          leaseUntil: null,
        })
        .where(leasedBy(owner, [id]));
    },

    async release(owner, ids) {
      if (ids.length === 0) return;
      await orm.update(outbox).set({ leaseOwner: null, leaseUntil: null }).where(leasedBy(owner, ids));
    },

    async unpublishedCount() {
      const [row] = await orm.select({ n: count() }).from(outbox).where(isNull(outbox.publishedAt));
      return row?.n ?? 0;
    },

    async purgePublished(olderThanMs) {
      const deleted = await orm
        .delete(outbox)
        .where(and(isNotNull(outbox.publishedAt), lt(outbox.publishedAt, interval(-olderThanMs))))
        .returning({ id: outbox.id });
      return deleted.length;
    },
  };
}
