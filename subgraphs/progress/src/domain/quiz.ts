/**
 * Quiz grading on the server, from the answer key catalog holds. Each question is all-or-nothing
 * (the chosen set must equal the correct set); unanswered questions count as wrong.
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

export interface QuizKey {
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

/** Checks the answers against the quiz's shape; every problem is reported, each with its path. */
export function validateQuizAnswers(quiz: QuizKey, answers: readonly QuizAnswer[]): UserError[] {
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
export function gradeQuiz(quiz: QuizKey, answers: readonly QuizAnswer[]): QuizGradeOutcome {
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
