/**
 * The lab store port (sessions, step states, used terminal tokens, expiry warnings, the completion
 * outbox) and its adapter over the kit's database (PostgreSQL or PGlite through drizzle-orm).
 * Every change of a session is one transaction holding the session's row lock, decided from the
 * row as locked, so replicas and concurrent requests apply changes one after another.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Drizzle, PageRequest } from '@learncraft/kit';
import { and, asc, count, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from 'drizzle-orm';
import {
  allStepsPassed,
  canTransition,
  CAPACITY_STATUSES,
  LIVE_STATUSES,
  type LabTemplate,
} from '../domain/session';
import { completionOutbox, expiryWarnings, labSessions, labStepStates, terminalTokens } from './tables';

export type SessionRecord = typeof labSessions.$inferSelect;
export type StepRecord = typeof labStepStates.$inferSelect;
export type OutboxRecord = typeof completionOutbox.$inferSelect;
export type SessionPatch = Partial<
  Omit<SessionRecord, 'id' | 'userId' | 'lessonId' | 'courseId' | 'createdAt'>
>;

export interface NewSession {
  userId: string;
  lessonId: string;
  courseId: string;
  template: LabTemplate;
  steps: readonly { id: string; title: string; checkCommand: string }[];
  nodeId: string;
  /** The node's capacity: the session is refused when this many sessions already hold sandboxes. */
  maxSandboxes: number;
  at: Date;
  expiresAt: Date;
}

export type CreateSessionOutcome =
  | { kind: 'created'; session: SessionRecord }
  /** The learner already has a running session (of this or another lesson). */
  | { kind: 'existing'; session: SessionRecord }
  | { kind: 'capacity' };

export interface SessionChange {
  before: SessionRecord;
  after: SessionRecord;
}

export interface CheckRecord {
  sessionId: string;
  stepId: string;
  status: 'PASSED' | 'FAILED';
  output: string;
  at: Date;
  /** When this check claimed the step (`claimStepCheck`): a reset since then discards the result. */
  claimedAt: Date;
}

export interface CheckRecorded {
  session: SessionRecord;
  step: StepRecord;
  /** This check completed the lab: the session is COMPLETED and the outbox holds its completion. */
  completed: boolean;
}

export interface LabStore {
  createSession(input: NewSession): Promise<CreateSessionOutcome>;
  sessionsByIds(ids: readonly string[]): Promise<SessionRecord[]>;
  /** The learner's running session (REQUESTED, PROVISIONING or READY), if any. */
  liveSessionOf(userId: string): Promise<SessionRecord | null>;
  /** Steps in lab order. */
  stepsBySessions(sessionIds: readonly string[]): Promise<StepRecord[]>;
  /** One page (newest first) of each user's sessions, in one query. */
  sessionPagesByUsers(userIds: readonly string[], page: PageRequest): Promise<SessionRecord[]>;
  sessionCountsByUsers(userIds: readonly string[]): Promise<{ userId: string; count: number }[]>;
  /** The newest session of each (user, lesson) pair that has one. */
  latestByUserAndLesson(keys: readonly { userId: string; lessonId: string }[]): Promise<SessionRecord[]>;
  /**
   * Changes one session under its row lock: `decide` sees the row as locked and returns the patch,
   * or null to leave it. `resetSteps` also clears every step's result (labReset).
   */
  update(
    id: string,
    decide: (session: SessionRecord) => SessionPatch | null,
    options?: { resetSteps?: boolean },
  ): Promise<SessionChange | null>;
  /** Marks a step CHECKING unless a check of it runs (started after `staleBefore`). */
  claimStepCheck(
    sessionId: string,
    stepId: string,
    at: Date,
    staleBefore: Date,
  ): Promise<StepRecord | 'UNKNOWN_STEP' | 'CHECK_RUNNING'>;
  /**
   * Stores a finished check; when every step has passed and the session is READY, marks it
   * COMPLETED and writes its completion to the outbox, in the same transaction.
   */
  recordCheck(check: CheckRecord): Promise<CheckRecorded>;
  /** Learner activity on a READY session: moves its idle deadline. */
  touch(sessionId: string, at: Date): Promise<void>;
  /** Records a terminal token's first use; false when it was used before. */
  useTerminalToken(jti: string, sessionId: string, expiresAt: Date, at: Date): Promise<boolean>;
  pruneTerminalTokens(before: Date): Promise<void>;
  /** Live sessions of the node whose hard limit or idle deadline has passed. */
  sessionsDueForExpiry(nodeId: string, now: Date): Promise<SessionRecord[]>;
  /** READY sessions of the node that expire within `horizonMs`. */
  sessionsExpiringWithin(nodeId: string, now: Date, horizonMs: number): Promise<SessionRecord[]>;
  /** Records warnings sent for a deadline; returns the thresholds that were not recorded before. */
  recordWarnings(
    sessionId: string,
    thresholds: readonly number[],
    deadline: Date,
    at: Date,
  ): Promise<number[]>;
  /** Sessions of the node that hold or may hold a sandbox (running, stopping, or not yet cleaned up). */
  sessionsHoldingSandboxes(nodeId: string): Promise<SessionRecord[]>;
  /**
   * Claims due completions (all due ones, or one session's): each claimed row's next attempt moves
   * to `leaseUntil`, so no other replica sends it meanwhile.
   */
  claimCompletions(now: Date, leaseUntil: Date, sessionId?: string): Promise<OutboxRecord[]>;
  acknowledgeCompletion(sessionId: string, at: Date): Promise<void>;
  deferCompletion(sessionId: string, nextAttemptAt: Date, error: string): Promise<void>;
  abandonCompletion(sessionId: string, at: Date, error: string): Promise<void>;
  outboxOf(sessionId: string): Promise<OutboxRecord | null>;
}

type Transaction = Parameters<Parameters<Drizzle['transaction']>[0]>[0];

const inStatuses = (statuses: readonly string[]) => inArray(labSessions.status, [...statuses] as never[]);

export function createLabStore(db: Database): LabStore {
  const orm = db.drizzle;
  const liveOf = (tx: Transaction | Drizzle, userId: string) =>
    tx
      .select()
      .from(labSessions)
      .where(and(eq(labSessions.userId, userId), inStatuses(LIVE_STATUSES)));

  const sessionsByIds = async (ids: readonly string[]) => {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return orm.select().from(labSessions).where(inArray(labSessions.id, valid));
  };

  return {
    createSession: (input) =>
      orm.transaction(async (tx): Promise<CreateSessionOutcome> => {
        // Serialises capacity checks of one node across connections (replicas of a node).
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`labs:node:${input.nodeId}`}))`);
        const [existing] = await liveOf(tx, input.userId);
        if (existing) return { kind: 'existing', session: existing };
        const [held] = await tx
          .select({ n: count() })
          .from(labSessions)
          .where(and(eq(labSessions.nodeId, input.nodeId), inStatuses(CAPACITY_STATUSES)));
        if ((held?.n ?? 0) >= input.maxSandboxes) return { kind: 'capacity' };
        const id = randomUUID();
        const inserted = await tx
          .insert(labSessions)
          .values({
            id,
            userId: input.userId,
            lessonId: input.lessonId,
            courseId: input.courseId,
            status: 'REQUESTED',
            progressPercent: 0,
            statusMessage: 'Waiting for a sandbox',
            template: input.template,
            nodeId: input.nodeId,
            expiresAt: input.expiresAt,
            extensions: 0,
            lastActivityAt: input.at,
            createdAt: input.at,
            updatedAt: input.at,
          })
          // The partial unique index: a concurrent start of the same learner won the race.
          .onConflictDoNothing()
          .returning();
        const session = inserted[0];
        if (!session) {
          const [winner] = await liveOf(tx, input.userId);
          if (!winner) throw new Error('a running session conflicted but cannot be read');
          return { kind: 'existing', session: winner };
        }
        if (input.steps.length > 0) {
          await tx.insert(labStepStates).values(
            input.steps.map((step, position): typeof labStepStates.$inferInsert => ({
              sessionId: id,
              stepId: step.id,
              position,
              title: step.title,
              checkCommand: step.checkCommand,
              status: 'PENDING',
            })),
          );
        }
        return { kind: 'created', session };
      }),

    sessionsByIds,

    async liveSessionOf(userId) {
      const [session] = await liveOf(orm, userId);
      return session ?? null;
    },

    async stepsBySessions(sessionIds) {
      const valid = sessionIds.filter(isUuid);
      if (valid.length === 0) return [];
      return orm
        .select()
        .from(labStepStates)
        .where(inArray(labStepStates.sessionId, valid))
        .orderBy(asc(labStepStates.sessionId), asc(labStepStates.position));
    },

    async sessionPagesByUsers(userIds, page) {
      if (userIds.length === 0 || page.limit === 0) return [];
      const ranked = orm
        .select({
          id: labSessions.id,
          userId: labSessions.userId,
          rank: sql<number>`row_number() over (partition by ${labSessions.userId} order by ${labSessions.createdAt} desc, ${labSessions.id})`.as(
            'rank',
          ),
        })
        .from(labSessions)
        .where(inArray(labSessions.userId, [...userIds]))
        .as('ranked');
      const window = await orm
        .select({ id: ranked.id })
        .from(ranked)
        .where(and(gt(ranked.rank, page.offset), lte(ranked.rank, page.offset + page.limit)))
        .orderBy(asc(ranked.userId), asc(ranked.rank));
      const rows = await sessionsByIds(window.map((row) => row.id));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return window.flatMap((row) => byId.get(row.id) ?? []);
    },

    async sessionCountsByUsers(userIds) {
      if (userIds.length === 0) return [];
      return orm
        .select({ userId: labSessions.userId, count: count() })
        .from(labSessions)
        .where(inArray(labSessions.userId, [...userIds]))
        .groupBy(labSessions.userId);
    },

    async latestByUserAndLesson(keys) {
      if (keys.length === 0) return [];
      const rows = await orm
        .selectDistinctOn([labSessions.userId, labSessions.lessonId])
        .from(labSessions)
        .where(
          and(
            inArray(labSessions.userId, [...new Set(keys.map((key) => key.userId))]),
            inArray(labSessions.lessonId, [...new Set(keys.map((key) => key.lessonId))]),
          ),
        )
        .orderBy(
          labSessions.userId,
          labSessions.lessonId,
          sql`${labSessions.createdAt} desc`,
          labSessions.id,
        );
      const wanted = new Set(keys.map((key) => `${key.userId}\u0000${key.lessonId}`));
      return rows.filter((row) => wanted.has(`${row.userId}\u0000${row.lessonId}`));
    },

    async update(id, decide, options = {}) {
      if (!isUuid(id)) return null;
      return orm.transaction(async (tx) => {
        const [before] = await tx.select().from(labSessions).where(eq(labSessions.id, id)).for('update');
        if (!before) return null;
        const patch = decide(before);
        if (!patch) return null;
        if (patch.status && patch.status !== before.status && !canTransition(before.status, patch.status))
          throw new Error(`session ${id} cannot go from ${before.status} to ${patch.status}`);
        const [after] = await tx.update(labSessions).set(patch).where(eq(labSessions.id, id)).returning();
        if (!after) throw new Error(`session ${id} vanished while locked`);
        if (options.resetSteps) {
          await tx
            .update(labStepStates)
            .set({ status: 'PENDING', lastOutput: null, checkedAt: null, checkStartedAt: null })
            .where(eq(labStepStates.sessionId, id));
        }
        return { before, after };
      });
    },

    async claimStepCheck(sessionId, stepId, at, staleBefore) {
      const [claimed] = await orm
        .update(labStepStates)
        .set({ status: 'CHECKING', checkStartedAt: at })
        .where(
          and(
            eq(labStepStates.sessionId, sessionId),
            eq(labStepStates.stepId, stepId),
            or(ne(labStepStates.status, 'CHECKING'), lt(labStepStates.checkStartedAt, staleBefore)),
          ),
        )
        .returning();
      if (claimed) return claimed;
      const [exists] = await orm
        .select({ stepId: labStepStates.stepId })
        .from(labStepStates)
        .where(and(eq(labStepStates.sessionId, sessionId), eq(labStepStates.stepId, stepId)));
      return exists ? 'CHECK_RUNNING' : 'UNKNOWN_STEP';
    },

    recordCheck: (check) =>
      orm.transaction(async (tx) => {
        const [session] = await tx
          .select()
          .from(labSessions)
          .where(eq(labSessions.id, check.sessionId))
          .for('update');
        if (!session) throw new Error(`session ${check.sessionId} does not exist`);
        const stepKey = and(
          eq(labStepStates.sessionId, check.sessionId),
          eq(labStepStates.stepId, check.stepId),
        );
        const [step] = await tx
          .update(labStepStates)
          .set({ status: check.status, lastOutput: check.output, checkedAt: check.at, checkStartedAt: null })
          .where(
            and(
              stepKey,
              eq(labStepStates.status, 'CHECKING'),
              eq(labStepStates.checkStartedAt, check.claimedAt),
            ),
          )
          .returning();
        if (!step) {
          // The step was reset (labReset) while its check ran: the result belongs to the old sandbox.
          const [current] = await tx.select().from(labStepStates).where(stepKey);
          if (!current) throw new Error(`step ${check.stepId} of session ${check.sessionId} does not exist`);
          return { session, step: current, completed: false };
        }
        if (session.status !== 'READY') return { session, step, completed: false };
        const steps = await tx
          .select({ status: labStepStates.status })
          .from(labStepStates)
          .where(eq(labStepStates.sessionId, check.sessionId));
        const completed = allStepsPassed(steps);
        const idle = new Date(check.at.getTime() + session.template.idleTimeoutMinutes * 60_000);
        const [after] = await tx
          .update(labSessions)
          .set(
            completed
              ? {
                  status: 'COMPLETED',
                  progressPercent: 100,
                  statusMessage: 'Every step passed: the lesson is complete.',
                  lastActivityAt: check.at,
                  updatedAt: check.at,
                }
              : { lastActivityAt: check.at, idleDeadline: idle, updatedAt: check.at },
          )
          .where(eq(labSessions.id, check.sessionId))
          .returning();
        if (!after) throw new Error(`session ${check.sessionId} vanished while locked`);
        if (completed) {
          await tx.insert(completionOutbox).values({
            sessionId: session.id,
            userId: session.userId,
            lessonId: session.lessonId,
            createdAt: check.at,
            attempts: 0,
            nextAttemptAt: check.at,
          });
        }
        return { session: after, step, completed };
      }),

    async touch(sessionId, at) {
      await orm
        .update(labSessions)
        .set({
          lastActivityAt: at,
          idleDeadline: sql`${at.toISOString()}::timestamptz + ((${labSessions.template}->>'idleTimeoutMinutes')::int * interval '1 minute')`,
        })
        .where(
          and(
            eq(labSessions.id, sessionId),
            eq(labSessions.status, 'READY'),
            lt(labSessions.lastActivityAt, at),
          ),
        );
    },

    async useTerminalToken(jti, sessionId, expiresAt, at) {
      const inserted = await orm
        .insert(terminalTokens)
        .values({ jti, sessionId, usedAt: at, expiresAt })
        .onConflictDoNothing()
        .returning({ jti: terminalTokens.jti });
      return inserted.length === 1;
    },

    async pruneTerminalTokens(before) {
      await orm.delete(terminalTokens).where(lt(terminalTokens.expiresAt, before));
    },

    async sessionsDueForExpiry(nodeId, now) {
      return orm
        .select()
        .from(labSessions)
        .where(
          and(
            eq(labSessions.nodeId, nodeId),
            inStatuses(LIVE_STATUSES),
            or(lte(labSessions.expiresAt, now), lte(labSessions.idleDeadline, now)),
          ),
        );
    },

    async sessionsExpiringWithin(nodeId, now, horizonMs) {
      const horizon = new Date(now.getTime() + horizonMs);
      return orm
        .select()
        .from(labSessions)
        .where(
          and(
            eq(labSessions.nodeId, nodeId),
            eq(labSessions.status, 'READY'),
            or(lte(labSessions.expiresAt, horizon), lte(labSessions.idleDeadline, horizon)),
          ),
        );
    },

    async recordWarnings(sessionId, thresholds, deadline, at) {
      if (thresholds.length === 0) return [];
      const inserted = await orm
        .insert(expiryWarnings)
        .values(thresholds.map((thresholdSeconds) => ({ sessionId, thresholdSeconds, deadline, sentAt: at })))
        .onConflictDoNothing()
        .returning({ threshold: expiryWarnings.thresholdSeconds });
      return inserted.map((row) => row.threshold);
    },

    async sessionsHoldingSandboxes(nodeId) {
      return orm
        .select()
        .from(labSessions)
        .where(
          and(
            eq(labSessions.nodeId, nodeId),
            or(inStatuses(CAPACITY_STATUSES), isNotNull(labSessions.sandboxId)),
          ),
        );
    },

    async claimCompletions(now, leaseUntil, sessionId) {
      return orm
        .update(completionOutbox)
        .set({ nextAttemptAt: leaseUntil, attempts: sql`${completionOutbox.attempts} + 1` })
        .where(
          and(
            isNull(completionOutbox.acknowledgedAt),
            isNull(completionOutbox.abandonedAt),
            lte(completionOutbox.nextAttemptAt, now),
            sessionId ? eq(completionOutbox.sessionId, sessionId) : undefined,
          ),
        )
        .returning();
    },

    acknowledgeCompletion: (sessionId, at) =>
      orm.transaction(async (tx) => {
        await tx
          .update(completionOutbox)
          .set({ acknowledgedAt: at, lastError: null })
          .where(eq(completionOutbox.sessionId, sessionId));
        await tx.update(labSessions).set({ completionReportedAt: at }).where(eq(labSessions.id, sessionId));
      }),

    async deferCompletion(sessionId, nextAttemptAt, error) {
      await orm
        .update(completionOutbox)
        .set({ nextAttemptAt, lastError: error.slice(0, 500) })
        .where(eq(completionOutbox.sessionId, sessionId));
    },

    async abandonCompletion(sessionId, at, error) {
      await orm
        .update(completionOutbox)
        .set({ abandonedAt: at, lastError: error.slice(0, 500) })
        .where(eq(completionOutbox.sessionId, sessionId));
    },

    async outboxOf(sessionId) {
      const [row] = await orm
        .select()
        .from(completionOutbox)
        .where(eq(completionOutbox.sessionId, sessionId));
      return row ?? null;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Session ids are uuids; anything else is simply not found (and never reaches SQL as a uuid). */
export const isUuid = (id: string) => UUID.test(id);
