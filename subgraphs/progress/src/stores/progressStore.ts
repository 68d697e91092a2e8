/**
 * The progress store port (enrollments, lesson progress, quiz attempts) and its adapter over the
 * kit's database (PostgreSQL or PGlite through drizzle-orm). Reads are batch-shaped for
 * DataLoaders; every write is one transaction that holds the enrollment's row lock, so concurrent
 * heartbeats and submissions of one learner apply one after another.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Drizzle, PageRequest, UserError } from '@learncraft/kit';
import { and, asc, count, eq, gt, gte, inArray, lte, or, sql } from 'drizzle-orm';
import {
  enrolledEvent,
  LEARNING_TOPIC,
  lessonActivityEvents,
  type LearningEvent,
} from '../domain/learningEvents';
import { isCourseComplete, NOT_STARTED, progressPercent, type LessonState } from '../domain/progress';
import type { AttemptSummary, QuizAnswer, QuizQuestionResult } from '../domain/quiz';
import type { LessonKind } from './catalogClient';
import { writeOutbox } from './outboxStore';
import { enrollments, lessonCompletions, lessonProgress, quizAttempts } from './tables';

export interface EnrollmentRecord {
  id: string;
  userId: string;
  courseId: string;
  enrolledAt: Date;
  completedAt: Date | null;
  lastActivityAt: Date;
  /** The last change of the enrollment or of anything in it. */
  updatedAt: Date;
}

export interface LessonProgressRecord extends LessonState {
  enrollmentId: string;
  lessonId: string;
  updatedAt: Date;
}

export interface QuizAttemptRecord {
  id: string;
  enrollmentId: string;
  lessonId: string;
  scorePercent: number;
  passed: boolean;
  answers: QuizAnswer[];
  results: QuizQuestionResult[];
  submittedAt: Date;
  /** The client's key for this submission (see quizSubmit's `idempotencyKey`); null when none was sent. */
  idempotencyKey: string | null;
}

export type NewQuizAttempt = Pick<
  QuizAttemptRecord,
  'scorePercent' | 'passed' | 'answers' | 'results' | 'idempotencyKey'
>;

export interface LessonActivity {
  enrollmentId: string;
  lessonId: string;
  at: Date;
  /** The course's current lessons: the enrollment completes when all of them are complete. */
  courseLessonIds: readonly string[];
  /** The lesson's kind: a LAB lesson that completes also announces `lab.passed`. */
  lessonKind?: LessonKind;
  /** The domain decision, applied to the lesson's state as locked in the transaction. */
  next: (current: LessonState) => LessonState;
  /** A graded quiz attempt to record with the activity. */
  attempt?: NewQuizAttempt;
}

export interface QuizAttemptActivity extends Omit<LessonActivity, 'attempt'> {
  attempt: NewQuizAttempt;
  /**
   * Decides, from the learner's earlier attempts at this quiz as read under the enrollment's row
   * lock, whether this attempt may be recorded; an error aborts the transaction and writes nothing.
   */
  admit: (earlier: AttemptSummary[]) => UserError | null;
}

export type QuizAttemptOutcome =
  | ({ ok: true; replayed: false } & LessonActivityResult & { attempt: QuizAttemptRecord })
  /**
   * The attempt's idempotency key was already used for this lesson: nothing was written and the
   * first attempt is returned, with the enrollment as it is now.
   */
  | { ok: true; replayed: true; attempt: QuizAttemptRecord; enrollment: EnrollmentRecord }
  | { ok: false; userErrors: UserError[] };

export interface EnrollmentWithLessons {
  enrollment: EnrollmentRecord;
  lessons: LessonProgressRecord[];
}

export interface LessonActivityResult {
  enrollment: EnrollmentRecord;
  lessonProgress: LessonProgressRecord;
  previous: LessonState;
  attempt: QuizAttemptRecord | null;
  /** The enrollment's completed lessons after the change, as the transaction saw them. */
  completedLessonIds: ReadonlySet<string>;
}

export interface ExternalCompletion extends Omit<LessonActivity, 'attempt'> {
  /** What completed the lesson (the lab session id), kept with the first completion. */
  reference: string;
}

/** `changed: false`: the lesson was already complete and nothing was written. */
export type ExternalCompletionResult = ({ changed: true } & LessonActivityResult) | { changed: false };

export interface ProgressStore {
  /** Enrolls the user, or returns their existing enrollment (`created: false`). */
  enroll(
    userId: string,
    courseId: string,
    at: Date,
  ): Promise<{ enrollment: EnrollmentRecord; created: boolean }>;
  enrollmentsByIds(ids: readonly string[]): Promise<EnrollmentRecord[]>;
  enrollmentsByUserAndCourse(
    keys: readonly { userId: string; courseId: string }[],
  ): Promise<EnrollmentRecord[]>;
  /**
   * The same enrollments, each with all of its lesson progress rows, in one query: what a lesson's
   * `viewerProgress` and a course's `viewerEnrollment.progressPercent` read together.
   */
  enrollmentsWithLessonsByUserAndCourse(
    keys: readonly { userId: string; courseId: string }[],
  ): Promise<EnrollmentWithLessons[]>;
  /** One page (newest first) of each user's enrollments, in one query. */
  enrollmentPagesByUsers(userIds: readonly string[], page: PageRequest): Promise<EnrollmentRecord[]>;
  enrollmentCountsByUsers(userIds: readonly string[]): Promise<{ userId: string; count: number }[]>;
  /**
   * A page of the enrollments of `userIds` (an organization's members) ordered by (updatedAt, id)
   * ascending, after the keyset position `after`, with the filter's total (the position aside).
   */
  enrollmentSyncPage(query: EnrollmentSyncQuery): Promise<{ rows: EnrollmentRecord[]; totalCount: number }>;
  lessonProgressByEnrollments(enrollmentIds: readonly string[]): Promise<LessonProgressRecord[]>;
  completedLessonsByEnrollments(
    enrollmentIds: readonly string[],
  ): Promise<{ enrollmentId: string; lessonId: string }[]>;
  /** Attempts oldest first. */
  quizAttemptsByEnrollments(enrollmentIds: readonly string[]): Promise<QuizAttemptRecord[]>;
  /**
   * Applies one learner action to a lesson in one transaction: the lesson's new state, the quiz
   * attempt if any, `last_activity_at`, and `completed_at` once every course lesson is complete.
   */
  recordLessonActivity(activity: LessonActivity): Promise<LessonActivityResult>;
  /**
   * Records a graded quiz attempt like recordLessonActivity, but only if `admit` accepts it given
   * the earlier attempts: the check and the insert share the row lock, so concurrent submissions
   * cannot together exceed an attempt limit. An attempt whose idempotency key is already recorded
   * for the lesson is not recorded again (`replayed: true`, checked under the same lock, before
   * `admit`), so concurrent duplicates make one attempt.
   */
  recordQuizAttempt(activity: QuizAttemptActivity): Promise<QuizAttemptOutcome>;
  /**
   * Completes a lesson for another service (labs), exactly once: under the enrollment's row lock a
   * lesson that is already complete is left as it is (nothing written, `changed: false`), so
   * retries, replays and concurrent calls from several replicas change the state once.
   */
  completeLessonOnce(completion: ExternalCompletion): Promise<ExternalCompletionResult>;
}

export interface EnrollmentSyncQuery {
  userIds: readonly string[];
  courseId?: string | null;
  updatedSince?: Date | null;
  /** The (updatedAt, id) of the last row already seen. */
  after?: { updatedAt: Date; id: string } | null;
  limit: number;
}

export interface ProgressStoreHooks {
  /** Called after a transaction that wrote learning events committed (kicks the relay). */
  afterOutboxCommit?: () => void;
}

/** Thrown inside a transaction to roll it back, writing nothing, when the lesson is already complete. */
class AlreadyComplete extends Error {}

/** Thrown inside a transaction to roll it back, writing nothing, when the key was used already. */
class AttemptReplayed extends Error {
  constructor(
    readonly attempt: QuizAttemptRecord,
    readonly enrollment: EnrollmentRecord,
  ) {
    super('quiz attempt replayed');
  }
}

/** Thrown inside a transaction to roll it back with the userError that refused it. */
class AttemptRefused extends Error {
  constructor(readonly userError: UserError) {
    super(userError.message);
  }
}

type Transaction = Parameters<Parameters<Drizzle['transaction']>[0]>[0];

export function createProgressStore(db: Database, hooks: ProgressStoreHooks = {}): ProgressStore {
  const orm = db.drizzle;
  /** After the commit: the relay is kicked when the transaction wrote events. */
  const announced = <T>(result: T, eventsWritten: number): T => {
    if (eventsWritten > 0) hooks.afterOutboxCommit?.();
    return result;
  };
  return {
    async enroll(userId, courseId, at) {
      const created = await orm.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(enrollments)
          .values({ id: randomUUID(), userId, courseId, enrolledAt: at, lastActivityAt: at, updatedAt: at })
          .onConflictDoNothing({ target: [enrollments.userId, enrollments.courseId] })
          .returning();
        if (inserted) await writeOutbox(tx, outboxEvents([enrolledEvent(inserted, at)]));
        return inserted;
      });
      if (created) return announced({ enrollment: created, created: true }, 1);
      const [existing] = await orm
        .select()
        .from(enrollments)
        .where(and(eq(enrollments.userId, userId), eq(enrollments.courseId, courseId)));
      if (!existing) throw new Error('enrollment vanished between insert and select');
      return { enrollment: existing, created: false };
    },

    async enrollmentsByIds(ids) {
      if (ids.length === 0) return [];
      return orm
        .select()
        .from(enrollments)
        .where(inArray(enrollments.id, [...ids]));
    },

    async enrollmentsByUserAndCourse(keys) {
      if (keys.length === 0) return [];
      // Both id lists select a superset of the pairs (usually one user); the exact pairs are kept.
      const rows = await orm
        .select()
        .from(enrollments)
        .where(
          and(
            inArray(enrollments.userId, [...new Set(keys.map((key) => key.userId))]),
            inArray(enrollments.courseId, [...new Set(keys.map((key) => key.courseId))]),
          ),
        );
      const wanted = new Set(keys.map((key) => `${key.userId}\u0000${key.courseId}`));
      return rows.filter((row) => wanted.has(`${row.userId}\u0000${row.courseId}`));
    },

    async enrollmentsWithLessonsByUserAndCourse(keys) {
      if (keys.length === 0) return [];
      const rows = await orm
        .select({ enrollment: enrollments, lesson: lessonProgress })
        .from(enrollments)
        .leftJoin(lessonProgress, eq(lessonProgress.enrollmentId, enrollments.id))
        .where(
          and(
            inArray(enrollments.userId, [...new Set(keys.map((key) => key.userId))]),
            inArray(enrollments.courseId, [...new Set(keys.map((key) => key.courseId))]),
          ),
        );
      const wanted = new Set(keys.map((key) => `${key.userId}\u0000${key.courseId}`));
      const byEnrollment = new Map<string, EnrollmentWithLessons>();
      for (const { enrollment, lesson } of rows) {
        if (!wanted.has(`${enrollment.userId}\u0000${enrollment.courseId}`)) continue;
        let entry = byEnrollment.get(enrollment.id);
        if (!entry) byEnrollment.set(enrollment.id, (entry = { enrollment, lessons: [] }));
        if (lesson) entry.lessons.push(lesson);
      }
      return [...byEnrollment.values()];
    },

    async enrollmentPagesByUsers(userIds, page) {
      if (userIds.length === 0 || page.limit === 0) return [];
      const ranked = orm
        .select({
          id: enrollments.id,
          userId: enrollments.userId,
          courseId: enrollments.courseId,
          enrolledAt: enrollments.enrolledAt,
          completedAt: enrollments.completedAt,
          lastActivityAt: enrollments.lastActivityAt,
          updatedAt: enrollments.updatedAt,
          rank: sql<number>`row_number() over (partition by ${enrollments.userId} order by ${enrollments.enrolledAt} desc, ${enrollments.id})`.as(
            'rank',
          ),
        })
        .from(enrollments)
        .where(inArray(enrollments.userId, [...userIds]))
        .as('ranked');
      const rows = await orm
        .select()
        .from(ranked)
        .where(and(gt(ranked.rank, page.offset), lte(ranked.rank, page.offset + page.limit)))
        .orderBy(asc(ranked.userId), asc(ranked.rank));
      return rows.map(({ rank: _rank, ...row }) => row);
    },

    async enrollmentCountsByUsers(userIds) {
      if (userIds.length === 0) return [];
      return orm
        .select({ userId: enrollments.userId, count: count() })
        .from(enrollments)
        .where(inArray(enrollments.userId, [...userIds]))
        .groupBy(enrollments.userId);
    },

    async enrollmentSyncPage({ userIds, courseId, updatedSince, after, limit }) {
      if (userIds.length === 0) return { rows: [], totalCount: 0 };
      const filter = and(
        inArray(enrollments.userId, [...userIds]),
        courseId ? eq(enrollments.courseId, courseId) : undefined,
        updatedSince ? gte(enrollments.updatedAt, updatedSince) : undefined,
      );
      const position = after
        ? or(
            gt(enrollments.updatedAt, after.updatedAt),
            and(eq(enrollments.updatedAt, after.updatedAt), gt(enrollments.id, after.id)),
          )
        : undefined;
      const [rows, [total]] = await Promise.all([
        limit === 0
          ? Promise.resolve([])
          : orm
              .select()
              .from(enrollments)
              .where(and(filter, position))
              .orderBy(asc(enrollments.updatedAt), asc(enrollments.id))
              .limit(limit),
        orm.select({ n: count() }).from(enrollments).where(filter),
      ]);
      return { rows, totalCount: total?.n ?? 0 };
    },

    async lessonProgressByEnrollments(enrollmentIds) {
      if (enrollmentIds.length === 0) return [];
      return orm
        .select()
        .from(lessonProgress)
        .where(inArray(lessonProgress.enrollmentId, [...enrollmentIds]));
    },

    async completedLessonsByEnrollments(enrollmentIds) {
      if (enrollmentIds.length === 0) return [];
      return orm
        .select({ enrollmentId: lessonProgress.enrollmentId, lessonId: lessonProgress.lessonId })
        .from(lessonProgress)
        .where(
          and(
            inArray(lessonProgress.enrollmentId, [...enrollmentIds]),
            eq(lessonProgress.status, 'COMPLETED'),
          ),
        );
    },

    async quizAttemptsByEnrollments(enrollmentIds) {
      if (enrollmentIds.length === 0) return [];
      return orm
        .select()
        .from(quizAttempts)
        .where(inArray(quizAttempts.enrollmentId, [...enrollmentIds]))
        .orderBy(asc(quizAttempts.submittedAt), asc(quizAttempts.id));
    },

    recordLessonActivity: async (activity) => {
      const { eventsWritten, ...result } = await orm.transaction((tx) => recordLessonActivity(tx, activity));
      return announced(result, eventsWritten);
    },

    async recordQuizAttempt({ admit, ...activity }) {
      try {
        const result = await orm.transaction((tx) =>
          recordLessonActivity(tx, activity, async (locked) => {
            // One read of the lesson's attempts serves the idempotency key and the limits.
            const earlier = await tx
              .select()
              .from(quizAttempts)
              .where(
                and(
                  eq(quizAttempts.enrollmentId, activity.enrollmentId),
                  eq(quizAttempts.lessonId, activity.lessonId),
                ),
              );
            const key = activity.attempt.idempotencyKey;
            const first =
              key === null ? undefined : earlier.find((attempt) => attempt.idempotencyKey === key);
            if (first) throw new AttemptReplayed(first, locked);
            const refusal = admit(earlier);
            if (refusal) throw new AttemptRefused(refusal);
          }),
        );
        const { eventsWritten, attempt, ...rest } = result;
        if (!attempt) throw new Error('the store recorded no quiz attempt');
        return announced({ ok: true, replayed: false, ...rest, attempt }, eventsWritten);
      } catch (error) {
        if (error instanceof AttemptReplayed) {
          return { ok: true, replayed: true, attempt: error.attempt, enrollment: error.enrollment };
        }
        if (error instanceof AttemptRefused) return { ok: false, userErrors: [error.userError] };
        throw error;
      }
    },

    async completeLessonOnce({ reference, ...activity }) {
      const { enrollmentId, lessonId, at } = activity;
      try {
        const result = await orm.transaction((tx) =>
          recordLessonActivity(tx, activity, async (_locked, current) => {
            if (current.status === 'COMPLETED') throw new AlreadyComplete();
            await tx
              .insert(lessonCompletions)
              .values({ enrollmentId, lessonId, reference, completedAt: at })
              .onConflictDoNothing();
          }),
        );
        const { eventsWritten, ...rest } = result;
        return announced({ changed: true, ...rest }, eventsWritten);
      } catch (error) {
        if (error instanceof AlreadyComplete) return { changed: false };
        throw error;
      }
    },
  };
}

/**
 * `whileLocked` runs once the enrollment's row lock is taken and the lesson's current state is
 * read, before anything is written. The enrollment's lesson rows are read once, under the lock:
 * they give the lesson's state and the completed set the course completion is judged on.
 */
async function recordLessonActivity(
  tx: Transaction,
  activity: LessonActivity,
  whileLocked?: (locked: EnrollmentRecord, current: LessonState) => Promise<void>,
): Promise<LessonActivityResult & { eventsWritten: number }> {
  const { enrollmentId, lessonId, at } = activity;
  const [locked] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for('update');
  if (!locked) throw new Error(`enrollment ${enrollmentId} does not exist`);
  const lessonRows = await tx
    .select({
      lessonId: lessonProgress.lessonId,
      status: lessonProgress.status,
      positionSeconds: lessonProgress.positionSeconds,
      completedAt: lessonProgress.completedAt,
    })
    .from(lessonProgress)
    .where(eq(lessonProgress.enrollmentId, enrollmentId));
  const existing = lessonRows.find((row) => row.lessonId === lessonId);
  const previous: LessonState = existing
    ? {
        status: existing.status,
        positionSeconds: existing.positionSeconds,
        completedAt: existing.completedAt,
      }
    : NOT_STARTED;
  await whileLocked?.(locked, previous);
  const next = activity.next(previous);
  const values = { enrollmentId, lessonId, ...next, updatedAt: at };
  const [saved] = await tx
    .insert(lessonProgress)
    .values(values)
    .onConflictDoUpdate({
      target: [lessonProgress.enrollmentId, lessonProgress.lessonId],
      set: {
        status: next.status,
        positionSeconds: next.positionSeconds,
        completedAt: next.completedAt,
        updatedAt: at,
      },
    })
    .returning();
  if (!saved) throw new Error('lesson progress upsert returned no row');

  let attempt: QuizAttemptRecord | null = null;
  if (activity.attempt) {
    const [inserted] = await tx
      .insert(quizAttempts)
      .values({ id: randomUUID(), enrollmentId, lessonId, submittedAt: at, ...activity.attempt })
      .returning();
    attempt = inserted ?? null;
  }

  const completed = new Set(
    lessonRows
      .filter((row) => row.lessonId !== lessonId && row.status === 'COMPLETED')
      .map((row) => row.lessonId),
  );
  if (saved.status === 'COMPLETED') completed.add(lessonId);
  // Checked on every activity, not only completions: lessons removed from the course can leave the
  // remaining ones all complete.
  const completedAt =
    locked.completedAt ?? (isCourseComplete(completed, activity.courseLessonIds) ? at : null);
  const events = lessonActivityEvents({
    enrollment: locked,
    lessonId,
    lessonKind: activity.lessonKind,
    previous,
    next,
    courseCompletedBefore: locked.completedAt !== null,
    courseCompletedAfter: completedAt !== null,
    progressPercent: progressPercent(completed, activity.courseLessonIds),
    at,
  });
  // Before the enrollment's update: any failure from here on rolls the events back with the change.
  await writeOutbox(tx, outboxEvents(events));
  const [enrollment] = await tx
    .update(enrollments)
    .set({ lastActivityAt: at, updatedAt: at, completedAt })
    .where(eq(enrollments.id, enrollmentId))
    .returning();
  if (!enrollment) throw new Error(`enrollment ${enrollmentId} vanished while locked`);
  return {
    enrollment,
    lessonProgress: saved,
    previous,
    attempt,
    completedLessonIds: completed,
    eventsWritten: events.length,
  };
}

function outboxEvents(events: readonly LearningEvent[]) {
  return events.map((payload) => ({ topic: LEARNING_TOPIC, payload }));
}
