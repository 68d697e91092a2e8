/**
 * What to tell the viewer when a tutor operation failed: a rate limit says when to try again (the
 * daily token budget says so apart from too many requests a minute); anything else reads as
 * describeError's sentences. Shared by the web app's tutor panel and the app's tutor screen.
 */
import type { ApolloError } from '@apollo/client';
import { describeError, rateLimitMessage } from './errors';

export function tutorErrorMessage(error: ApolloError): string {
  const limited = error.graphQLErrors.find((entry) => entry.extensions?.code === 'RATE_LIMITED');
  const lead =
    limited?.extensions?.reason === 'DAILY_TOKEN_BUDGET'
      ? 'You have used today’s tutor allowance'
      : 'The tutor has had a lot of requests';
  return rateLimitMessage(error, lead) ?? describeError(error);
}

/** What to tell the learner when tutorAsk did not take the question. */
export function askErrorMessage(
  userError: { code: string; message: string } | undefined,
  error: ApolloError | undefined,
): string | null {
  if (userError?.code === 'NOT_ENROLLED') return 'Enrol to ask the tutor.';
  if (userError) return userError.message;
  if (!error) return null;
  return tutorErrorMessage(error);
}
