/** drizzle-orm mappings of the `labs` schema (the SQL in migrations/ is the source of truth). */
import { integer, jsonb, pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { LabTemplate, SessionStatus, StepStatus } from '../domain/session';

export const labsSchema = pgSchema('labs');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const labSessions = labsSchema.table('lab_sessions', {
  id: uuid('id').primaryKey(),
  userId: text('user_id').notNull(),
  lessonId: text('lesson_id').notNull(),
  courseId: text('course_id').notNull(),
  status: text('status').$type<SessionStatus>().notNull(),
  progressPercent: integer('progress_percent').notNull(),
  statusMessage: text('status_message'),
  template: jsonb('template').$type<LabTemplate>().notNull(),
  nodeId: text('node_id').notNull(),
  sandboxId: text('sandbox_id'),
  startedAt: timestamptz('started_at'),
  expiresAt: timestamptz('expires_at').notNull(),
  idleDeadline: timestamptz('idle_deadline'),
  extensions: integer('extensions').notNull(),
  lastActivityAt: timestamptz('last_activity_at').notNull(),
  completionReportedAt: timestamptz('completion_reported_at'),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

export const labStepStates = labsSchema.table(
  'lab_step_states',
  {
    sessionId: uuid('session_id').notNull(),
    stepId: text('step_id').notNull(),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    checkCommand: text('check_command').notNull(),
    status: text('status').$type<StepStatus>().notNull(),
    lastOutput: text('last_output'),
    checkedAt: timestamptz('checked_at'),
    checkStartedAt: timestamptz('check_started_at'),
  },
  (table) => [primaryKey({ columns: [table.sessionId, table.stepId] })],
);

export const terminalTokens = labsSchema.table('terminal_tokens', {
  jti: text('jti').primaryKey(),
  sessionId: uuid('session_id').notNull(),
  usedAt: timestamptz('used_at').notNull(),
  expiresAt: timestamptz('expires_at').notNull(),
});

export const expiryWarnings = labsSchema.table(
  'expiry_warnings',
  {
    sessionId: uuid('session_id').notNull(),
    thresholdSeconds: integer('threshold_seconds').notNull(),
    deadline: timestamptz('deadline').notNull(),
    sentAt: timestamptz('sent_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.sessionId, table.thresholdSeconds, table.deadline] })],
);

export const completionOutbox = labsSchema.table('completion_outbox', {
  sessionId: uuid('session_id').primaryKey(),
  userId: text('user_id').notNull(),
  lessonId: text('lesson_id').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  attempts: integer('attempts').notNull(),
  nextAttemptAt: timestamptz('next_attempt_at').notNull(),
  acknowledgedAt: timestamptz('acknowledged_at'),
  abandonedAt: timestamptz('abandoned_at'),
  lastError: text('last_error'),
});
