/**
 * Quiz drafting for the course's instructors on a QUIZ lesson: the tutor drafts questions from the
 * module's other lessons; the instructor edits them (prompt, options, which are right, the
 * explanation), keeps some and adds them to the quiz, or discards the draft. Nothing reaches
 * learners before "Add selected to quiz"; the lesson is then fetched again so the new questions
 * show in the quiz above.
 */
import { useId, useState } from 'react';
import { useMutation, useQuery, type ApolloError } from '@apollo/client';
import { describeError } from '../../components/ErrorState';
import { tutorErrorMessage } from '@learncraft/operations/tutorErrors';
import type { QuizDraftFieldsFragment } from '@learncraft/operations/types';
import {
  QuizDraftAcceptMutation,
  QuizDraftDiscardMutation,
  QuizDraftGenerateMutation,
  QuizDraftsQuery,
} from '@learncraft/operations';
import {
  acceptInput,
  chooseCorrect,
  draftErrors,
  editableQuestions,
  type DraftErrors,
  type EditableQuestion,
} from './quizDraftEdit';

const MIN_COUNT = 1;
const MAX_COUNT = 10;

const problemOf = (error: ApolloError | undefined) => (error ? tutorErrorMessage(error) : null);

export function QuizDrafts({ lessonId }: { lessonId: string }) {
  const drafts = useQuery(QuizDraftsQuery, { variables: { lessonId }, errorPolicy: 'all' });
  const [count, setCount] = useState(3);
  const [added, setAdded] = useState<number | null>(null);
  const [generate, generating] = useMutation(QuizDraftGenerateMutation, {
    refetchQueries: (result) => (result.data?.quizDraftGenerate.draft ? ['QuizDrafts'] : []),
    awaitRefetchQueries: true,
  });
  const countId = useId();
  const pending = drafts.data?.quizDrafts.filter((draft) => draft.status === 'PENDING') ?? [];
  const decided = (drafts.data?.quizDrafts.length ?? 0) - pending.length;
  const userError = generating.data?.quizDraftGenerate.userErrors[0];
  const problem = userError?.message ?? problemOf(generating.error);
  const countValid = Number.isInteger(count) && count >= MIN_COUNT && count <= MAX_COUNT;

  return (
    <section className="quiz-drafts" aria-labelledby="quiz-drafts-heading">
      <h2 id="quiz-drafts-heading">Draft questions with the tutor</h2>
      <p className="hint">
        Only you and the course&apos;s other instructors see drafts. Learners see a question once you add it
        to the quiz.
      </p>
      <form
        className="draft-generate"
        onSubmit={(event) => {
          event.preventDefault();
          if (countValid) void generate({ variables: { input: { lessonId, count } } }).catch(() => undefined);
        }}
      >
        <label className="field" htmlFor={countId}>
          <span>Number of questions (1–10)</span>
          <input
            id={countId}
            type="number"
            min={MIN_COUNT}
            max={MAX_COUNT}
            step={1}
            required
            value={Number.isNaN(count) ? '' : count}
            onChange={(event) => setCount(event.target.valueAsNumber)}
          />
        </label>
        <button type="submit" className="button" disabled={!countValid || generating.loading}>
          {generating.loading ? 'Drafting…' : 'Draft questions'}
        </button>
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
      </form>
      {drafts.error && !drafts.data && (
        <p className="form-error" role="alert">
          The drafts could not be loaded: {describeError(drafts.error)}
        </p>
      )}
      {added !== null && (
        <p className="completed-note" role="status">
          ✓ {added} {added === 1 ? 'question' : 'questions'} added to the quiz.
        </p>
      )}
      {pending.map((draft) => (
        <DraftEditor key={draft.id} draft={draft} onAccepted={setAdded} />
      ))}
      {decided > 0 && (
        <p className="hint">
          {decided} earlier {decided === 1 ? 'draft was' : 'drafts were'} added or discarded.
        </p>
      )}
    </section>
  );
}

function DraftEditor({
  draft,
  onAccepted,
}: {
  draft: QuizDraftFieldsFragment;
  /** How many questions were added. */
  onAccepted: (count: number) => void;
}) {
  const [questions, setQuestions] = useState(() => editableQuestions(draft));
  const [errors, setErrors] = useState<DraftErrors>({ general: [], byQuestion: new Map() });
  // Fetched again only when something changed: a refetch must not hide the userErrors.
  const [accept, accepting] = useMutation(QuizDraftAcceptMutation, {
    refetchQueries: (result) => (result.data?.quizDraftAccept.draft ? ['QuizDrafts', 'LessonPage'] : []),
    awaitRefetchQueries: true,
  });
  const [discard, discarding] = useMutation(QuizDraftDiscardMutation, {
    refetchQueries: (result) => (result.data?.quizDraftDiscard.draft ? ['QuizDrafts'] : []),
    awaitRefetchQueries: true,
  });
  const included = questions.filter((question) => question.include).length;
  const busy = accepting.loading || discarding.loading;
  const discardError =
    discarding.data?.quizDraftDiscard.userErrors[0]?.message ?? problemOf(discarding.error);
  const acceptError = problemOf(accepting.error);

  const update = (index: number, change: (question: EditableQuestion) => EditableQuestion) =>
    setQuestions((current) => current.map((question, at) => (at === index ? change(question) : question)));

  const onAccept = async () => {
    const input = acceptInput(draft.id, questions);
    const result = await accept({ variables: { input } }).catch(() => undefined);
    const payload = result?.data?.quizDraftAccept;
    setErrors(draftErrors(payload?.userErrors ?? [], input));
    if (payload?.draft) onAccepted(input.questions.length);
  };

  return (
    <form
      className="draft"
      aria-label={`Draft of ${new Date(draft.createdAt).toLocaleString()}`}
      onSubmit={(event) => {
        event.preventDefault();
        void onAccept();
      }}
    >
      <h3>
        Draft of <time dateTime={draft.createdAt}>{new Date(draft.createdAt).toLocaleString()}</time>
        {draft.offline && <span className="badge">Offline tutor</span>}
      </h3>
      {questions.map((question, index) => (
        <DraftQuestion
          key={question.id}
          number={index + 1}
          question={question}
          source={draft.questions[index]?.sourceLesson?.title ?? null}
          errors={errors.byQuestion.get(question.id) ?? []}
          onChange={(change) => update(index, change)}
        />
      ))}
      <div className="complete-row">
        <button type="submit" className="button" disabled={busy || included === 0}>
          {accepting.loading ? 'Adding…' : `Add selected to quiz (${included})`}
        </button>
        <button
          type="button"
          className="button secondary"
          disabled={busy}
          onClick={() => void discard({ variables: { input: { draftId: draft.id } } }).catch(() => undefined)}
        >
          {discarding.loading ? 'Discarding…' : 'Discard'}
        </button>
      </div>
      {[
        ...errors.general,
        ...(acceptError ? [acceptError] : []),
        ...(discardError ? [discardError] : []),
      ].map((message) => (
        <p key={message} className="form-error" role="alert">
          {message}
        </p>
      ))}
    </form>
  );
}

function DraftQuestion({
  number,
  question,
  source,
  errors,
  onChange,
}: {
  number: number;
  question: EditableQuestion;
  source: string | null;
  errors: string[];
  onChange: (change: (question: EditableQuestion) => EditableQuestion) => void;
}) {
  const errorId = useId();
  const describedBy = errors.length > 0 ? errorId : undefined;
  return (
    <fieldset
      className={`draft-question${question.include ? '' : ' excluded'}`}
      aria-describedby={describedBy}
    >
      <legend>
        Question {number}
        {source && <span className="lesson-meta"> · from {source}</span>}
      </legend>
      <label className="option">
        <input
          type="checkbox"
          checked={question.include}
          onChange={(event) => onChange((current) => ({ ...current, include: event.target.checked }))}
        />
        <span>Include question {number}</span>
      </label>
      <label className="field">
        <span>Prompt</span>
        <textarea
          rows={2}
          value={question.prompt}
          maxLength={2000}
          aria-invalid={errors.length > 0 ? true : undefined}
          onChange={(event) => onChange((current) => ({ ...current, prompt: event.target.value }))}
        />
      </label>
      <label className="option">
        <input
          type="checkbox"
          checked={question.multiple}
          onChange={(event) => onChange((current) => ({ ...current, multiple: event.target.checked }))}
        />
        <span>More than one answer may be right</span>
      </label>
      <ol className="draft-options">
        {question.options.map((option, index) => (
          <li key={index}>
            <label className="field grow">
              <span>Option {index + 1}</span>
              <input
                type="text"
                value={option.label}
                maxLength={500}
                onChange={(event) =>
                  onChange((current) => ({
                    ...current,
                    options: current.options.map((entry, at) =>
                      at === index ? { ...entry, label: event.target.value } : entry,
                    ),
                  }))
                }
              />
            </label>
            <label className="option">
              <input
                type={question.multiple ? 'checkbox' : 'radio'}
                name={`correct-${question.id}`}
                checked={option.correct}
                onChange={(event) =>
                  onChange((current) => chooseCorrect(current, index, event.target.checked))
                }
              />
              <span>Correct</span>
              <span className="visually-hidden"> (option {index + 1})</span>
            </label>
          </li>
        ))}
      </ol>
      <label className="field">
        <span>Explanation</span>
        <textarea
          rows={2}
          value={question.explanation}
          onChange={(event) => onChange((current) => ({ ...current, explanation: event.target.value }))}
        />
      </label>
      {errors.length > 0 && (
        <div id={errorId} className="form-error" role="alert">
          {errors.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
    </fieldset>
  );
}
