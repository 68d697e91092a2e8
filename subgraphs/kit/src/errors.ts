/**
 * The closed set of error codes LearnCraft puts in `extensions.code`, and helpers to raise them.
 * Expected business failures are returned as `UserError`s in payloads, never thrown.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  OPERATION_TOO_COMPLEX: 'OPERATION_TOO_COMPLEX',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes produced by graphql-js / Apollo Server itself that are safe to show as they are. */
const FRAMEWORK_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);
/** INTERNAL_SERVER_ERROR is never public: whatever carries it is masked, whoever raised it. */
const PUBLIC_CODES = new Set<string>(
  [...Object.values(ErrorCode), ...FRAMEWORK_CODES].filter(
    (code) => code !== ErrorCode.INTERNAL_SERVER_ERROR,
  ),
);

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** True when a formatted error carries a code that clients may see with its message. */
export function isPublicErrorCode(code: unknown): boolean {
  return typeof code === 'string' && PUBLIC_CODES.has(code);
}

export function graphQLError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const unauthenticated = (message = 'You must be signed in to do this.') =>
  graphQLError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (
  message = 'You are not allowed to do this.',
  extensions: Record<string, unknown> = {},
) => graphQLError(ErrorCode.FORBIDDEN, message, extensions);
export const notFound = (typename: string, id: string) =>
  graphQLError(ErrorCode.NOT_FOUND, `${typename} ${id} was not found.`, { typename, id });
export const badUserInput = (message: string, field?: string) =>
  graphQLError(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
export const rateLimited = (retryAfterSeconds: number) =>
  graphQLError(ErrorCode.RATE_LIMITED, `Too many requests; retry in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });

/** A user-facing, expected failure carried in a mutation payload's `userErrors`. */
export interface UserError {
  code: string;
  message: string;
  field: string[] | null;
}

export function userError(code: string, message: string, field?: string | string[]): UserError {
  return { code, message, field: field === undefined ? null : Array.isArray(field) ? field : [field] };
}

/**
 * Apollo `formatError`: keeps errors that carry a public code, masks everything else so internal
 * details (SQL, stack traces, hostnames) never reach a client. The masked error carries a fresh
 * correlation id; the original is handed to `log` with the same id, so support can find it.
 */
export function maskUnexpectedErrors(log: (error: unknown, correlationId: string) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (isPublicErrorCode(code)) {
      const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const correlationId = randomUUID();
    log(error, correlationId);
    return maskedError(correlationId, formatted);
  };
}

/** The only shape an unexpected error takes on the wire. */
export function maskedError(
  correlationId: string,
  where: Pick<GraphQLFormattedError, 'locations' | 'path'> = {},
): GraphQLFormattedError {
  return {
    message: INTERNAL_ERROR_MESSAGE,
    ...(where.locations ? { locations: where.locations } : {}),
    ...(where.path ? { path: where.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, correlationId },
  };
}
