/**
 * A quiz: answer, submit, and see the score with per-question feedback (right or wrong, which
 * chosen options were wrong, the author's explanation). The correct options appear only once the
 * server reveals them (after a pass, or when every attempt is used). Attempts left and the
 * cool-down before the next attempt come from the learner's quiz standing; grading and the limits
 * are enforced on the server, whose userErrors are shown as they come.
 */
import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { Markdown } from '../../components/Markdown';
import type { QuizProgressFieldsFragment } from '@learncraft/operations/types';
import { QuizSubmitMutation } from '@learncraft/operations';
import { useSecondsUntil } from '@learncraft/operations/useSecondsUntil';
import type { LessonPartProps, QuizContentData } from './types';

type QuizStanding = NonNullable<QuizProgressFieldsFragment['quiz']>;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

export function QuizLesson({ lesson, content, enrolled }: LessonPartProps<QuizContentData>) {
  const [answers, setAnswers] = useState<Record<string, string[]>>({});
  // The standing the last submission returned; the lesson's own until then.
  const [latest, setLatest] = useState<QuizStanding | null>(null);
  const [submit, { data, loading, error, reset }] = useMutation(QuizSubmitMutation, {
    onCompleted: (result) => {
      const standing = result.quizSubmit.attempt?.lesson.viewerProgress?.quiz;
      if (standing) setLatest(standing);
    },
  });
  const standing = latest ?? lesson.viewerProgress?.quiz ?? null;
  const secondsLeft = useSecondsUntil(standing?.nextAttemptAt);
  const attempt = data?.quizSubmit.attempt;
  const userError = data?.quizSubmit.userErrors[0];
  const results = new Map(attempt?.results.map((result) => [result.questionId, result]));

  const passed = standing?.passed ?? lesson.viewerProgress?.status === 'COMPLETED';
  const attemptsRemaining = standing ? standing.attemptsRemaining : content.maxAttempts;
  const outOfAttempts = attemptsRemaining === 0;
  const coolingDown = secondsLeft > 0;
  const mayAttempt = enrolled && !passed && !outOfAttempts && !coolingDown;

  const choose = (questionId: string, optionId: string, multiple: boolean, checked: boolean) =>
    setAnswers((current) => {
      const chosen = current[questionId] ?? [];
      const next = multiple
        ? checked
          ? [...chosen, optionId]
          : chosen.filter((id) => id !== optionId)
        : [optionId];
      return { ...current, [questionId]: next };
    });

  const onSubmit = (event: React.FormEvent) => {
    event.preventDefault();
    const input = {
      lessonId: lesson.id,
      answers: Object.entries(answers).map(([questionId, optionIds]) => ({ questionId, optionIds })),
    };
    void submit({ variables: { input } }).catch(() => undefined);
  };

  const tryAgain = () => {
    reset();
    setAnswers({});
  };

  const attemptsLabel =
    content.maxAttempts === null
      ? 'unlimited attempts'
      : standing && enrolled
        ? `${attemptsRemaining ?? 0} of ${plural(content.maxAttempts, 'attempt')} left`
        : plural(content.maxAttempts, 'attempt');
  const cooldownLabel = `Try again in ${secondsLeft} s`;

  return (
    <form className="quiz" onSubmit={onSubmit}>
      <p>
        {content.questions.length} questions · pass mark {content.passPercent}%
        {lesson.viewerProgress?.status === 'COMPLETED' || passed ? ' · ✓ passed' : ` · ${attemptsLabel}`}
      </p>
      {content.questions.map((question, number) => {
        const result = results.get(question.id);
        return (
          <fieldset
            key={question.id}
            className={`question${result ? (result.correct ? ' correct' : ' incorrect') : ''}`}
            disabled={!!attempt}
          >
            <legend>
              <span className="question-number">Question {number + 1}</span>
              <Markdown source={question.prompt} className="prompt" />
              {question.multiple && <span className="hint">Choose all that apply.</span>}
            </legend>
            {question.options.map((option) => {
              const checked = answers[question.id]?.includes(option.id) ?? false;
              const isCorrect = result?.correctOptionIds?.includes(option.id) ?? false;
              const isWrongChoice = result?.incorrectOptionIds.includes(option.id) ?? false;
              const mark = isCorrect ? ' right-answer' : isWrongChoice ? ' wrong-choice' : '';
              return (
                <label key={option.id} className={`option${mark}`}>
                  <input
                    type={question.multiple ? 'checkbox' : 'radio'}
                    name={question.id}
                    value={option.id}
                    checked={checked}
                    onChange={(event) =>
                      choose(question.id, option.id, question.multiple, event.target.checked)
                    }
                  />
                  <span>{option.label}</span>
                  {isCorrect && <span className="visually-hidden"> (correct answer)</span>}
                  {isWrongChoice && <span className="visually-hidden"> (wrong choice)</span>}
                </label>
              );
            })}
            {result && (
              <div className="feedback" role="note">
                <strong>{result.correct ? 'Correct' : 'Incorrect'}</strong>
                {result.explanation && <p>{result.explanation}</p>}
              </div>
            )}
          </fieldset>
        );
      })}
      {attempt ? (
        <div className={`quiz-result ${attempt.passed ? 'passed' : 'failed'}`} role="status">
          <p>
            <strong>
              You scored {attempt.scorePercent}% — {attempt.passed ? 'passed' : 'not passed yet'}.
            </strong>{' '}
            {attempt.passed
              ? 'This lesson is complete.'
              : outOfAttempts
                ? `You needed ${content.passPercent}% to pass and have no attempts left; the correct answers are marked.`
                : `You need ${content.passPercent}% to pass.${
                    attemptsRemaining === null ? '' : ` ${plural(attemptsRemaining, 'attempt')} left.`
                  }`}
          </p>
          {!attempt.passed && !outOfAttempts && (
            <button type="button" className="button secondary" onClick={tryAgain} disabled={coolingDown}>
              {coolingDown ? cooldownLabel : 'Try again'}
            </button>
          )}
        </div>
      ) : (
        <div className="complete-row">
          <button type="submit" className="button" disabled={!mayAttempt || loading}>
            {loading ? 'Submitting…' : 'Submit answers'}
          </button>
          {enrolled && passed && <p className="hint">You have passed this quiz.</p>}
          {enrolled && !passed && outOfAttempts && (
            <p className="hint">You have used every attempt at this quiz.</p>
          )}
          {enrolled && !passed && !outOfAttempts && coolingDown && <p className="hint">{cooldownLabel}.</p>}
          {(userError || error) && (
            <p className="form-error" role="alert">
              {userError?.message ?? 'Submitting failed. Please try again.'}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
