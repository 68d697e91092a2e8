/** An error message with a retry button; GraphQL error codes become sentences a learner understands. */
import type { ApolloError } from '@apollo/client';
import { describeError } from '@learncraft/operations/errors';

// Shared with the mobile app; exported here for the pages that already import it from this file.
export { describeError } from '@learncraft/operations/errors';

export function ErrorState({
  error,
  onRetry,
  title = 'Something went wrong',
}: {
  error: ApolloError | Error;
  onRetry?: () => unknown;
  title?: string;
}) {
  return (
    <div className="error-state" role="alert">
      <h2>{title}</h2>
      <p>{describeError(error)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={() => void onRetry()}>
          Try again
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children}
    </div>
  );
}
