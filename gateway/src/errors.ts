/**
 * The gateway's `formatError`: the kit's masking (public codes pass, everything else becomes
 * "Internal server error"), plus gateway concerns: limit violations keep their
 * OPERATION_TOO_COMPLEX code (Apollo relabels every validation error GRAPHQL_VALIDATION_FAILED and
 * every parse error GRAPHQL_PARSE_FAILED, including graphql-js's own `maxTokens` abort), and a
 * masked subgraph error still says which subgraph failed.
 */
import type { GraphQLFormattedError } from 'graphql';
import {
  ErrorCode,
  isLimitViolation,
  maskUnexpectedErrors,
  maskedError,
  tokenLimitOf,
  type OperationLimits,
} from '@learncraft/kit';

export interface FormatErrorOptions {
  limits: Pick<OperationLimits, 'maxTokens' | 'exposeLimits'>;
  /** Receives the original of every masked error, with the correlation id the client sees. */
  log: (error: unknown, correlationId: string) => void;
}

const CORRELATION_ID = /^[0-9a-f-]{36}$/;

export function formatGatewayError({ limits, log }: FormatErrorOptions) {
  const mask = maskUnexpectedErrors(log);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const tokens =
      formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' ? tokenLimitOf(error, limits) : undefined;
    if (tokens) {
      const { http: _http, ...extensions } = tokens.extensions;
      return { message: tokens.message, extensions };
    }
    if (isLimitViolation(error)) {
      const { http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: { ...extensions, code: ErrorCode.OPERATION_TOO_COMPLEX } };
    }
    const serviceName = formatted.extensions?.serviceName;
    // A subgraph already masked this one and logged it under its correlation id: keep that id.
    const subgraphCorrelation = formatted.extensions?.correlationId;
    const result =
      formatted.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR &&
      typeof serviceName === 'string' &&
      typeof subgraphCorrelation === 'string' &&
      CORRELATION_ID.test(subgraphCorrelation)
        ? maskedError(subgraphCorrelation, formatted)
        : mask(formatted, error);
    if (typeof serviceName === 'string' && result.extensions?.serviceName === undefined) {
      return { ...result, extensions: { ...result.extensions, serviceName } };
    }
    return result;
  };
}
