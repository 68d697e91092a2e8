/**
 * The tutor's rules that decide something without I/O: what a valid question is, which quiz
 * answers must be withheld from a learner and which text to filter out of replies, how specific the
 * next lab hint is, and how a passage becomes a citation.
 */
import { createHash } from 'node:crypto';
import type { UserError } from '@learncraft/kit';
import { userError } from '@learncraft/kit';
import type { ScoredChunk } from './chunks';
import type { CourseContent } from './content';
import type { Passage } from '../providers/types';

export const MAX_QUESTION_CHARS = 2_000;
export const MAX_COMMENT_CHARS = 1_000;
export const MAX_HINT_LEVEL = 3;
/** Passages handed to the model per question. */
export const PASSAGES_PER_ANSWER = 5;
const SNIPPET_CHARS = 300;
const TITLE_CHARS = 80;

export function questionErrors(question: string): UserError[] {
  const text = question.trim();
  if (text.length === 0) return [userError('QUESTION_EMPTY', 'Ask a question.', ['input', 'question'])];
  if (text.length > MAX_QUESTION_CHARS) {
    return [
      userError(
        'QUESTION_TOO_LONG',
        `A question may be at most ${MAX_QUESTION_CHARS} characters (this one has ${text.length}).`,
        ['input', 'question'],
      ),
    ];
  }
  return [];
}

/** What a conversation is listed as: its first question on one line, shortened. */
export function conversationTitle(question: string): string {
  const line = question.trim().replace(/\s+/g, ' ');
  return line.length <= TITLE_CHARS ? line : `${line.slice(0, TITLE_CHARS - 1).trimEnd()}…`;
}

export interface QuizKey {
  lessonId: string;
  questions: { id: string; correctOptionIds: string[] }[];
}

/** Quiz lessons of the course the learner has not passed: their explanations and answers stay hidden. */
export function unpassedQuizLessons(
  course: CourseContent,
  passedQuizLessonIds: ReadonlySet<string>,
): string[] {
  return course.lessons
    .filter((lesson) => lesson.kind === 'QUIZ' && !passedQuizLessonIds.has(lesson.id))
    .map((lesson) => lesson.id);
}

const ASKS_ABOUT_QUIZ = /\b(quiz|answers?|options?|correct|choices?|question\s*\d+)\b/i;
/** Correct options this long are filtered out of every reply; shorter ones when the quiz is the topic. */
const ALWAYS_FILTERED_CHARS = 12;
const MIN_FILTERED_CHARS = 3;

/**
 * The correct option labels to filter out of a reply while their quizzes are not passed. A short
 * label ("Pod") is an everyday word of the course, so it is only filtered when the learner is on the
 * quiz or asks about answers; a long one is filtered always.
 */
export function withheldAnswers(
  course: CourseContent,
  keys: readonly QuizKey[],
  context: { question: string; lessonId: string | null },
): string[] {
  const onQuiz =
    keys.some((key) => key.lessonId === context.lessonId) || ASKS_ABOUT_QUIZ.test(context.question);
  const labels = new Map(
    course.lessons.flatMap((lesson) =>
      (lesson.quiz?.questions ?? []).flatMap((question) =>
        question.options.map((option) => [`${question.id}\u0000${option.id}`, option.label] as const),
      ),
    ),
  );
  const secrets = keys.flatMap((key) =>
    key.questions.flatMap((question) =>
      question.correctOptionIds.flatMap((optionId) => {
        const label = labels.get(`${question.id}\u0000${optionId}`)?.trim();
        if (!label || label.length < MIN_FILTERED_CHARS) return [];
        return onQuiz || label.length >= ALWAYS_FILTERED_CHARS ? [label] : [];
      }),
    ),
  );
  return [...new Set(secrets)];
}

/** The check command, and each substantial line of it, never appear in a hint. */
export function withheldCheck(checkCommand: string): string[] {
  const lines = checkCommand
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length >= 12 && !line.startsWith('#'));
  return [...new Set([checkCommand.trim(), ...lines].filter((text) => text.length > 0))];
}

/** The level of the next hint for a step, given how many were already given. */
export function nextHintLevel(hintsGiven: number): 1 | 2 | 3 {
  return Math.min(MAX_HINT_LEVEL, Math.max(0, hintsGiven) + 1) as 1 | 2 | 3;
}

export function toPassages(chunks: readonly ScoredChunk[]): Passage[] {
  return chunks.map((chunk, index) => ({
    ref: index + 1,
    lessonId: chunk.lessonId,
    lessonTitle: chunk.lessonTitle,
    source: chunk.source,
    heading: chunk.heading,
    text: chunk.text,
    startSeconds: chunk.startSeconds,
  }));
}

export interface Citation {
  lessonId: string;
  source: Passage['source'];
  heading: string | null;
  snippet: string;
  startSeconds: number | null;
}

export function toCitation(passage: Passage): Citation {
  const text = passage.text.replace(/\s+/g, ' ').trim();
  return {
    lessonId: passage.lessonId,
    source: passage.source,
    heading: passage.heading,
    snippet: text.length <= SNIPPET_CHARS ? text : `${text.slice(0, SNIPPET_CHARS - 1).trimEnd()}…`,
    startSeconds: passage.startSeconds,
  };
}

/** The citations of a reply: the passages it cites, else its best three. One per passage. */
export function citationsFor(cited: readonly Passage[], passages: readonly Passage[]): Citation[] {
  const chosen = cited.length > 0 ? cited : passages.slice(0, 3);
  return chosen.map(toCitation);
}

/**
 * Identifies an answer worth reusing: the same first question (normalised) about the same lesson
 * of the same course version, under the same quiz rule.
 */
export function answerCacheKey(input: {
  courseId: string;
  courseVersion: number;
  lessonId: string | null;
  withheld: readonly string[];
  question: string;
  model: string;
}): string {
  const normalised = input.question
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        input.courseId,
        input.courseVersion,
        input.lessonId,
        [...input.withheld].sort(),
        normalised,
        input.model,
      ]),
    )
    .digest('base64url');
  return `ai:answer:${hash}`;
}

/** The budget window of `at`'s UTC day, and the whole seconds until it ends. */
export function budgetDay(at: Date): { day: string; secondsLeft: number } {
  const day = at.toISOString().slice(0, 10);
  const end = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return { day, secondsLeft: Math.max(1, Math.ceil((end - at.getTime()) / 1000)) };
}
