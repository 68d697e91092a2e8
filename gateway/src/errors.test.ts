import { GraphQLError, parse } from 'graphql';
import { formatGatewayError } from './errors';
import { operationTooComplex } from '@learncraft/kit';

describe('gateway error formatting', () => {
  const logged: { error: unknown; correlationId: string }[] = [];
  const format = formatGatewayError({
    limits: { maxTokens: 10, exposeLimits: true },
    log: (error, correlationId) => logged.push({ error, correlationId }),
  });

  it('masks a subgraph error without a public code but keeps the subgraph name', () => {
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.7:5432', {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'catalog' },
    });
    const result = format({ message: error.message, path: ['course'], extensions: error.extensions }, error);
    const correlationId = logged.at(-1)?.correlationId;
    expect(logged.at(-1)?.error).toBe(error);
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toEqual({
      message: 'Internal server error',
      path: ['course'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId, serviceName: 'catalog' },
    });
  });

  it('masks an INTERNAL_SERVER_ERROR that carries a real message (SQL, Apollo internals)', () => {
    const error = new GraphQLError('invalid input syntax for type uuid: "not-a-uuid"', {
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    const result = format({ message: error.message, extensions: error.extensions }, error);
    expect(result.message).toBe('Internal server error');
    expect(JSON.stringify(result)).not.toContain('uuid:');
  });

  it('keeps the correlation id of an error a subgraph already masked, so both logs share it', () => {
    const correlationId = '0b5b1c9e-7f64-4a4e-9d6b-0b0f3f1c2d3e';
    const formatted = {
      message: 'Internal server error',
      path: ['me'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId, serviceName: 'identity' },
    };
    expect(
      format(formatted, new GraphQLError(formatted.message, { extensions: formatted.extensions })),
    ).toEqual(formatted);
  });

  it('passes a subgraph error with a public code through unchanged', () => {
    const formatted = {
      message: 'Course c1 was not found.',
      extensions: { code: 'NOT_FOUND', serviceName: 'catalog' },
    };
    expect(
      format(formatted, new GraphQLError(formatted.message, { extensions: formatted.extensions })),
    ).toEqual(formatted);
  });

  it('restores OPERATION_TOO_COMPLEX on a limit error Apollo relabelled as a validation failure', () => {
    const original = operationTooComplex('depth', 40, 12, true);
    const relabelled = new GraphQLError(original.message, {
      originalError: original,
      extensions: { ...original.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(
      format(
        {
          message: original.message,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', value: 40, maximum: 12 },
        },
        relabelled,
      ),
    ).toEqual({
      message: 'Query depth 40 exceeds the limit of 12.',
      extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'depth', value: 40, maximum: 12 },
    });
  });

  it('reports graphql-js aborting at maxTokens as the token limit', () => {
    const query = `{ ${'a '.repeat(20)}}`;
    let parseError: GraphQLError | undefined;
    try {
      parse(query, { maxTokens: 10 });
    } catch (error) {
      parseError = error as GraphQLError;
    }
    const formatted = { message: parseError!.message, extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    expect(format(formatted, parseError)).toEqual({
      message: 'Query token count 22 exceeds the limit of 10.',
      extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'tokens', value: 22, maximum: 10 },
    });
  });
});
