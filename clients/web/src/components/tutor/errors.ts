/**
 * What to tell the viewer when a tutor operation failed as a GraphQL error: a rate limit says when
 * to try again (the daily token budget says so apart from too many requests a minute); anything
 * else reads as ErrorState's sentences.
 */
import type { ApolloError } from '@apollo/client';
import { rateLimitMessage } from '../../pages/authForm';
import { describeError } from '../ErrorState';

export function tutorErrorMessage(error: ApolloError): string {
  const limited = error.graphQLErrors.find((entry) => entry.extensions?.code === 'RATE_LIMITED');
  const lead =
    limited?.extensions?.reason === 'DAILY_TOKEN_BUDGET'
      ? 'You have used today’s tutor allowance'
      : 'The tutor has had a lot of requests';
  return rateLimitMessage(error, lead) ?? describeError(error);
}
