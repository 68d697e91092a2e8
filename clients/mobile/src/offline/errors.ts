/**
 * How the offline code reads a failed request: did it reach the gateway at all (a network
 * failure: keep the work and wait for the connection), did the gateway refuse the learner's
 * session (UNAUTHENTICATED: keep it until they sign in again), is the service briefly unable to
 * answer (keep it and try later), or did the server decide (drop it: resending cannot change the
 * answer).
 */
import { ApolloError } from '@apollo/client';

export type FailureKind = 'network' | 'unauthenticated' | 'unavailable' | 'refused';

/** Codes the server answers with while it, not the request, is at fault: worth sending again. */
const TRANSIENT_CODES = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE', 'RATE_LIMITED']);

interface ErrorLike {
  extensions?: { code?: unknown } | null | undefined;
}

function codesOf(errors: readonly ErrorLike[] | undefined): string[] {
  return (errors ?? []).map((error) =>
    typeof error.extensions?.code === 'string' ? error.extensions.code : '',
  );
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** The GraphQL errors an HTTP error response carried in its body (Apollo's ServerError.result). */
function bodyErrors(networkError: unknown): ErrorLike[] {
  const errors = field(field(networkError, 'result'), 'errors');
  return Array.isArray(errors) ? errors.filter((error): error is ErrorLike => typeof error === 'object') : [];
}

export function classifyFailure(error: unknown): FailureKind {
  const networkError = error instanceof ApolloError ? error.networkError : error;
  const graphQLErrors = error instanceof ApolloError ? [...error.graphQLErrors] : [];
  const codes = codesOf([...graphQLErrors, ...bodyErrors(networkError)]);
  if (codes.includes('UNAUTHENTICATED')) return 'unauthenticated';
  if (networkError) {
    const status = field(networkError, 'statusCode');
    // No status: the request never got an HTTP answer, or the answer was not JSON (a portal's page).
    if (typeof status !== 'number') return 'network';
    if (status >= 500 || status === 429 || codes.some((code) => TRANSIENT_CODES.has(code)))
      return 'unavailable';
    return 'refused';
  }
  if (codes.length > 0 && codes.every((code) => TRANSIENT_CODES.has(code))) return 'unavailable';
  return 'refused';
}

export function isNetworkFailure(error: unknown): boolean {
  return classifyFailure(error) === 'network';
}
