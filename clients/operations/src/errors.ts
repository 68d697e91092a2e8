/**
 * What both clients tell a learner when something fails: the `userErrors` of a mutation sorted
 * into field messages and form messages, the "try again in …" of a RATE_LIMITED error, and a
 * sentence for any other GraphQL or network error.
 */
import type { ApolloError } from '@apollo/client';
import { retryDelay } from './format';

export interface FormUserError {
  code: string;
  message: string;
  field?: readonly string[] | null;
}

/**
 * The message for one input field, if any: the last name of its path, so `["input", "email"]` and
 * a nested `["input", "payment", "testCard", "number"]` both name their field.
 */
export function fieldError(errors: readonly FormUserError[] | undefined, name: string): string | undefined {
  return errors?.find((error) => error.field && error.field.length > 1 && error.field.at(-1) === name)
    ?.message;
}

/** Messages not tied to a field. */
export function formErrors(errors: readonly FormUserError[] | undefined): string[] {
  return (
    errors?.filter((error) => !error.field || error.field.length < 2).map((error) => error.message) ?? []
  );
}

/**
 * "Too many attempts — try again in 2 min" for a RATE_LIMITED error (`lead` names what there were
 * too many of); null for anything else.
 */
export function rateLimitMessage(error: ApolloError | undefined, lead = 'Too many attempts'): string | null {
  const limited = error?.graphQLErrors.find((entry) => entry.extensions?.code === 'RATE_LIMITED');
  if (!limited) return null;
  const seconds = limited.extensions?.retryAfterSeconds;
  return typeof seconds === 'number'
    ? `${lead} — try again in ${retryDelay(seconds)}.`
    : `${lead} — try again later.`;
}

/** A GraphQL error code or a network failure as a sentence a learner understands. */
export function describeError(error: ApolloError | Error): string {
  const apollo = error as ApolloError;
  const code = apollo.graphQLErrors?.[0]?.extensions?.code;
  if (code === 'UNAUTHENTICATED') return 'Please log in again.';
  if (code === 'FORBIDDEN') return 'You do not have access to this.';
  if (code === 'RATE_LIMITED') return 'Too many requests. Please wait a moment.';
  if (apollo.networkError) return 'We could not reach LearnCraft. Check your connection.';
  return apollo.graphQLErrors?.[0]?.message ?? error.message;
}
