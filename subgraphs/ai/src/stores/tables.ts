/** drizzle-orm mappings of the `ai` schema (the SQL in migrations/ is the source of truth). */
import { boolean, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ChunkSource } from '../domain/chunks';

export const aiSchema = pgSchema('ai');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type MessageRole = 'LEARNER' | 'TUTOR';
export type MessageKind = 'ANSWER' | 'HINT';
export type MessageStatus = 'PENDING' | 'STREAMING' | 'COMPLETE' | 'FAILED';
export type DraftStatus = 'PENDING' | 'ACCEPTED' | 'DISCARDED';

/** A cited passage as stored with its message. */
export interface StoredCitation {
  lessonId: string;
  source: ChunkSource;
  heading: string | null;
  snippet: string;
  startSeconds: number | null;
}

export interface StoredDraftQuestion {
  id: string;
  prompt: string;
  multiple: boolean;
  options: { label: string; correct: boolean }[];
  explanation: string | null;
  sourceLessonId: string | null;
}

export const conversations = aiSchema.table('conversations', {
  id: uuid('id').primaryKey(),
  userId: text('user_id').notNull(),
  courseId: text('course_id').notNull(),
  lessonId: text('lesson_id'),
  labSessionId: text('lab_session_id'),
  title: text('title').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

export const messages = aiSchema.table('messages', {
  id: uuid('id').primaryKey(),
  conversationId: uuid('conversation_id').notNull(),
  userId: text('user_id').notNull(),
  role: text('role').$type<MessageRole>().notNull(),
  kind: text('kind').$type<MessageKind>().notNull(),
  content: text('content').notNull(),
  status: text('status').$type<MessageStatus>().notNull(),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  citations: jsonb('citations').$type<StoredCitation[]>().notNull(),
  offline: boolean('offline').notNull(),
  model: text('model'),
  hintLevel: integer('hint_level'),
  labStepId: text('lab_step_id'),
  promptTokens: integer('prompt_tokens').notNull(),
  completionTokens: integer('completion_tokens').notNull(),
  cached: boolean('cached').notNull(),
  helpful: boolean('helpful'),
  ratingComment: text('rating_comment'),
  ratedAt: timestamptz('rated_at'),
  writerId: text('writer_id'),
  createdAt: timestamptz('created_at').notNull(),
  completedAt: timestamptz('completed_at'),
});

export const quizDrafts = aiSchema.table('quiz_drafts', {
  id: uuid('id').primaryKey(),
  lessonId: text('lesson_id').notNull(),
  courseId: text('course_id').notNull(),
  createdBy: text('created_by').notNull(),
  status: text('status').$type<DraftStatus>().notNull(),
  questions: jsonb('questions').$type<StoredDraftQuestion[]>().notNull(),
  offline: boolean('offline').notNull(),
  model: text('model').notNull(),
  createdAt: timestamptz('created_at').notNull(),
  decidedAt: timestamptz('decided_at'),
  decidedBy: text('decided_by'),
});

export const lessonSummaries = aiSchema.table('lesson_summaries', {
  lessonId: text('lesson_id').primaryKey(),
  courseId: text('course_id').notNull(),
  summary: text('summary').notNull(),
  keyPoints: jsonb('key_points').$type<string[]>().notNull(),
  offline: boolean('offline').notNull(),
  model: text('model').notNull(),
  generatedBy: text('generated_by').notNull(),
  generatedAt: timestamptz('generated_at').notNull(),
});
