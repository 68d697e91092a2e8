/**
 * The query root, the ai subgraph's own entities (TutorConversation, TutorMessage) and the fields
 * it contributes to entities other subgraphs own: User.tutorConversations and Lesson.summary.
 * Conversations and messages are visible to their learner only; to anyone else they are null.
 */
import { forbidden, hasRole, pageRequest, requireViewer, toConnection } from '@learncraft/kit';
import type { AiContext } from '../context';
import type { ConversationRecord, MessageRecord, StoredCitation, SummaryRecord } from '../stores/tutorStore';

interface Ref {
  id: string;
}

type PageArgs = { first?: number | null; after?: string | null };

async function ownConversation(ctx: AiContext, id: string): Promise<ConversationRecord | null> {
  const viewer = requireViewer(ctx.viewer);
  const conversation = await ctx.loaders.conversation.load(id);
  return conversation && conversation.userId === viewer.id ? conversation : null;
}

async function ownMessage(ctx: AiContext, id: string): Promise<MessageRecord | null> {
  const viewer = requireViewer(ctx.viewer);
  const message = await ctx.loaders.message.load(id);
  return message && message.userId === viewer.id ? message : null;
}

export const entityResolvers = {
  Query: {
    tutorConversation: (_: unknown, args: { id: string }, ctx: AiContext) => ownConversation(ctx, args.id),
    tutorMessage: (_: unknown, args: { id: string }, ctx: AiContext) => ownMessage(ctx, args.id),
    quizDrafts: (_: unknown, args: { lessonId: string }, ctx: AiContext) =>
      ctx.instructor.drafts(requireViewer(ctx.viewer), args.lessonId),
  },
  TutorConversation: {
    __resolveReference: (ref: Ref, ctx: AiContext) => ownConversation(ctx, ref.id),
    course: (conversation: ConversationRecord) => ({ id: conversation.courseId }),
    lesson: (conversation: ConversationRecord) =>
      conversation.lessonId ? { id: conversation.lessonId } : null,
    labSession: (conversation: ConversationRecord) =>
      conversation.labSessionId ? { id: conversation.labSessionId } : null,
    async messages(conversation: ConversationRecord, args: PageArgs, ctx: AiContext) {
      const page = pageRequest(args);
      const [rows, total] = await Promise.all([
        ctx.loaders.messagePage.load({ ownerId: conversation.id, page }),
        ctx.loaders.messageCount.load(conversation.id),
      ]);
      return toConnection(rows, total, page);
    },
  },
  TutorMessage: {
    __resolveReference: (ref: Ref, ctx: AiContext) => ownMessage(ctx, ref.id),
    async conversation(message: MessageRecord, _args: unknown, ctx: AiContext) {
      const conversation = await ctx.loaders.conversation.load(message.conversationId);
      if (!conversation) throw new Error(`message ${message.id} has no conversation`);
      return conversation;
    },
    error: (message: MessageRecord) =>
      message.status === 'FAILED'
        ? {
            code: message.errorCode ?? 'PROVIDER_ERROR',
            message: message.errorMessage ?? 'The reply failed.',
          }
        : null,
    citations: (message: MessageRecord) =>
      message.citations.map((citation: StoredCitation) => ({
        ...citation,
        lesson: { id: citation.lessonId },
      })),
    rating: (message: MessageRecord) =>
      message.helpful === null || message.ratedAt === null
        ? null
        : { helpful: message.helpful, comment: message.ratingComment, ratedAt: message.ratedAt },
  },
  QuizDraft: {
    lesson: (draft: { lessonId: string }) => ({ id: draft.lessonId }),
  },
  QuizDraftQuestion: {
    sourceLesson: (question: { sourceLessonId: string | null }) =>
      question.sourceLessonId ? { id: question.sourceLessonId } : null,
  },
  LessonSummary: {
    keyPoints: (summary: SummaryRecord) => summary.keyPoints,
    generatedAt: (summary: SummaryRecord) => summary.generatedAt,
  },
  User: {
    __resolveReference: (ref: Ref) => ref,
    async tutorConversations(user: Ref, args: PageArgs & { courseId?: string | null }, ctx: AiContext) {
      const viewer = requireViewer(ctx.viewer);
      if (viewer.id !== user.id && !hasRole(viewer, 'ADMIN'))
        throw forbidden("You may not read another user's tutor conversations.");
      const page = pageRequest(args);
      const courseId = args.courseId ?? null;
      const [rows, total] = await Promise.all([
        ctx.store.conversationPage(user.id, courseId, page),
        ctx.store.conversationCount(user.id, courseId),
      ]);
      for (const row of rows) ctx.loaders.conversation.prime(row.id, row);
      return toConnection(rows, total, page);
    },
  },
  Lesson: {
    __resolveReference: (ref: Ref) => ref,
    /** Null for a paid course the viewer may not learn (or when commerce cannot say): it is its content. */
    async summary(lesson: Ref, _args: unknown, ctx: AiContext) {
      const summary = await ctx.loaders.summary.load(lesson.id);
      if (!summary) return null;
      const access = await ctx.loaders.courseAccess.load(summary.courseId);
      return access?.hasAccess ? summary : null;
    },
  },
};
