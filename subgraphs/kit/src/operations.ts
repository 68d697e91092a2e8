/**
 * Client mistakes that graphql-js and Apollo only notice while executing (and then answer with
 * HTTP 500): an `operationName` that names no operation, several operations and no name, and a
 * subscription sent over HTTP. They are refused up front with 400 and a message that says what to
 * do. Shared by the gateway and every subgraph.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, OperationTypeNode } from 'graphql';

const badRequest = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

export function operationResolutionPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ document, operation, request }) => {
          if (!operation) {
            const named = document.definitions.filter(
              (definition) => definition.kind === Kind.OPERATION_DEFINITION,
            ).length;
            return Promise.reject(
              badRequest(
                request.operationName
                  ? `The document has no operation named "${request.operationName.slice(0, 100)}".`
                  : named === 0
                    ? 'The document contains no operation.'
                    : 'The document contains several operations: say which to run in operationName.',
              ),
            );
          }
          if (operation.operation === OperationTypeNode.SUBSCRIPTION) {
            return Promise.reject(
              badRequest(
                'Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql, not over HTTP.',
              ),
            );
          }
          return Promise.resolve();
        },
      }),
  };
}
