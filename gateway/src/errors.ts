/**
 * The gateway's `formatError`: the kit's masking (public codes pass, everything else becomes
 * "Internal server error"), plus gateway concerns: limit violations keep their
 * OPERATION_TOO_COMPLEX code (Apollo relabels every validation error GRAPHQL_VALIDATION_FAILED and
 * every parse error GRAPHQL_PARSE_FAILED, including graphql-js's own `maxTokens` abort), and a
 * masked subgraph error still says which subgraph failed.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, maskUnexpectedErrors } from '@learncraft/kit';
import { tokenLimitError } from './limits';

export interface FormatErrorOptions {
  maxTokens: number;
  /** Receives the original of every masked error. */
  log: (error: unknown) => void;
}

export function formatGatewayError({ maxTokens, log }: FormatErrorOptions) {
  const mask = maskUnexpectedErrors(log);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const tokens =
      formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' ? tokenLimitOf(error, maxTokens) : undefined;
    if (tokens) {
      const { http: _http, ...extensions } = tokens.extensions;
      return { message: tokens.message, extensions };
    }
    if (isLimitViolation(error)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.OPERATION_TOO_COMPLEX } };
    }
    const result = mask(formatted, error);
    const serviceName = formatted.extensions?.serviceName;
    if (typeof serviceName === 'string' && result.extensions?.serviceName === undefined) {
      return { ...result, extensions: { ...result.extensions, serviceName } };
    }
    return result;
  };
}

function tokenLimitOf(error: unknown, maxTokens: number): GraphQLError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const position = error.positions?.[0];
  const body = error.source?.body;
  return body === undefined || position === undefined
    ? undefined
    : tokenLimitError(body, position, maxTokens);
}

function isLimitViolation(error: unknown): boolean {
  for (let current: unknown = error, hops = 0; current instanceof GraphQLError && hops < 3; hops++) {
    if (current.extensions.code === ErrorCode.OPERATION_TOO_COMPLEX) return true;
    current = current.originalError;
  }
  return false;
}
