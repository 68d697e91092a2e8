/** drizzle-orm mappings of the `progress` schema (the SQL in migrations/ is the source of truth). */
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import type { QuizAnswer, QuizQuestionResult } from '../domain/quiz';
import type { LessonStatus } from '../domain/progress';

export const progressSchema = pgSchema('progress');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const enrollments = progressSchema.table('enrollments', {
  id: uuid('id').primaryKey(),
  userId: text('user_id').notNull(),
  courseId: text('course_id').notNull(),
  enrolledAt: timestamptz('enrolled_at').notNull(),
  completedAt: timestamptz('completed_at'),
  lastActivityAt: timestamptz('last_activity_at').notNull(),
  /** Moves on every change of the enrollment or anything in it (the organization sync's cursor). */
  updatedAt: timestamptz('updated_at').notNull(),
});

export const lessonProgress = progressSchema.table(
  'lesson_progress',
  {
    enrollmentId: uuid('enrollment_id').notNull(),
    lessonId: text('lesson_id').notNull(),
    status: text('status').$type<LessonStatus>().notNull(),
    positionSeconds: doublePrecision('position_seconds').notNull(),
    completedAt: timestamptz('completed_at'),
    updatedAt: timestamptz('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.enrollmentId, table.lessonId] })],
);

export const quizAttempts = progressSchema.table('quiz_attempts', {
  id: uuid('id').primaryKey(),
  enrollmentId: uuid('enrollment_id').notNull(),
  lessonId: text('lesson_id').notNull(),
  scorePercent: integer('score_percent').notNull(),
  passed: boolean('passed').notNull(),
  answers: jsonb('answers').$type<QuizAnswer[]>().notNull(),
  results: jsonb('results').$type<QuizQuestionResult[]>().notNull(),
  submittedAt: timestamptz('submitted_at').notNull(),
  idempotencyKey: text('idempotency_key'),
});

export const lessonCompletions = progressSchema.table(
  'lesson_completions',
  {
    enrollmentId: uuid('enrollment_id').notNull(),
    lessonId: text('lesson_id').notNull(),
    reference: text('reference').notNull(),
    completedAt: timestamptz('completed_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.enrollmentId, table.lessonId] })],
);

/** Learning events waiting for (or done with) the relay; see migrations/0004. */
export const outbox = progressSchema.table('outbox', {
  id: uuid('id').primaryKey(),
  sequence: bigint('sequence', { mode: 'number' })
    .notNull()
    .default(sql`nextval('progress.outbox_sequence_seq')`),
  topic: text('topic').notNull(),
  payload: jsonb('payload').$type<unknown>().notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  publishedAt: timestamptz('published_at'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
  leaseOwner: text('lease_owner'),
  leaseUntil: timestamptz('lease_until'),
  lastError: text('last_error'),
});
