/** How a failed request is read: no answer or a portal's page is the network; the server's refusals are kept apart. */
import { ApolloError } from '@apollo/client';
import { GraphQLError } from 'graphql';
import { classifyFailure } from '../../src/offline/errors';

const serverError = (statusCode: number, result: unknown) =>
  Object.assign(new Error(`Response not successful: Received status code ${statusCode}`), {
    name: 'ServerError',
    statusCode,
    result,
  });

describe('reading a failed request', () => {
  it('no answer at all is a network failure', () => {
    expect(classifyFailure(new ApolloError({ networkError: new TypeError('Network request failed') }))).toBe(
      'network',
    );
  });

  it('an answer that is not JSON (a captive portal’s login page) is a network failure', () => {
    const parseError = Object.assign(new Error('Unexpected token <'), {
      name: 'ServerParseError',
      bodyText: '<html>',
    });
    expect(classifyFailure(new ApolloError({ networkError: parseError }))).toBe('network');
  });

  it('UNAUTHENTICATED, as a GraphQL error or in an HTTP error body, is unauthenticated', () => {
    const graphQLErrors = [new GraphQLError('Sign in', { extensions: { code: 'UNAUTHENTICATED' } })];
    expect(classifyFailure(new ApolloError({ graphQLErrors }))).toBe('unauthenticated');
    const networkError = serverError(401, {
      errors: [{ message: 'Sign in', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(classifyFailure(new ApolloError({ networkError }))).toBe('unauthenticated');
  });

  it('a 503 or a masked internal error is the service being unavailable, worth retrying', () => {
    expect(classifyFailure(new ApolloError({ networkError: serverError(503, 'down') }))).toBe('unavailable');
    const graphQLErrors = [
      new GraphQLError('Unexpected error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } }),
    ];
    expect(classifyFailure(new ApolloError({ graphQLErrors }))).toBe('unavailable');
  });

  it('FORBIDDEN or BAD_USER_INPUT is the server refusing: resending cannot change it', () => {
    for (const code of ['FORBIDDEN', 'BAD_USER_INPUT']) {
      const graphQLErrors = [new GraphQLError('No', { extensions: { code } })];
      expect(classifyFailure(new ApolloError({ graphQLErrors }))).toBe('refused');
    }
  });
});
