/**
 * A quiz: answer, submit, and see the score with per-question feedback (right or wrong, the
 * correct options and the author's explanation). Grading happens on the server; passing completes
 * the lesson. Learners may try again.
 */
import { useState } from 'react';
import { useMutation } from '@apollo/client';
import { Markdown } from '../../components/Markdown';
import { QuizSubmitMutation } from '../../graphql/operations';
import type { LessonPartProps, QuizContentData } from './types';

export function QuizLesson({ lesson, content, enrolled }: LessonPartProps<QuizContentData>) {
  const [answers, setAnswers] = useState<Record<string, string[]>>({});
  const [submit, { data, loading, error, reset }] = useMutation(QuizSubmitMutation);
  const attempt = data?.quizSubmit.attempt;
  const userError = data?.quizSubmit.userErrors[0];
  const results = new Map(attempt?.results.map((result) => [result.questionId, result]));

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

  return (
    <form className="quiz" onSubmit={onSubmit}>
      <p>
        {content.questions.length} questions · pass mark {content.passPercent}%
        {lesson.viewerProgress?.status === 'COMPLETED' && ' · ✓ passed'}
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
              const isCorrect = result?.correctOptionIds.includes(option.id);
              return (
                <label key={option.id} className={`option${result && isCorrect ? ' right-answer' : ''}`}>
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
                  {result && isCorrect && <span className="visually-hidden"> (correct answer)</span>}
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
            {attempt.passed ? 'This lesson is complete.' : `You need ${content.passPercent}% to pass.`}
          </p>
          <button type="button" className="button secondary" onClick={tryAgain}>
            Try again
          </button>
        </div>
      ) : (
        <div className="complete-row">
          <button type="submit" className="button" disabled={!enrolled || loading}>
            {loading ? 'Submitting…' : 'Submit answers'}
          </button>
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
