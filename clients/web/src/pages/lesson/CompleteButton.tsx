/** "Mark as complete" for readings, labs and videos; shows the completed state once done. */
import { useMutation } from '@apollo/client';
import { LessonCompleteMutation } from '@learncraft/operations';
import type { LessonData } from './types';

export function CompleteButton({
  lesson,
  enrolled,
  label = 'Mark as complete',
}: {
  lesson: LessonData;
  enrolled: boolean;
  label?: string;
}) {
  const [complete, { loading, error, data }] = useMutation(LessonCompleteMutation, {
    variables: { input: { lessonId: lesson.id } },
  });
  if (lesson.viewerProgress?.status === 'COMPLETED')
    return (
      <p className="completed-note" role="status">
        ✓ Lesson completed
      </p>
    );
  const userError = data?.lessonComplete.userErrors[0];
  return (
    <div className="complete-row">
      <button
        type="button"
        className="button"
        disabled={!enrolled || loading}
        onClick={() => void complete().catch(() => undefined)}
      >
        {loading ? 'Saving…' : label}
      </button>
      {(userError || error) && (
        <p className="form-error" role="alert">
          {userError?.message ?? 'Saving failed. Please try again.'}
        </p>
      )}
    </div>
  );
}
