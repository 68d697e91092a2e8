/**
 * The tutor store port (conversations and their messages, ratings, quiz drafts, lesson summaries)
 * and its adapter over the kit's database (PostgreSQL or PGlite through drizzle-orm). A question
 * and its pending reply are written in one transaction, so an exchange is never half stored.
 */
import { randomUUID } from 'node:crypto';
import type { Database, PageRequest } from '@learncraft/kit';
import { and, asc, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import {
  conversations,
  lessonSummaries,
  messages,
  quizDrafts,
  type DraftStatus,
  type MessageKind,
  type StoredCitation,
  type StoredDraftQuestion,
} from './tables';

export type ConversationRecord = typeof conversations.$inferSelect;
export type MessageRecord = typeof messages.$inferSelect;
export type DraftRecord = typeof quizDrafts.$inferSelect;
export type SummaryRecord = typeof lessonSummaries.$inferSelect;

export interface NewExchange {
  userId: string;
  /** Continue this conversation (must be the user's); otherwise one is created from `start`. */
  conversationId: string | null;
  start: { courseId: string; lessonId: string | null; labSessionId: string | null; title: string };
  question: string;
  kind: MessageKind;
  hintLevel: number | null;
  labStepId: string | null;
  offline: boolean;
  model: string;
  writerId: string;
  at: Date;
}

export interface Exchange {
  conversation: ConversationRecord;
  question: MessageRecord;
  reply: MessageRecord;
}

export interface ReplyFinish {
  status: 'COMPLETE' | 'FAILED';
  content: string;
  citations: StoredCitation[];
  errorCode: string | null;
  errorMessage: string | null;
  promptTokens: number;
  completionTokens: number;
  cached: boolean;
  at: Date;
}

export interface TutorStore {
  /** The question and its PENDING reply; null when `conversationId` is not the user's. */
  createExchange(input: NewExchange): Promise<Exchange | null>;
  conversationsByIds(ids: readonly string[]): Promise<ConversationRecord[]>;
  conversationOfLabSession(labSessionId: string): Promise<ConversationRecord | null>;
  messagesByIds(ids: readonly string[]): Promise<MessageRecord[]>;
  /** A page of each user's conversations, most recently active first. */
  conversationPage(userId: string, courseId: string | null, page: PageRequest): Promise<ConversationRecord[]>;
  conversationCount(userId: string, courseId: string | null): Promise<number>;
  /** A page of each conversation's messages, oldest first, in one query. */
  messagePages(conversationIds: readonly string[], page: PageRequest): Promise<MessageRecord[]>;
  messageCounts(conversationIds: readonly string[]): Promise<{ conversationId: string; count: number }[]>;
  /** The newest finished turns of a conversation before `beforeMessageId`'s time, oldest first. */
  recentTurns(conversationId: string, before: Date, limit: number): Promise<MessageRecord[]>;
  /** PENDING → STREAMING; false when the reply is no longer pending. */
  markStreaming(messageId: string): Promise<boolean>;
  /** Ends an unfinished reply; null when it had already finished. */
  finishReply(messageId: string, finish: ReplyFinish): Promise<MessageRecord | null>;
  /** Unfinished replies of `writerId`, or of anyone older than `staleBefore`, become FAILED. */
  failUnfinished(writerId: string, staleBefore: Date, at: Date, errorMessage: string): Promise<number>;
  rate(
    messageId: string,
    rating: { helpful: boolean; comment: string | null; at: Date },
  ): Promise<MessageRecord>;
  /** Hints already given for a step of a lab session's conversation. */
  hintCount(conversationId: string, stepId: string): Promise<number>;
  insertDraft(input: Omit<DraftRecord, 'id' | 'status' | 'decidedAt' | 'decidedBy'>): Promise<DraftRecord>;
  draftsByIds(ids: readonly string[]): Promise<DraftRecord[]>;
  draftsOfLesson(lessonId: string, limit: number): Promise<DraftRecord[]>;
  /** PENDING → `status`; null when the draft was no longer pending. */
  decideDraft(
    id: string,
    status: Exclude<DraftStatus, 'PENDING'>,
    by: string,
    at: Date,
  ): Promise<DraftRecord | null>;
  upsertSummary(summary: SummaryRecord): Promise<SummaryRecord>;
  summariesByLessons(lessonIds: readonly string[]): Promise<SummaryRecord[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string) => UUID.test(id);

const UNFINISHED = ['PENDING', 'STREAMING'] as const;

export function createTutorStore(db: Database): TutorStore {
  const orm = db.drizzle;
  const byCourse = (userId: string, courseId: string | null) =>
    courseId === null
      ? eq(conversations.userId, userId)
      : and(eq(conversations.userId, userId), eq(conversations.courseId, courseId));

  return {
    createExchange: (input) =>
      orm.transaction(async (tx) => {
        let conversation: ConversationRecord | undefined;
        if (input.conversationId !== null) {
          if (!isUuid(input.conversationId)) return null;
          [conversation] = await tx
            .update(conversations)
            .set({ updatedAt: input.at })
            .where(and(eq(conversations.id, input.conversationId), eq(conversations.userId, input.userId)))
            .returning();
          if (!conversation) return null;
        } else {
          [conversation] = await tx
            .insert(conversations)
            .values({
              id: randomUUID(),
              userId: input.userId,
              ...input.start,
              createdAt: input.at,
              updatedAt: input.at,
            })
            .returning();
        }
        if (!conversation) throw new Error('the conversation was not written');
        const base = {
          conversationId: conversation.id,
          userId: input.userId,
          kind: input.kind,
          citations: [],
          offline: input.offline,
          promptTokens: 0,
          completionTokens: 0,
          cached: false,
        };
        const [question] = await tx
          .insert(messages)
          .values({
            ...base,
            id: randomUUID(),
            role: 'LEARNER',
            content: input.question,
            status: 'COMPLETE',
            offline: false,
            labStepId: input.labStepId,
            createdAt: input.at,
            completedAt: input.at,
          })
          .returning();
        // A microsecond later, so the reply sorts after its question.
        const [reply] = await tx
          .insert(messages)
          .values({
            ...base,
            id: randomUUID(),
            role: 'TUTOR',
            content: '',
            status: 'PENDING',
            model: input.model,
            hintLevel: input.hintLevel,
            labStepId: input.labStepId,
            writerId: input.writerId,
            createdAt: new Date(input.at.getTime() + 1),
          })
          .returning();
        if (!question || !reply) throw new Error('the exchange was not written');
        return { conversation, question, reply };
      }),

    conversationsByIds: async (ids) => {
      const valid = ids.filter(isUuid);
      return valid.length === 0
        ? []
        : orm.select().from(conversations).where(inArray(conversations.id, valid));
    },

    conversationOfLabSession: async (labSessionId) => {
      const [row] = await orm
        .select()
        .from(conversations)
        .where(eq(conversations.labSessionId, labSessionId));
      return row ?? null;
    },

    messagesByIds: async (ids) => {
      const valid = ids.filter(isUuid);
      return valid.length === 0 ? [] : orm.select().from(messages).where(inArray(messages.id, valid));
    },

    conversationPage: (userId, courseId, page) =>
      orm
        .select()
        .from(conversations)
        .where(byCourse(userId, courseId))
        .orderBy(desc(conversations.updatedAt), desc(conversations.id))
        .limit(page.limit)
        .offset(page.offset),

    conversationCount: async (userId, courseId) => {
      const [row] = await orm.select({ n: count() }).from(conversations).where(byCourse(userId, courseId));
      return row?.n ?? 0;
    },

    messagePages: async (conversationIds, page) => {
      if (conversationIds.length === 0 || page.limit === 0) return [];
      // One window query for every conversation's page.
      const ranked = orm
        .select({
          id: messages.id,
          rank: sql<number>`row_number() over (partition by ${messages.conversationId} order by ${messages.createdAt}, ${messages.id})`.as(
            'rank',
          ),
        })
        .from(messages)
        .where(inArray(messages.conversationId, [...conversationIds]))
        .as('ranked');
      const rows = await orm
        .select({ message: messages })
        .from(messages)
        .innerJoin(ranked, eq(ranked.id, messages.id))
        .where(and(sql`${ranked.rank} > ${page.offset}`, sql`${ranked.rank} <= ${page.offset + page.limit}`))
        .orderBy(asc(messages.createdAt), asc(messages.id));
      return rows.map((row) => row.message);
    },

    messageCounts: async (conversationIds) =>
      conversationIds.length === 0
        ? []
        : orm
            .select({ conversationId: messages.conversationId, count: count() })
            .from(messages)
            .where(inArray(messages.conversationId, [...conversationIds]))
            .groupBy(messages.conversationId),

    recentTurns: async (conversationId, before, limit) => {
      const rows = await orm
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            lt(messages.createdAt, before),
            eq(messages.status, 'COMPLETE'),
            eq(messages.kind, 'ANSWER'),
          ),
        )
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(limit);
      return rows.reverse();
    },

    markStreaming: async (messageId) => {
      const rows = await orm
        .update(messages)
        .set({ status: 'STREAMING' })
        .where(and(eq(messages.id, messageId), eq(messages.status, 'PENDING')))
        .returning({ id: messages.id });
      return rows.length === 1;
    },

    finishReply: async (messageId, finish) => {
      const [row] = await orm
        .update(messages)
        .set({
          status: finish.status,
          content: finish.content,
          citations: finish.citations,
          errorCode: finish.errorCode,
          errorMessage: finish.errorMessage,
          promptTokens: finish.promptTokens,
          completionTokens: finish.completionTokens,
          cached: finish.cached,
          completedAt: finish.at,
        })
        .where(and(eq(messages.id, messageId), inArray(messages.status, [...UNFINISHED])))
        .returning();
      return row ?? null;
    },

    failUnfinished: async (writerId, staleBefore, at, errorMessage) => {
      const rows = await orm
        .update(messages)
        .set({
          status: 'FAILED',
          errorCode: 'INTERRUPTED',
          errorMessage,
          completedAt: at,
        })
        .where(
          and(
            inArray(messages.status, [...UNFINISHED]),
            or(eq(messages.writerId, writerId), lt(messages.createdAt, staleBefore)),
          ),
        )
        .returning({ id: messages.id });
      return rows.length;
    },

    rate: async (messageId, rating) => {
      const [row] = await orm
        .update(messages)
        .set({ helpful: rating.helpful, ratingComment: rating.comment, ratedAt: rating.at })
        .where(eq(messages.id, messageId))
        .returning();
      if (!row) throw new Error(`message ${messageId} vanished while being rated`);
      return row;
    },

    hintCount: async (conversationId, stepId) => {
      const [row] = await orm
        .select({ n: count() })
        .from(messages)
        .where(
          and(
            eq(messages.conversationId, conversationId),
            eq(messages.labStepId, stepId),
            eq(messages.kind, 'HINT'),
            eq(messages.role, 'TUTOR'),
            // A hint that failed was not seen: it does not raise the level.
            or(eq(messages.status, 'COMPLETE'), isNull(messages.errorCode)),
          ),
        );
      return row?.n ?? 0;
    },

    insertDraft: async (input) => {
      const [row] = await orm
        .insert(quizDrafts)
        .values({ ...input, id: randomUUID(), status: 'PENDING' })
        .returning();
      if (!row) throw new Error('the draft was not written');
      return row;
    },

    draftsByIds: async (ids) => {
      const valid = ids.filter(isUuid);
      return valid.length === 0 ? [] : orm.select().from(quizDrafts).where(inArray(quizDrafts.id, valid));
    },

    draftsOfLesson: (lessonId, limit) =>
      orm
        .select()
        .from(quizDrafts)
        .where(eq(quizDrafts.lessonId, lessonId))
        .orderBy(desc(quizDrafts.createdAt), desc(quizDrafts.id))
        .limit(limit),

    decideDraft: async (id, status, by, at) => {
      const [row] = await orm
        .update(quizDrafts)
        .set({ status, decidedBy: by, decidedAt: at })
        .where(and(eq(quizDrafts.id, id), eq(quizDrafts.status, 'PENDING')))
        .returning();
      return row ?? null;
    },

    upsertSummary: async (summary) => {
      const { lessonId: _key, ...fields } = summary;
      const [row] = await orm
        .insert(lessonSummaries)
        .values(summary)
        .onConflictDoUpdate({ target: lessonSummaries.lessonId, set: fields })
        .returning();
      if (!row) throw new Error('the summary was not written');
      return row;
    },

    summariesByLessons: async (lessonIds) =>
      lessonIds.length === 0
        ? []
        : orm
            .select()
            .from(lessonSummaries)
            .where(inArray(lessonSummaries.lessonId, [...lessonIds])),
  };
}

export type { StoredCitation, StoredDraftQuestion };
