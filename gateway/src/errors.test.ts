import { GraphQLError, parse } from 'graphql';
import { formatGatewayError } from './errors';
import { operationTooComplex } from './limits';

describe('gateway error formatting', () => {
  const logged: unknown[] = [];
  const format = formatGatewayError({ maxTokens: 10, log: (error) => logged.push(error) });

  it('masks a subgraph error without a public code but keeps the subgraph name', () => {
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.7:5432', {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'catalog' },
    });
    expect(format({ message: error.message, path: ['course'], extensions: error.extensions }, error)).toEqual(
      {
        message: 'Internal server error',
        path: ['course'],
        locations: undefined,
        extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'catalog' },
      },
    );
    expect(logged).toContain(error);
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
    const original = operationTooComplex('depth', 40, 12);
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
