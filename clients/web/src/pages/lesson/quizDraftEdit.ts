/**
 * A quiz draft as the instructor edits it, and what `quizDraftAccept` is sent: only the questions
 * kept, in draft order, as edited. The server's userErrors point into the sent list
 * (`["input", "questions", "<index>", ...]`), so they are mapped back to the draft's question ids.
 */
import type { QuizDraftAcceptInput, QuizDraftFieldsFragment } from '@learncraft/operations/types';

export interface EditableOption {
  label: string;
  correct: boolean;
}

export interface EditableQuestion {
  id: string;
  /** Whether "Add selected to quiz" adds it. */
  include: boolean;
  prompt: string;
  multiple: boolean;
  options: EditableOption[];
  explanation: string;
}

type DraftQuestion = Pick<
  QuizDraftFieldsFragment['questions'][number],
  'id' | 'prompt' | 'multiple' | 'options' | 'explanation'
>;

export function editableQuestions(draft: { questions: readonly DraftQuestion[] }): EditableQuestion[] {
  return draft.questions.map((question) => ({
    id: question.id,
    include: true,
    prompt: question.prompt,
    multiple: question.multiple,
    options: question.options.map((option) => ({ label: option.label, correct: option.correct })),
    explanation: question.explanation ?? '',
  }));
}

/** Marks one option correct; a single-answer question keeps only that one. */
export function chooseCorrect(question: EditableQuestion, index: number, correct: boolean): EditableQuestion {
  return {
    ...question,
    options: question.options.map((option, at) =>
      at === index ? { ...option, correct } : question.multiple ? option : { ...option, correct: false },
    ),
  };
}

export function acceptInput(draftId: string, questions: readonly EditableQuestion[]): QuizDraftAcceptInput {
  return {
    draftId,
    questions: questions
      .filter((question) => question.include)
      .map((question) => {
        const explanation = question.explanation.trim();
        return {
          id: question.id,
          prompt: question.prompt.trim(),
          multiple: question.multiple,
          options: question.options.map((option) => ({
            label: option.label.trim(),
            correct: option.correct,
          })),
          explanation: explanation ? explanation : null,
        };
      }),
  };
}

export interface DraftFieldError {
  code: string;
  message: string;
  field?: readonly string[] | null;
}

export interface DraftErrors {
  /** Messages not about one question. */
  general: string[];
  /** By draft question id: messages about the question, its prompt, explanation or an option. */
  byQuestion: Map<string, string[]>;
}

/** Sorts userErrors of quizDraftAccept by the draft question they are about. */
export function draftErrors(errors: readonly DraftFieldError[], sent: QuizDraftAcceptInput): DraftErrors {
  const result: DraftErrors = { general: [], byQuestion: new Map() };
  for (const error of errors) {
    const [, list, index] = error.field ?? [];
    const question =
      list === 'questions' && index !== undefined
        ? (sent.questions[Number(index)] ??
          sent.questions.find((candidate) => String(candidate.id) === index))
        : undefined;
    if (!question) {
      result.general.push(error.message);
      continue;
    }
    const id = String(question.id);
    result.byQuestion.set(id, [...(result.byQuestion.get(id) ?? []), error.message]);
  }
  return result;
}
