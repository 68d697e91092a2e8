/**
 * Quiz rules on the server, from the answer key and attempt limits catalog holds: grading (each
 * question is all-or-nothing: the chosen set must equal the correct set; unanswered questions count
 * as wrong), whether another attempt is allowed (pass, attempt limit, cool-down), and what feedback
 * a learner may see (the key only once they have passed or used every attempt).
 */
import { userError, type UserError } from '@learncraft/kit';

export interface QuizQuestionKey {
  id: string;
  /** Whether several options may be chosen. */
  multiple: boolean;
  optionIds: string[];
  correctOptionIds: string[];
  explanation: string | null;
}

/** The author's attempt rules for a quiz. */
export interface QuizLimits {
  /** How many attempts a learner has; null is unlimited. */
  maxAttempts: number | null;
  /** How long a learner waits after an attempt before the next one (0: no wait). */
  cooldownSeconds: number;
}

/** Catalog's limits for a quiz that does not (or no longer) say: unlimited, no wait. */
export const UNLIMITED_ATTEMPTS: QuizLimits = { maxAttempts: null, cooldownSeconds: 0 };

export interface QuizKey extends QuizLimits {
  /** The lowest score (0..100) that passes. */
  passPercent: number;
  questions: QuizQuestionKey[];
}

export interface QuizAnswer {
  questionId: string;
  optionIds: string[];
}

export interface QuizQuestionResult {
  questionId: string;
  selectedOptionIds: string[];
  correct: boolean;
  correctOptionIds: string[];
  explanation: string | null;
}

export interface QuizGrade {
  scorePercent: number;
  passed: boolean;
  /** One per question of the quiz, in the quiz's order. */
  results: QuizQuestionResult[];
  /** The answers as graded: one per answered question, options de-duplicated. */
  answers: QuizAnswer[];
}

export type QuizGradeOutcome = { ok: true; grade: QuizGrade } | { ok: false; errors: UserError[] };

/**
 * Checks the answers against the quiz's shape; every problem is reported, each with its path. A
 * submission that chooses no option at all is EMPTY_SUBMISSION: it would only spend an attempt.
 */
export function validateQuizAnswers(
  quiz: Pick<QuizKey, 'questions'>,
  answers: readonly QuizAnswer[],
): UserError[] {
  if (answers.every((answer) => answer.optionIds.length === 0)) {
    return [
      userError('EMPTY_SUBMISSION', 'Choose an answer to at least one question before submitting.', [
        'input',
        'answers',
      ]),
    ];
  }
  const questions = new Map(quiz.questions.map((question) => [question.id, question]));
  const seen = new Set<string>();
  const errors: UserError[] = [];
  answers.forEach((answer, index) => {
    const field = ['input', 'answers', String(index)];
    const question = questions.get(answer.questionId);
    if (!question) {
      errors.push(
        userError('UNKNOWN_QUESTION', `Question ${answer.questionId} is not part of this quiz.`, [
          ...field,
          'questionId',
        ]),
      );
      return;
    }
    if (seen.has(answer.questionId)) {
      errors.push(
        userError('DUPLICATE_ANSWER', `Question ${answer.questionId} is answered more than once.`, [
          ...field,
          'questionId',
        ]),
      );
      return;
    }
    seen.add(answer.questionId);
    const options = new Set(question.optionIds);
    const unknown = answer.optionIds.filter((id) => !options.has(id));
    if (unknown.length > 0) {
      errors.push(
        userError(
          'UNKNOWN_OPTION',
          `Option ${unknown[0]} is not an option of question ${answer.questionId}.`,
          [...field, 'optionIds'],
        ),
      );
      return;
    }
    if (!question.multiple && new Set(answer.optionIds).size > 1) {
      errors.push(
        userError('TOO_MANY_OPTIONS', `Question ${answer.questionId} takes a single option.`, [
          ...field,
          'optionIds',
        ]),
      );
    }
  });
  return errors;
}

/** Grades a submission; invalid answers are returned as userErrors and nothing is graded. */
export function gradeQuiz(
  quiz: Pick<QuizKey, 'passPercent' | 'questions'>,
  answers: readonly QuizAnswer[],
): QuizGradeOutcome {
  const errors = validateQuizAnswers(quiz, answers);
  if (errors.length > 0) return { ok: false, errors };
  const chosen = new Map(answers.map((answer) => [answer.questionId, [...new Set(answer.optionIds)]]));
  const results = quiz.questions.map((question): QuizQuestionResult => {
    const selected = chosen.get(question.id) ?? [];
    const correctSet = new Set(question.correctOptionIds);
    // An empty selection is "unanswered" and wrong, even against a (malformed) empty key.
    const correct =
      selected.length > 0 &&
      selected.length === correctSet.size &&
      selected.every((id) => correctSet.has(id));
    return {
      questionId: question.id,
      selectedOptionIds: selected,
      correct,
      correctOptionIds: [...question.correctOptionIds],
      explanation: question.explanation,
    };
  });
  const total = results.length;
  const correctCount = results.filter((result) => result.correct).length;
  const scorePercent = total === 0 ? 0 : Math.round((100 * correctCount) / total);
  return {
    ok: true,
    grade: {
      scorePercent,
      passed: scorePercent >= quiz.passPercent,
      results,
      answers: [...chosen].map(([questionId, optionIds]) => ({ questionId, optionIds })),
    },
  };
}

/** What the attempt rules need to know about one past attempt. */
export interface AttemptSummary {
  passed: boolean;
  submittedAt: Date;
}

/** A learner's standing in one quiz, derived at read time from their attempts and the current limits. */
export interface QuizStanding {
  attemptsUsed: number;
  /** Null when the quiz allows unlimited attempts. */
  attemptsRemaining: number | null;
  passed: boolean;
  /** Every allowed attempt is used (never true for an unlimited quiz). */
  exhausted: boolean;
  /** Whether the learner may see the correct options: once passed or exhausted. */
  answerKeyRevealed: boolean;
  /** When the cool-down after the last attempt ends, while it is running; null otherwise. */
  nextAttemptAt: Date | null;
  /** Whether an attempt submitted `now` would be accepted. */
  canSubmit: boolean;
}

/** The learner's standing from their attempts at the quiz (any order) under the quiz's current limits. */
export function quizStanding(
  attempts: readonly AttemptSummary[],
  limits: QuizLimits,
  now: Date,
): QuizStanding {
  const attemptsUsed = attempts.length;
  const passed = attempts.some((attempt) => attempt.passed);
  const attemptsRemaining =
    limits.maxAttempts === null ? null : Math.max(0, limits.maxAttempts - attemptsUsed);
  const exhausted = attemptsRemaining === 0;
  const last = attempts.reduce<Date | null>(
    (latest, attempt) => (latest && latest >= attempt.submittedAt ? latest : attempt.submittedAt),
    null,
  );
  const cooldownEnds = last && new Date(last.getTime() + limits.cooldownSeconds * 1000);
  const nextAttemptAt = !passed && !exhausted && cooldownEnds && cooldownEnds > now ? cooldownEnds : null;
  return {
    attemptsUsed,
    attemptsRemaining,
    passed,
    exhausted,
    answerKeyRevealed: passed || exhausted,
    nextAttemptAt,
    canSubmit: !passed && !exhausted && nextAttemptAt === null,
  };
}

const LESSON_FIELD = ['input', 'lessonId'];

/**
 * Why another attempt is not allowed now, or null when it is. A passed quiz is closed: its key is
 * shown, so a further attempt would prove nothing.
 */
export function checkAttemptAllowed(standing: QuizStanding, now: Date): UserError | null {
  if (standing.passed) {
    return userError('QUIZ_ALREADY_PASSED', 'You have already passed this quiz.', LESSON_FIELD);
  }
  if (standing.exhausted) {
    return userError(
      'ATTEMPTS_EXHAUSTED',
      `You have used all ${standing.attemptsUsed} attempts at this quiz.`,
      LESSON_FIELD,
    );
  }
  if (standing.nextAttemptAt) {
    const seconds = Math.ceil((standing.nextAttemptAt.getTime() - now.getTime()) / 1000);
    return userError(
      'QUIZ_COOLDOWN',
      `You can try this quiz again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
      LESSON_FIELD,
    );
  }
  return null;
}

/** One question's feedback as a learner may see it. */
export interface QuizQuestionFeedback {
  questionId: string;
  selectedOptionIds: string[];
  correct: boolean;
  /** The chosen options that are not correct. */
  incorrectOptionIds: string[];
  /** The key; null until the learner's standing reveals it. */
  correctOptionIds: string[] | null;
  explanation: string | null;
}

/**
 * The stored results of an attempt as feedback: right or wrong, the wrongly chosen options and
 * the explanation always; the correct options only when `answerKeyRevealed`.
 */
export function quizFeedback(
  results: readonly QuizQuestionResult[],
  answerKeyRevealed: boolean,
): QuizQuestionFeedback[] {
  return results.map((result) => {
    const key = new Set(result.correctOptionIds);
    return {
      questionId: result.questionId,
      selectedOptionIds: [...result.selectedOptionIds],
      correct: result.correct,
      incorrectOptionIds: result.selectedOptionIds.filter((id) => !key.has(id)),
      correctOptionIds: answerKeyRevealed ? [...result.correctOptionIds] : null,
      explanation: result.explanation,
    };
  });
}

/** The longest idempotency key a client may send (a UUID is 36 characters). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 100;

/** Rejects an idempotency key that is empty or longer than 100 characters; null when it is usable. */
export function validateIdempotencyKey(key: string): UserError | null {
  if (key.length >= 1 && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH) return null;
  return userError(
    'INVALID_IDEMPOTENCY_KEY',
    `The idempotency key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long.`,
    ['input', 'idempotencyKey'],
  );
}

/**
 * Whether two submissions choose the same options for the same questions, whatever the order of
 * questions and options and however often an option is repeated: a resent submission is the same
 * one even if the client rebuilt the list.
 */
export function sameAnswers(a: readonly QuizAnswer[], b: readonly QuizAnswer[]): boolean {
  const canonical = (answers: readonly QuizAnswer[]) =>
    JSON.stringify(
      answers
        .map((answer) => [answer.questionId, [...new Set(answer.optionIds)].sort()] as const)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    );
  return canonical(a) === canonical(b);
}

/**
 * Answers a resent submission from the attempt its key first recorded: the same answers get that
 * attempt back; different answers under the same key are IDEMPOTENCY_KEY_REUSED.
 */
export function replayDecision(
  first: { answers: readonly QuizAnswer[] },
  answers: readonly QuizAnswer[],
): UserError | null {
  if (sameAnswers(first.answers, answers)) return null;
  return userError(
    'IDEMPOTENCY_KEY_REUSED',
    'This idempotency key was already used for a different submission of this quiz.',
    ['input', 'idempotencyKey'],
  );
}
