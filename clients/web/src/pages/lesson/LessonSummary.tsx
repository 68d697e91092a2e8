/**
 * A lesson's summary and key points, written by the tutor at an instructor's request. Learners see
 * it once it exists; the course's instructors (and admins) can have it written or rewritten.
 */
import { useMutation } from '@apollo/client';
import { Markdown } from '../../components/Markdown';
import type { LessonKind, LessonSummaryFieldsFragment } from '@learncraft/operations/types';
import { LessonSummarizeMutation } from '@learncraft/operations';
import { tutorErrorMessage } from '@learncraft/operations/tutorErrors';

export function LessonSummary({
  lessonId,
  kind,
  summary,
  canAuthor,
}: {
  lessonId: string;
  kind: LessonKind;
  summary: LessonSummaryFieldsFragment | null;
  /** The viewer teaches the course (or is an admin). */
  canAuthor: boolean;
}) {
  const [summarize, { loading, data, error }] = useMutation(LessonSummarizeMutation, {
    variables: { input: { lessonId } },
  });
  // Quizzes have nothing to summarise: the server answers NOTHING_TO_SUMMARIZE.
  const mayWrite = canAuthor && kind !== 'QUIZ';
  if (!summary && !mayWrite) return null;
  const userError = data?.lessonSummarize.userErrors[0];
  const problem = userError?.message ?? (error ? tutorErrorMessage(error) : null);

  return (
    <section className="lesson-summary" aria-labelledby="summary-heading">
      <h2 id="summary-heading">
        Summary
        {summary?.offline && <span className="badge">Offline tutor</span>}
      </h2>
      {summary ? (
        <>
          <Markdown source={summary.summary} />
          {summary.keyPoints.length > 0 && (
            <>
              <h3>Key points</h3>
              <ul className="key-points">
                {summary.keyPoints.map((point, index) => (
                  <li key={index}>{point}</li>
                ))}
              </ul>
            </>
          )}
        </>
      ) : (
        <p className="hint">This lesson has no summary yet. Learners see it here once it is written.</p>
      )}
      {mayWrite && (
        <div className="complete-row">
          <button
            type="button"
            className="button secondary"
            disabled={loading}
            onClick={() => void summarize().catch(() => undefined)}
          >
            {loading ? 'Summarizing…' : 'Summarize with the tutor'}
          </button>
          {summary && (
            <p className="hint">
              Written{' '}
              <time dateTime={summary.generatedAt}>{new Date(summary.generatedAt).toLocaleString()}</time>;
              summarizing again replaces it.
            </p>
          )}
          {problem && (
            <p className="form-error" role="alert">
              {problem}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
