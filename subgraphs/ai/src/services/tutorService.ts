/**
 * The tutor: answers questions about a course and gives lab hints. A request is checked (who may
 * ask, rate and daily budget, the question itself), stored with a pending reply, and answered in
 * the background: passages are retrieved, the model streams the reply through a redactor that
 * keeps quiz answers and check scripts out, every delta goes to the reply stream, and the finished
 * reply is stored with its citations — or as FAILED with what happened.
 */
import {
  courseAccessProblem,
  hasRole,
  notFound,
  userError,
  type AccessChecker,
  type Cache,
  type Logger,
  type Metrics,
  type UserError,
  type Viewer,
} from '@learncraft/kit';
import type { ScoredChunk } from '../domain/chunks';
import type { CourseContent } from '../domain/content';
import { citedRefs } from '../domain/citations';
import { estimateTokens, trimHistory } from '../domain/prompt';
import { createRedactor } from '../domain/redaction';
import {
  answerCacheKey,
  citationsFor,
  conversationTitle,
  MAX_COMMENT_CHARS,
  nextHintLevel,
  PASSAGES_PER_ANSWER,
  questionErrors,
  toPassages,
  unpassedQuizLessons,
  withheldAnswers,
  withheldCheck,
  type Citation,
} from '../domain/tutor';
import {
  ProviderError,
  type HistoryTurn,
  type Passage,
  type ReplyTask,
  type TutorModel,
} from '../providers/types';
import type { LabsClient } from '../stores/labsClient';
import type { ProgressClient } from '../stores/progressClient';
import type { ConversationRecord, Exchange, MessageRecord, TutorStore } from '../stores/tutorStore';
import type { CourseContents } from './courseContents';
import type { ReplyStreams } from './replyStreams';
import type { Retriever } from './retriever';
import type { UsageGate } from './usage';

/** What a learner reads on a reply the tutor stopped writing (a restart, a writer gone silent). */
export const INTERRUPTED_MESSAGE = 'The tutor stopped while writing this reply. Please ask again.';
/** Shown in place of text the tutor must not give away. */
export const WITHHELD = '[withheld]';
/** How long an enrolled learner's status is reused, and how many are kept. */
const STATUS_TTL_MS = 30_000;
const MAX_STATUSES = 10_000;
/** Turns of history read for a question before trimming to the token budget. */
const HISTORY_TURNS = 20;

export interface TutorLimits {
  historyTokenBudget: number;
  answerCacheSeconds: number;
  providerTimeoutMs: number;
}

export interface TutorServiceDeps {
  store: TutorStore;
  retriever: Pick<Retriever, 'search'>;
  model: TutorModel;
  progress: ProgressClient;
  labs: LabsClient;
  /** Who may learn which course (commerce); open when no commerce is deployed. */
  access: AccessChecker;
  contents: CourseContents;
  streams: ReplyStreams;
  usage: UsageGate;
  cache: Cache;
  logger: Logger;
  metrics?: Metrics;
  now: () => Date;
  writerId: string;
  limits: TutorLimits;
}

export type Outcome<T> = ({ ok: true } & T) | { ok: false; userErrors: UserError[] };

export interface AskInput {
  courseId: string;
  question: string;
  lessonId?: string | null;
  labSessionId?: string | null;
  conversationId?: string | null;
}

/** Everything the background writer needs to answer one pending reply. */
interface ReplyPlan {
  reply: MessageRecord;
  task: ReplyTask;
  withheld: string[];
  cacheKey: string | null;
  budgetKey: string;
}

interface CourseAccess {
  course: CourseContent;
  teaches: boolean;
  userId: string;
}

export class TutorService {
  private readonly writing = new Map<string, AbortController>();
  private readonly statuses = new Map<
    string,
    { status: { enrolled: boolean; passedQuizLessonIds: string[] }; until: number }
  >();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: TutorServiceDeps) {}

  /** Stores the question and a pending reply, and starts writing the reply. */
  async ask(
    viewer: Viewer,
    input: AskInput,
  ): Promise<Outcome<{ conversation: ConversationRecord; question: MessageRecord; message: MessageRecord }>> {
    const errors = questionErrors(input.question);
    if (errors.length > 0) return { ok: false, userErrors: errors };
    const question = input.question.trim();
    const access = await this.courseAccess(viewer, input.courseId);
    if (!access.ok) return access;
    const { course, teaches } = access;
    const lessonId = input.lessonId ?? null;
    const lesson = lessonId === null ? null : course.lessons.find((candidate) => candidate.id === lessonId);
    if (lesson === undefined) {
      return {
        ok: false,
        userErrors: [
          userError('LESSON_NOT_IN_COURSE', 'That lesson is not part of this course.', ['input', 'lessonId']),
        ],
      };
    }
    const labSessionId = input.labSessionId ?? null;
    if (labSessionId !== null) await this.requireOwnLabSession(viewer, labSessionId);
    const budgetKey = await this.deps.usage.admit(viewer.id);

    let conversationId = input.conversationId ?? null;
    if (conversationId === null && labSessionId !== null) {
      // Questions asked from the lab page join the session's hint conversation.
      conversationId = (await this.deps.store.conversationOfLabSession(labSessionId))?.id ?? null;
    }
    if (conversationId !== null) {
      const [existing] = await this.deps.store.conversationsByIds([conversationId]);
      if (!existing || existing.userId !== viewer.id || existing.courseId !== course.id) {
        return {
          ok: false,
          userErrors: [
            userError('CONVERSATION_NOT_FOUND', 'You have no such conversation about this course.', [
              'input',
              'conversationId',
            ]),
          ],
        };
      }
    }
    // Retrieval does not need the stored rows: it runs while they are written.
    const prepared = this.prepareAnswer(access, { question, lessonId, teaches });
    prepared.catch(() => undefined);
    const exchange = await this.deps.store.createExchange({
      userId: viewer.id,
      conversationId,
      start: { courseId: course.id, lessonId, labSessionId, title: conversationTitle(question) },
      question,
      kind: 'ANSWER',
      hintLevel: null,
      labStepId: null,
      offline: this.deps.model.offline,
      model: this.deps.model.model,
      writerId: this.deps.writerId,
      at: this.deps.now(),
    });
    if (!exchange) {
      return {
        ok: false,
        userErrors: [
          userError('CONVERSATION_NOT_FOUND', 'You have no such conversation about this course.', [
            'input',
            'conversationId',
          ]),
        ],
      };
    }
    this.startReply(exchange.reply, () =>
      this.planAnswer(exchange, prepared, { question, lessonId, budgetKey, isNew: conversationId === null }),
    );
    return {
      ok: true,
      conversation: exchange.conversation,
      question: exchange.question,
      message: exchange.reply,
    };
  }

  /** A hint for a step of the viewer's running lab session, one level more specific each time. */
  async hint(
    viewer: Viewer,
    input: { sessionId: string; stepId: string },
  ): Promise<Outcome<{ message: MessageRecord; level: number }>> {
    const context = await this.deps.labs.hintContext({ ...input, userId: viewer.id });
    if (!context) throw notFound('LabSession', input.sessionId);
    const refused = await courseAccessProblem(this.deps.access, viewer, context.session.courseId, [
      'input',
      'sessionId',
    ]);
    if (refused) return { ok: false, userErrors: [refused] };
    if (context.session.status !== 'READY') {
      return {
        ok: false,
        userErrors: [
          userError('SESSION_NOT_RUNNING', 'Hints are for a running lab session.', ['input', 'sessionId']),
        ],
      };
    }
    const step = context.step;
    if (!step) {
      return {
        ok: false,
        userErrors: [userError('STEP_NOT_FOUND', 'The lab has no such step.', ['input', 'stepId'])],
      };
    }
    if (step.status === 'PASSED') {
      return {
        ok: false,
        userErrors: [
          userError('STEP_ALREADY_PASSED', 'This step already passed its check.', ['input', 'stepId']),
        ],
      };
    }
    const budgetKey = await this.deps.usage.admit(viewer.id);
    const existing = await this.deps.store.conversationOfLabSession(context.session.id);
    const level = nextHintLevel(existing ? await this.deps.store.hintCount(existing.id, step.id) : 0);
    const exchange = await this.deps.store.createExchange({
      userId: viewer.id,
      conversationId: existing?.id ?? null,
      start: {
        courseId: context.session.courseId,
        lessonId: context.session.lessonId,
        labSessionId: context.session.id,
        title: conversationTitle(`Hints: ${context.session.labTitle}`),
      },
      question: `Hint ${level} for “${step.title}”`,
      kind: 'HINT',
      hintLevel: level,
      labStepId: step.id,
      offline: this.deps.model.offline,
      model: this.deps.model.model,
      writerId: this.deps.writerId,
      at: this.deps.now(),
    });
    // Another learner's conversation cannot hold this session: sessions are the viewer's own.
    if (!exchange)
      throw new Error(`the hint conversation of session ${context.session.id} is not the viewer's`);
    this.startReply(exchange.reply, async () => {
      const chunks = await this.deps.retriever.search({
        courseId: context.session.courseId,
        text: `${step.title}\n${step.instructions}\n${step.lastOutput ?? ''}`,
        limit: 3,
        lessonId: context.session.lessonId,
        excludeSources: ['QUIZ'],
      });
      return {
        reply: exchange.reply,
        task: {
          kind: 'hint',
          level,
          labTitle: context.session.labTitle,
          stepTitle: step.title,
          stepInstructions: step.instructions,
          authorHint: step.authorHint,
          lastCheckOutput: step.lastOutput,
          recentInput: context.recentInput,
          passages: toPassages(chunks),
        },
        withheld: withheldCheck(step.checkCommand),
        cacheKey: null,
        budgetKey,
      };
    });
    return { ok: true, message: exchange.reply, level };
  }

  async rate(
    viewer: Viewer,
    input: { messageId: string; helpful: boolean; comment?: string | null },
  ): Promise<Outcome<{ message: MessageRecord }>> {
    const message = await this.ownMessage(viewer, input.messageId);
    if (message.role !== 'TUTOR') {
      return {
        ok: false,
        userErrors: [userError('NOT_A_REPLY', 'Only tutor replies can be rated.', ['input', 'messageId'])],
      };
    }
    if (message.status === 'PENDING' || message.status === 'STREAMING') {
      return {
        ok: false,
        userErrors: [
          userError('REPLY_NOT_FINISHED', 'Rate the reply once it is finished.', ['input', 'messageId']),
        ],
      };
    }
    const comment = input.comment?.trim() || null;
    if (comment !== null && comment.length > MAX_COMMENT_CHARS) {
      return {
        ok: false,
        userErrors: [
          userError('COMMENT_TOO_LONG', `A comment may be at most ${MAX_COMMENT_CHARS} characters.`, [
            'input',
            'comment',
          ]),
        ],
      };
    }
    const rated = await this.deps.store.rate(message.id, {
      helpful: input.helpful,
      comment,
      at: this.deps.now(),
    });
    this.deps.metrics?.inc(
      input.helpful ? 'ai_replies_rated_helpful_total' : 'ai_replies_rated_unhelpful_total',
    );
    return { ok: true, message: rated };
  }

  /** The viewer's message; NOT_FOUND for anyone else's, as for an unknown id. */
  async ownMessage(viewer: Viewer, messageId: string): Promise<MessageRecord> {
    const [message] = await this.deps.store.messagesByIds([messageId]);
    if (!message || message.userId !== viewer.id) throw notFound('TutorMessage', messageId);
    return message;
  }

  /**
   * Marks a reply whose writer stopped answering as FAILED (a follower saw no progress for longer
   * than the provider may take), so no stream waits forever.
   */
  async abandon(messageId: string): Promise<void> {
    if (this.writing.has(messageId)) return;
    await this.failUnwritten(messageId, 'INTERRUPTED', INTERRUPTED_MESSAGE);
  }

  /** How long a follower waits for progress before it gives a reply up. */
  get stallMs(): number {
    return this.deps.limits.providerTimeoutMs * 2 + 10_000;
  }

  /** Replies this process left unfinished when it last stopped become FAILED (INTERRUPTED). */
  async recover(): Promise<number> {
    const now = this.deps.now();
    const staleBefore = new Date(now.getTime() - Math.max(10 * 60_000, this.stallMs * 3));
    const failed = await this.deps.store.failUnfinished(
      this.deps.writerId,
      staleBefore,
      now,
      INTERRUPTED_MESSAGE,
    );
    if (failed > 0) this.deps.logger.warn(`marked ${failed} unfinished tutor replies as interrupted`);
    return failed;
  }

  /** Stops writing: unfinished replies end as FAILED (INTERRUPTED) and their streams close. */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.writing.values()) controller.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private async courseAccess(
    viewer: Viewer,
    courseId: string,
  ): Promise<({ ok: true } & CourseAccess) | { ok: false; userErrors: UserError[] }> {
    const course = await this.deps.contents.get(courseId);
    const teaches = !!course && (course.instructorIds.includes(viewer.id) || hasRole(viewer, 'ADMIN'));
    // A draft course is invisible to everyone but its instructors, as in the catalog.
    if (!course || (!course.published && !teaches)) throw notFound('Course', courseId);
    if (teaches) return { ok: true, course, teaches, userId: viewer.id };
    const refused = await courseAccessProblem(this.deps.access, viewer, course.id);
    if (refused) return { ok: false, userErrors: [refused] };
    const status = await this.learnerStatus(viewer.id, course.id);
    if (!status.enrolled) {
      return {
        ok: false,
        userErrors: [
          userError('NOT_ENROLLED', 'Enrol in the course to ask its tutor.', ['input', 'courseId']),
        ],
      };
    }
    return { ok: true, course, teaches, userId: viewer.id };
  }

  /**
   * The learner's enrolment, remembered for a short while when enrolled ("not enrolled" is never
   * kept, so a learner who has just enrolled may ask at once). Which quizzes are passed is read
   * fresh for every answer (prepareAnswer), so a quiz passed a second ago counts.
   */
  private async learnerStatus(
    userId: string,
    courseId: string,
  ): Promise<{ enrolled: boolean; passedQuizLessonIds: string[] }> {
    const key = `${userId}\u0000${courseId}`;
    const cached = this.statuses.get(key);
    if (cached && cached.until > Date.now()) return cached.status;
    const status = await this.deps.progress.learnerCourseStatus(userId, courseId);
    this.statuses.delete(key);
    if (status.enrolled) this.statuses.set(key, { status, until: Date.now() + STATUS_TTL_MS });
    if (this.statuses.size > MAX_STATUSES) this.statuses.delete(this.statuses.keys().next().value!);
    return status;
  }

  private async requireOwnLabSession(viewer: Viewer, sessionId: string): Promise<void> {
    const context = await this.deps.labs.hintContext({ sessionId, stepId: '-', userId: viewer.id });
    if (!context) throw notFound('LabSession', sessionId);
  }

  /** What an answer needs that does not depend on the stored exchange: passages and the quiz guard. */
  private async prepareAnswer(
    access: CourseAccess,
    ask: { question: string; lessonId: string | null; teaches: boolean },
  ): Promise<{ course: CourseContent; chunks: ScoredChunk[]; unpassed: string[]; withheld: string[] }> {
    const { course } = access;
    const passed = ask.teaches
      ? new Set<string>()
      : new Set((await this.deps.progress.learnerCourseStatus(access.userId, course.id)).passedQuizLessonIds);
    const unpassed = ask.teaches ? [] : unpassedQuizLessons(course, passed);
    const [chunks, keys] = await Promise.all([
      this.deps.retriever.search({
        courseId: course.id,
        text: ask.question,
        limit: PASSAGES_PER_ANSWER,
        lessonId: ask.lessonId,
        excludeLessonIds: unpassed,
      }),
      unpassed.length > 0 ? this.deps.contents.quizKeys(course) : Promise.resolve([]),
    ]);
    const unpassedSet = new Set(unpassed);
    const withheld = withheldAnswers(
      course,
      keys.filter((key) => unpassedSet.has(key.lessonId)),
      { question: ask.question, lessonId: ask.lessonId },
    );
    return { course, chunks, unpassed, withheld };
  }

  private async planAnswer(
    exchange: Exchange,
    preparing: ReturnType<TutorService['prepareAnswer']>,
    ask: { question: string; lessonId: string | null; budgetKey: string; isNew: boolean },
  ): Promise<ReplyPlan> {
    const [{ course, chunks, unpassed, withheld }, turns] = await Promise.all([
      preparing,
      ask.isNew
        ? Promise.resolve([])
        : this.deps.store.recentTurns(exchange.conversation.id, exchange.question.createdAt, HISTORY_TURNS),
    ]);
    const history: HistoryTurn[] = turns.map((turn) => ({
      role: turn.role === 'LEARNER' ? 'learner' : 'tutor',
      content: turn.content,
    }));
    const lessonTitle = course.lessons.find((lesson) => lesson.id === ask.lessonId)?.title ?? null;
    return {
      reply: exchange.reply,
      task: {
        kind: 'answer',
        courseTitle: course.title,
        lessonTitle,
        question: ask.question,
        history: trimHistory(history, this.deps.limits.historyTokenBudget),
        passages: toPassages(chunks),
        withholdQuizAnswers: unpassed.length > 0,
      },
      withheld,
      cacheKey:
        ask.isNew && this.deps.limits.answerCacheSeconds > 0
          ? answerCacheKey({
              courseId: course.id,
              courseVersion: course.version,
              lessonId: ask.lessonId,
              withheld: unpassed,
              question: ask.question,
              model: this.deps.model.model,
            })
          : null,
      budgetKey: ask.budgetKey,
    };
  }

  /**
   * Runs `plan` then writes the reply, in the background. Failures end the reply as FAILED (never
   * a reply left pending, never the process).
   */
  private startReply(reply: MessageRecord, plan: () => Promise<ReplyPlan>): void {
    const work = (async () => {
      let planned: ReplyPlan;
      try {
        planned = await plan();
      } catch (error) {
        this.deps.logger.error('could not prepare a tutor reply', { messageId: reply.id, error });
        await this.failUnplanned(reply).catch((failure: unknown) =>
          this.deps.logger.error('could not mark a tutor reply failed', {
            messageId: reply.id,
            error: failure,
          }),
        );
        return;
      }
      await this.write(planned);
    })();
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async failUnplanned(reply: MessageRecord): Promise<void> {
    await this.failUnwritten(
      reply.id,
      'PROVIDER_ERROR',
      'The tutor could not prepare this reply. Please ask again.',
    );
    await this.deps.streams.writer(reply.id).done();
  }

  /** Ends a reply no writer is writing as FAILED, with nothing written and nothing spent. */
  private async failUnwritten(messageId: string, errorCode: string, errorMessage: string): Promise<void> {
    await this.deps.store.finishReply(messageId, {
      status: 'FAILED',
      content: '',
      citations: [],
      errorCode,
      errorMessage,
      promptTokens: 0,
      completionTokens: 0,
      cached: false,
      at: this.deps.now(),
    });
  }

  private async write(plan: ReplyPlan): Promise<void> {
    const { reply } = plan;
    const writer = this.deps.streams.writer(reply.id);
    const controller = new AbortController();
    this.writing.set(reply.id, controller);
    const started = performance.now();
    let content = '';
    let citations: Citation[] = [];
    let usage = { promptTokens: 0, completionTokens: 0 };
    let failure: { code: string; message: string } | null = null;
    let cached = false;
    try {
      if (this.closed)
        throw new ProviderError('PROVIDER_UNAVAILABLE', 'The tutor is restarting; please ask again.');
      await this.deps.store.markStreaming(reply.id);
      const hit = plan.cacheKey ? await this.cachedAnswer(plan.cacheKey) : null;
      if (hit) {
        cached = true;
        content = hit.content;
        citations = hit.citations;
        await writer.delta(content);
      } else {
        const redactor = createRedactor(plan.withheld, WITHHELD);
        const emit = async (text: string) => {
          if (!text) return;
          content += text;
          await writer.delta(text);
        };
        for await (const chunk of this.deps.model.streamReply(plan.task, controller.signal)) {
          if (chunk.type === 'delta') await emit(redactor.push(chunk.text));
          else usage = { promptTokens: chunk.promptTokens, completionTokens: chunk.completionTokens };
        }
        await emit(redactor.flush());
        if (usage.promptTokens + usage.completionTokens === 0) {
          usage = {
            promptTokens: estimateTokens(JSON.stringify(plan.task)),
            completionTokens: estimateTokens(content),
          };
        }
        citations = citationsFor(citedRefs(content, plan.task.passages), plan.task.passages);
        if (plan.cacheKey) {
          await this.deps.cache.set(
            plan.cacheKey,
            JSON.stringify({ content, citations }),
            this.deps.limits.answerCacheSeconds,
          );
        }
      }
    } catch (error) {
      failure = this.describeFailure(error, controller.signal.aborted);
    } finally {
      this.writing.delete(reply.id);
    }
    try {
      await this.deps.store.finishReply(reply.id, {
        status: failure ? 'FAILED' : 'COMPLETE',
        content,
        citations: failure ? [] : citations,
        errorCode: failure?.code ?? null,
        errorMessage: failure?.message ?? null,
        ...usage,
        cached,
        at: this.deps.now(),
      });
      await this.deps.usage.spend(plan.budgetKey, usage.promptTokens + usage.completionTokens);
    } catch (error) {
      this.deps.logger.error('could not store a finished tutor reply', { messageId: reply.id, error });
    } finally {
      await writer
        .done()
        .catch((error: unknown) => this.deps.logger.error('could not end a reply stream', { error }));
      this.deps.metrics?.inc(
        `ai_replies_${(failure?.code ?? (cached ? 'CACHED' : 'COMPLETE')).toLowerCase()}_total`,
      );
      this.deps.metrics?.inc('ai_reply_milliseconds_total', Math.round(performance.now() - started));
    }
  }

  private async cachedAnswer(key: string): Promise<{ content: string; citations: Citation[] } | null> {
    const raw = await this.deps.cache.get(key);
    if (!raw) return null;
    return JSON.parse(raw) as { content: string; citations: Citation[] };
  }

  private describeFailure(error: unknown, aborted: boolean): { code: string; message: string } {
    if (aborted || this.closed) {
      return { code: 'INTERRUPTED', message: INTERRUPTED_MESSAGE };
    }
    if (error instanceof ProviderError) {
      this.deps.logger.warn('the tutor model failed', { code: error.code, error: error.message });
      return { code: error.code, message: error.message };
    }
    this.deps.logger.error('a tutor reply failed unexpectedly', { error });
    return { code: 'PROVIDER_ERROR', message: 'The tutor could not finish this reply. Please ask again.' };
  }
}

export type { Passage };
