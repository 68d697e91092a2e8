/**
 * The tutor's help for instructors: quiz questions drafted from a module's lessons, kept as drafts
 * until an instructor accepts (possibly edited) questions into the quiz through the catalog, and
 * lesson summaries with key points that learners then see. Only the course's instructors and
 * ADMINs may use them.
 */
import {
  forbidden,
  hasRole,
  notFound,
  userError,
  type Logger,
  type UserError,
  type Viewer,
} from '@learncraft/kit';
import { chunkCourse } from '../domain/chunking';
import type { ScoredChunk } from '../domain/chunks';
import type { CourseContent } from '../domain/content';
import { toPassages } from '../domain/tutor';
import { ProviderError, type DraftQuestion, type Passage, type TutorModel } from '../providers/types';
import type { CatalogClient } from '../stores/catalogClient';
import type { DraftRecord, StoredDraftQuestion, SummaryRecord, TutorStore } from '../stores/tutorStore';
import type { CourseContents } from './courseContents';
import type { UsageGate } from './usage';

export const MAX_DRAFT_QUESTIONS = 10;
/** Passages a draft or summary is made from; beyond them a module is sampled evenly. */
const MAX_PASSAGES = 40;
/** Drafts listed per lesson. */
export const MAX_LISTED_DRAFTS = 20;

export interface InstructorToolsDeps {
  store: TutorStore;
  model: TutorModel;
  catalog: Pick<CatalogClient, 'lessons' | 'appendQuizQuestions'>;
  contents: CourseContents;
  usage: UsageGate;
  logger: Logger;
  now: () => Date;
  /** How long a draft or summary may take the model. */
  modelTimeoutMs: number;
}

type Outcome<T> = ({ ok: true } & T) | { ok: false; userErrors: UserError[] };

export interface AcceptedQuestion {
  id: string;
  prompt: string;
  multiple: boolean;
  options: { label: string; correct: boolean }[];
  explanation?: string | null;
}

export class InstructorTools {
  constructor(private readonly deps: InstructorToolsDeps) {}

  async generateQuizDraft(
    viewer: Viewer,
    input: { lessonId: string; count: number },
  ): Promise<Outcome<{ draft: DraftRecord }>> {
    const { course, lessonId } = await this.taughtLesson(viewer, input.lessonId);
    const lesson = course.lessons.find((candidate) => candidate.id === lessonId)!;
    if (lesson.kind !== 'QUIZ') {
      return {
        ok: false,
        userErrors: [
          userError('NOT_A_QUIZ', 'Quiz questions are drafted for a QUIZ lesson.', ['input', 'lessonId']),
        ],
      };
    }
    if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_DRAFT_QUESTIONS) {
      return {
        ok: false,
        userErrors: [
          userError('COUNT_OUT_OF_RANGE', `Draft 1 to ${MAX_DRAFT_QUESTIONS} questions.`, ['input', 'count']),
        ],
      };
    }
    // The module's other lessons are what its quiz checks.
    const sources = course.lessons.filter(
      (candidate) => candidate.moduleId === lesson.moduleId && candidate.kind !== 'QUIZ',
    );
    const passages = this.passagesOf(course, new Set(sources.map((source) => source.id)));
    if (passages.length === 0) return this.notEnough();
    const budgetKey = await this.deps.usage.admit(viewer.id);
    const generated = await this.generate(() =>
      this.deps.model.draftQuiz({ lessonTitle: lesson.title, count: input.count, passages }, this.signal()),
    );
    if (!generated.ok) return generated;
    await this.deps.usage.spend(budgetKey, generated.value.promptTokens + generated.value.completionTokens);
    const questions = generated.value.value
      .filter(isUsableQuestion)
      .slice(0, input.count)
      .map((question, index) => toStoredQuestion(question, index, passages));
    if (questions.length === 0) return this.notEnough();
    const draft = await this.deps.store.insertDraft({
      lessonId,
      courseId: course.id,
      createdBy: viewer.id,
      questions,
      offline: this.deps.model.offline,
      model: this.deps.model.model,
      createdAt: this.deps.now(),
    });
    return { ok: true, draft };
  }

  async drafts(viewer: Viewer, lessonId: string): Promise<DraftRecord[]> {
    await this.taughtLesson(viewer, lessonId);
    return this.deps.store.draftsOfLesson(lessonId, MAX_LISTED_DRAFTS);
  }

  async acceptQuizDraft(
    viewer: Viewer,
    input: { draftId: string; questions: AcceptedQuestion[] },
  ): Promise<Outcome<{ draft: DraftRecord; lessonId: string }>> {
    const draft = await this.taughtDraft(viewer, input.draftId);
    if (draft.status !== 'PENDING') return this.notPending(draft);
    if (input.questions.length === 0) {
      return {
        ok: false,
        userErrors: [
          userError('QUESTIONS_EMPTY', 'Choose at least one question to add.', ['input', 'questions']),
        ],
      };
    }
    const known = new Set(draft.questions.map((question) => question.id));
    const unknown = input.questions.flatMap((question, index) =>
      known.has(question.id)
        ? []
        : [
            userError('UNKNOWN_QUESTION', `The draft has no question "${question.id}".`, [
              'input',
              'questions',
              String(index),
              'id',
            ]),
          ],
    );
    if (unknown.length > 0) return { ok: false, userErrors: unknown };
    const result = await this.deps.catalog.appendQuizQuestions({
      lessonId: draft.lessonId,
      actor: { id: viewer.id, roles: [...viewer.roles] },
      questions: input.questions.map((question) => ({
        prompt: question.prompt,
        multiple: question.multiple,
        options: question.options.map((option) => ({ label: option.label, correct: option.correct })),
        explanation: question.explanation?.trim() || null,
      })),
    });
    switch (result.kind) {
      case 'APPENDED':
        break;
      case 'INVALID':
        return {
          ok: false,
          userErrors: result.userErrors.map((error) => ({
            ...error,
            // The catalog points into its own `questions`; ours is the input's.
            field: error.field ? ['input', ...error.field.filter((part) => part !== 'input')] : null,
          })),
        };
      case 'NOT_A_QUIZ':
        return {
          ok: false,
          userErrors: [userError('NOT_A_QUIZ', 'The lesson is no longer a quiz.', ['input', 'draftId'])],
        };
      case 'NOT_FOUND':
        throw notFound('Lesson', draft.lessonId);
      case 'FORBIDDEN':
        throw forbidden("Only the course's instructors may add questions to its quizzes.");
    }
    const decided = await this.deps.store.decideDraft(draft.id, 'ACCEPTED', viewer.id, this.deps.now());
    return { ok: true, draft: decided ?? draft, lessonId: draft.lessonId };
  }

  async discardQuizDraft(
    viewer: Viewer,
    input: { draftId: string },
  ): Promise<Outcome<{ draft: DraftRecord }>> {
    const draft = await this.taughtDraft(viewer, input.draftId);
    const decided =
      draft.status === 'PENDING'
        ? await this.deps.store.decideDraft(draft.id, 'DISCARDED', viewer.id, this.deps.now())
        : null;
    return decided ? { ok: true, draft: decided } : this.notPending(draft);
  }

  async summarizeLesson(
    viewer: Viewer,
    input: { lessonId: string },
  ): Promise<Outcome<{ summary: SummaryRecord }>> {
    const { course, lessonId } = await this.taughtLesson(viewer, input.lessonId);
    const lesson = course.lessons.find((candidate) => candidate.id === lessonId)!;
    const passages = lesson.kind === 'QUIZ' ? [] : this.passagesOf(course, new Set([lessonId]));
    if (passages.length === 0) {
      return {
        ok: false,
        userErrors: [
          userError(
            'NOTHING_TO_SUMMARIZE',
            'The lesson has no text to summarise (a reading, a transcript or lab instructions).',
            ['input', 'lessonId'],
          ),
        ],
      };
    }
    const budgetKey = await this.deps.usage.admit(viewer.id);
    const generated = await this.generate(() =>
      this.deps.model.summarize({ lessonTitle: lesson.title, passages }, this.signal()),
    );
    if (!generated.ok) return generated;
    await this.deps.usage.spend(budgetKey, generated.value.promptTokens + generated.value.completionTokens);
    const summary = await this.deps.store.upsertSummary({
      lessonId,
      courseId: course.id,
      summary: generated.value.value.summary,
      keyPoints: generated.value.value.keyPoints,
      offline: this.deps.model.offline,
      model: this.deps.model.model,
      generatedBy: viewer.id,
      generatedAt: this.deps.now(),
    });
    return { ok: true, summary };
  }

  private async taughtLesson(
    viewer: Viewer,
    lessonId: string,
  ): Promise<{ course: CourseContent; lessonId: string }> {
    const [lesson] = await this.deps.catalog.lessons([lessonId]);
    if (!lesson) throw notFound('Lesson', lessonId);
    const course = await this.deps.contents.get(lesson.courseId);
    if (!course || !course.lessons.some((candidate) => candidate.id === lessonId))
      throw notFound('Lesson', lessonId);
    this.requireTeaches(viewer, course);
    return { course, lessonId };
  }

  private async taughtDraft(viewer: Viewer, draftId: string): Promise<DraftRecord> {
    const [draft] = await this.deps.store.draftsByIds([draftId]);
    if (!draft) throw notFound('QuizDraft', draftId);
    const course = await this.deps.contents.get(draft.courseId);
    if (!course) throw notFound('QuizDraft', draftId);
    this.requireTeaches(viewer, course);
    return draft;
  }

  private requireTeaches(viewer: Viewer, course: CourseContent): void {
    if (!course.instructorIds.includes(viewer.id) && !hasRole(viewer, 'ADMIN')) {
      throw forbidden("Only the course's instructors may use the tutor's authoring tools.");
    }
  }

  private passagesOf(course: CourseContent, lessonIds: ReadonlySet<string>): Passage[] {
    const chunks = chunkCourse(course).filter(
      (chunk) => lessonIds.has(chunk.lessonId) && chunk.source !== 'QUIZ',
    );
    const step = Math.max(1, chunks.length / MAX_PASSAGES);
    const sampled: ScoredChunk[] = [];
    for (let index = 0; index < chunks.length && sampled.length < MAX_PASSAGES; index += step) {
      sampled.push({ ...chunks[Math.floor(index)]!, score: 0 });
    }
    return toPassages(sampled);
  }

  private signal(): AbortSignal {
    return AbortSignal.timeout(this.deps.modelTimeoutMs);
  }

  private async generate<T>(
    run: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; userErrors: UserError[] }> {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      this.deps.logger.warn('the tutor model failed an authoring task', {
        code: error.code,
        error: error.message,
      });
      return { ok: false, userErrors: [userError(error.code, error.message)] };
    }
  }

  private notEnough(): Outcome<never> {
    return {
      ok: false,
      userErrors: [
        userError('NOT_ENOUGH_CONTENT', "The quiz's module has too little text to draft questions from.", [
          'input',
          'lessonId',
        ]),
      ],
    };
  }

  private notPending(draft: DraftRecord): Outcome<never> {
    return {
      ok: false,
      userErrors: [
        userError('DRAFT_NOT_PENDING', `The draft was already ${draft.status.toLowerCase()}.`, [
          'input',
          'draftId',
        ]),
      ],
    };
  }
}

function isUsableQuestion(question: DraftQuestion): boolean {
  const labels = question.options.map((option) => option.label.trim().toLowerCase());
  const correct = question.options.filter((option) => option.correct).length;
  return (
    question.prompt.trim().length > 0 &&
    labels.length >= 2 &&
    labels.length <= 10 &&
    labels.every((label) => label.length > 0) &&
    new Set(labels).size === labels.length &&
    correct >= 1 &&
    (question.multiple || correct === 1)
  );
}

function toStoredQuestion(
  question: DraftQuestion,
  index: number,
  passages: readonly Passage[],
): StoredDraftQuestion {
  const source = question.sourceRef === null ? undefined : passages[question.sourceRef - 1];
  return {
    id: `q${index + 1}`,
    prompt: question.prompt.trim(),
    multiple: question.multiple,
    options: question.options.map((option) => ({ label: option.label.trim(), correct: option.correct })),
    explanation: question.explanation?.trim() || null,
    sourceLessonId: source?.lessonId ?? null,
  };
}
