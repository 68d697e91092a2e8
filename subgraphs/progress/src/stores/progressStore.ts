/**
 * The progress store port (enrollments, lesson progress, quiz attempts) and its adapter over the
 * kit's database (PostgreSQL or PGlite through drizzle-orm). Reads are batch-shaped for
 * DataLoaders; every write is one transaction that holds the enrollment's row lock, so concurrent
 * heartbeats and submissions of one learner apply one after another.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Drizzle, PageRequest, UserError } from '@learncraft/kit';
import { and, asc, count, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { isCourseComplete, NOT_STARTED, type LessonState } from '../domain/progress';
import type { AttemptSummary, QuizAnswer, QuizQuestionResult } from '../domain/quiz';
import { enrollments, lessonCompletions, lessonProgress, quizAttempts } from './tables';

export interface EnrollmentRecord {
  id: string;
  userId: string;
  courseId: string;
  enrolledAt: Date;
  completedAt: Date | null;
  lastActivityAt: Date;
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
}

export type NewQuizAttempt = Pick<QuizAttemptRecord, 'scorePercent' | 'passed' | 'answers' | 'results'>;

export interface LessonActivity {
  enrollmentId: string;
  lessonId: string;
  at: Date;
  /** The course's current lessons: the enrollment completes when all of them are complete. */
  courseLessonIds: readonly string[];
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
  | ({ ok: true } & LessonActivityResult & { attempt: QuizAttemptRecord })
  | { ok: false; userErrors: UserError[] };

export interface LessonActivityResult {
  enrollment: EnrollmentRecord;
  lessonProgress: LessonProgressRecord;
  previous: LessonState;
  attempt: QuizAttemptRecord | null;
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
  /** One page (newest first) of each user's enrollments, in one query. */
  enrollmentPagesByUsers(userIds: readonly string[], page: PageRequest): Promise<EnrollmentRecord[]>;
  enrollmentCountsByUsers(userIds: readonly string[]): Promise<{ userId: string; count: number }[]>;
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
   * cannot together exceed an attempt limit.
   */
  recordQuizAttempt(activity: QuizAttemptActivity): Promise<QuizAttemptOutcome>;
  /**
   * Completes a lesson for another service (labs), exactly once: under the enrollment's row lock a
   * lesson that is already complete is left as it is (nothing written, `changed: false`), so
   * retries, replays and concurrent calls from several replicas change the state once.
   */
  completeLessonOnce(completion: ExternalCompletion): Promise<ExternalCompletionResult>;
}

/** Thrown inside a transaction to roll it back, writing nothing, when the lesson is already complete. */
class AlreadyComplete extends Error {}

/** Thrown inside a transaction to roll it back with the userError that refused it. */
class AttemptRefused extends Error {
  constructor(readonly userError: UserError) {
    super(userError.message);
  }
}

type Transaction = Parameters<Parameters<Drizzle['transaction']>[0]>[0];

export function createProgressStore(db: Database): ProgressStore {
  const orm = db.drizzle;
  return {
    async enroll(userId, courseId, at) {
      const inserted = await orm
        .insert(enrollments)
        .values({ id: randomUUID(), userId, courseId, enrolledAt: at, lastActivityAt: at })
        .onConflictDoNothing({ target: [enrollments.userId, enrollments.courseId] })
        .returning();
      if (inserted[0]) return { enrollment: inserted[0], created: true };
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

    recordLessonActivity: (activity) => orm.transaction((tx) => recordLessonActivity(tx, activity)),

    async recordQuizAttempt({ admit, ...activity }) {
      try {
        const result = await orm.transaction((tx) =>
          recordLessonActivity(tx, activity, async () => {
            const earlier = await tx
              .select({ passed: quizAttempts.passed, submittedAt: quizAttempts.submittedAt })
              .from(quizAttempts)
              .where(
                and(
                  eq(quizAttempts.enrollmentId, activity.enrollmentId),
                  eq(quizAttempts.lessonId, activity.lessonId),
                ),
              );
            const refusal = admit(earlier);
            if (refusal) throw new AttemptRefused(refusal);
          }),
        );
        if (!result.attempt) throw new Error('the store recorded no quiz attempt');
        return { ok: true, ...result, attempt: result.attempt };
      } catch (error) {
        if (error instanceof AttemptRefused) return { ok: false, userErrors: [error.userError] };
        throw error;
      }
    },

    async completeLessonOnce({ reference, ...activity }) {
      const { enrollmentId, lessonId, at } = activity;
      try {
        const result = await orm.transaction((tx) =>
          recordLessonActivity(tx, activity, async () => {
            const [existing] = await tx
              .select({ status: lessonProgress.status })
              .from(lessonProgress)
              .where(
                and(eq(lessonProgress.enrollmentId, enrollmentId), eq(lessonProgress.lessonId, lessonId)),
              );
            if (existing?.status === 'COMPLETED') throw new AlreadyComplete();
            await tx
              .insert(lessonCompletions)
              .values({ enrollmentId, lessonId, reference, completedAt: at })
              .onConflictDoNothing();
          }),
        );
        return { changed: true, ...result };
      } catch (error) {
        if (error instanceof AlreadyComplete) return { changed: false };
        throw error;
      }
    },
  };
}

/** `whileLocked` runs right after the enrollment's row lock is taken, before anything is written. */
async function recordLessonActivity(
  tx: Transaction,
  activity: LessonActivity,
  whileLocked?: () => Promise<void>,
): Promise<LessonActivityResult> {
  const { enrollmentId, lessonId, at } = activity;
  const [locked] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for('update');
  if (!locked) throw new Error(`enrollment ${enrollmentId} does not exist`);
  await whileLocked?.();

  const [existing] = await tx
    .select()
    .from(lessonProgress)
    .where(and(eq(lessonProgress.enrollmentId, enrollmentId), eq(lessonProgress.lessonId, lessonId)));
  const previous: LessonState = existing
    ? {
        status: existing.status,
        positionSeconds: existing.positionSeconds,
        completedAt: existing.completedAt,
      }
    : NOT_STARTED;
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

  let completedAt = locked.completedAt;
  // Checked on every activity, not only completions: lessons removed from the course can leave the
  // remaining ones all complete.
  if (!completedAt) {
    const completed = await tx
      .select({ lessonId: lessonProgress.lessonId })
      .from(lessonProgress)
      .where(and(eq(lessonProgress.enrollmentId, enrollmentId), eq(lessonProgress.status, 'COMPLETED')));
    if (isCourseComplete(new Set(completed.map((row) => row.lessonId)), activity.courseLessonIds))
      completedAt = at;
  }
  const [enrollment] = await tx
    .update(enrollments)
    .set({ lastActivityAt: at, completedAt })
    .where(eq(enrollments.id, enrollmentId))
    .returning();
  if (!enrollment) throw new Error(`enrollment ${enrollmentId} vanished while locked`);
  return { enrollment, lessonProgress: saved, previous, attempt };
}
