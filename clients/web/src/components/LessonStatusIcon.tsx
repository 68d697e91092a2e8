/** A lesson's status as a small symbol with a text alternative. */
import type { LessonStatus } from '@learncraft/operations/types';

const LABELS: Record<LessonStatus, [string, string]> = {
  NOT_STARTED: ['○', 'Not started'],
  IN_PROGRESS: ['◐', 'In progress'],
  COMPLETED: ['●', 'Completed'],
};

export function LessonStatusIcon({ status }: { status: LessonStatus | undefined }) {
  if (!status) return <span className="status-icon" aria-hidden="true" />;
  const [symbol, label] = LABELS[status];
  return (
    <span className={`status-icon status-${status.toLowerCase()}`} title={label}>
      <span aria-hidden="true">{symbol}</span>
      <span className="visually-hidden">{label}: </span>
    </span>
  );
}
