/**
 * The language-model port. The tutor service asks for structured tasks (an answer, a hint, quiz
 * drafts, a summary); each adapter turns them into what its model needs. The OpenAI-compatible
 * adapter builds prompts (domain/prompt.ts) and streams through the `openai` package; the offline
 * adapter composes from the retrieved passages alone. Both stream the same way.
 */

/** A retrieved passage handed to the model, numbered for citation as [ref]. */
export interface Passage {
  /** 1-based; the reply cites it as [ref]. */
  ref: number;
  lessonId: string;
  lessonTitle: string;
  source: 'READING' | 'TRANSCRIPT' | 'LAB' | 'QUIZ';
  heading: string | null;
  text: string;
  startSeconds: number | null;
}

export interface HistoryTurn {
  role: 'learner' | 'tutor';
  content: string;
}

export interface AnswerTask {
  kind: 'answer';
  courseTitle: string;
  /** The lesson the learner is on, when asked from a lesson. */
  lessonTitle: string | null;
  question: string;
  /** Earlier turns, oldest first, already trimmed to the token budget. */
  history: HistoryTurn[];
  passages: Passage[];
  /** The learner has quizzes in this course not yet passed: explain, never give the answers. */
  withholdQuizAnswers: boolean;
}

export interface HintTask {
  kind: 'hint';
  /** 1: a nudge; 2: where to look and which tool; 3: the most specific (still not the solution). */
  level: 1 | 2 | 3;
  labTitle: string;
  stepTitle: string;
  stepInstructions: string;
  /** The author's hint for the step, if any (level 2 and 3 may draw on it). */
  authorHint: string | null;
  /** Output of the step's last failed check; null when never checked. */
  lastCheckOutput: string | null;
  /** What the learner typed recently in the terminal (most recent last), possibly empty. */
  recentInput: string;
  passages: Passage[];
}

export type ReplyTask = AnswerTask | HintTask;

/** One piece of a streamed reply. */
export type ReplyChunk =
  | { type: 'delta'; text: string }
  /** Last, when the provider reports it (the offline tutor reports its own counts). */
  | { type: 'usage'; promptTokens: number; completionTokens: number };

export interface QuizDraftTask {
  lessonTitle: string;
  count: number;
  passages: Passage[];
}

export interface DraftQuestion {
  prompt: string;
  multiple: boolean;
  options: { label: string; correct: boolean }[];
  explanation: string | null;
  /** The passage the question was drawn from. */
  sourceRef: number | null;
}

export interface SummaryTask {
  lessonTitle: string;
  passages: Passage[];
}

export interface LessonSummaryDraft {
  summary: string;
  keyPoints: string[];
}

export interface GenerationResult<T> {
  value: T;
  promptTokens: number;
  completionTokens: number;
}

export type ProviderFailure =
  /** No first token (or no progress) within the provider timeout. */
  | 'PROVIDER_TIMEOUT'
  /** The provider answered 429. */
  | 'PROVIDER_RATE_LIMITED'
  /** Connection refused, 5xx, or the circuit breaker is open. */
  | 'PROVIDER_UNAVAILABLE'
  /** Anything else: a broken stream, an unparseable reply. */
  | 'PROVIDER_ERROR';

/** How a provider call failed; the message is for the learner and never carries provider internals. */
export class ProviderError extends Error {
  constructor(
    readonly code: ProviderFailure,
    message: string,
    /** PROVIDER_RATE_LIMITED: the provider's retry-after, when it said. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface TutorModel {
  /** True for the offline tutor: replies are labelled as such. */
  readonly offline: boolean;
  /** The chat model's name ("offline" for the offline tutor). */
  readonly model: string;
  /** Streams a reply; ends with a usage chunk; throws ProviderError. Stops when `signal` aborts. */
  streamReply(task: ReplyTask, signal: AbortSignal): AsyncIterable<ReplyChunk>;
  draftQuiz(task: QuizDraftTask, signal: AbortSignal): Promise<GenerationResult<DraftQuestion[]>>;
  summarize(task: SummaryTask, signal: AbortSignal): Promise<GenerationResult<LessonSummaryDraft>>;
}

/** Turns text into vectors for the vector store. */
export interface Embedder {
  /** Identifies the vector space (model and dimensions): an index built by another is rebuilt. */
  readonly id: string;
  readonly dimensions: number;
  /**
   * True when each dimension is a hashed term (the offline lexical embedder): vectors are sparse
   * and the retriever weights query terms by how many of the course's passages contain them.
   */
  readonly termFeatures?: boolean;
  embedDocuments(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  embedQuery(text: string, signal?: AbortSignal): Promise<number[]>;
}
