/** An error message with a retry button; GraphQL error codes become sentences a learner understands. */
import type { ApolloError } from '@apollo/client';

export function describeError(error: ApolloError | Error): string {
  const apollo = error as ApolloError;
  const code = apollo.graphQLErrors?.[0]?.extensions?.code;
  if (code === 'UNAUTHENTICATED') return 'Please log in again.';
  if (code === 'FORBIDDEN') return 'You do not have access to this.';
  if (code === 'RATE_LIMITED') return 'Too many requests. Please wait a moment.';
  if (apollo.networkError) return 'We could not reach LearnCraft. Check your connection.';
  return apollo.graphQLErrors?.[0]?.message ?? error.message;
}

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
