/**
 * The Apollo Client of the web app: queries and mutations over HTTP, subscriptions over graphql-ws,
 * both at the gateway's `/graphql`. Every request carries a fresh access token; an UNAUTHENTICATED
 * answer triggers one refresh and one retry. The WebSocket reads its token when it connects and is
 * restarted whenever the session changes, so subscriptions resume under the new token.
 */
import { ApolloClient, ApolloLink, HttpLink, Observable, split } from '@apollo/client';
import { setContext } from '@apollo/client/link/context';
import { onError } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import type { SessionManager } from './auth/session';
import { createCache } from './cache';

/** Closes the socket with a code graphql-ws retries on, so it reconnects with new connection params. */
const RESTART_CODE = 4205;
/** WebSocket.OPEN, as a plain number (the DOM constant is typed as an enum-like literal). */
const SOCKET_OPEN: number = 1;

export function webSocketUrl(httpUrl: string, location: Location): string {
  const absolute = new URL(httpUrl, location.href);
  absolute.protocol = absolute.protocol === 'https:' ? 'wss:' : 'ws:';
  return absolute.toString();
}

export function createApolloClient(graphqlUrl: string, session: SessionManager) {
  let activeSocket: WebSocket | null = null;
  const wsClient = createClient({
    url: webSocketUrl(graphqlUrl, window.location),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: async () => {
      const token = await session.accessToken().catch(() => null);
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      opened: (socket) => {
        activeSocket = socket as WebSocket;
      },
      closed: () => {
        activeSocket = null;
      },
    },
  });
  let lastToken: string | null = null;
  session.subscribe((state) => {
    const token = state.status === 'signedIn' ? state.accessToken : null;
    if (token === lastToken) return;
    lastToken = token;
    if (activeSocket?.readyState === SOCKET_OPEN) activeSocket.close(RESTART_CODE, 'Session changed');
  });

  const authLink = setContext(async (_operation, { headers }: { headers?: Record<string, string> }) => {
    const token = await session.accessToken();
    return { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  });

  const retryOnceAfterRefresh = onError(({ graphQLErrors, networkError, operation, forward }) => {
    const unauthenticated =
      graphQLErrors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ||
      (networkError && 'statusCode' in networkError && networkError.statusCode === 401);
    if (!unauthenticated || operation.getContext().retriedAfterRefresh) return;
    operation.setContext({ retriedAfterRefresh: true });
    return new Observable((observer) => {
      let subscription: { unsubscribe(): void } | undefined;
      session.refresh().then(
        (token) => {
          if (!token) return observer.error(new Error('Your session has ended. Please log in again.'));
          const { headers } = operation.getContext() as { headers?: Record<string, string> };
          operation.setContext({ headers: { ...headers, authorization: `Bearer ${token}` } });
          subscription = forward(operation).subscribe(observer);
        },
        (error: unknown) => observer.error(error),
      );
      return () => subscription?.unsubscribe();
    });
  });

  const httpLink = ApolloLink.from([retryOnceAfterRefresh, authLink, new HttpLink({ uri: graphqlUrl })]);
  const link = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return (
        definition.kind === Kind.OPERATION_DEFINITION &&
        definition.operation === OperationTypeNode.SUBSCRIPTION
      );
    },
    new GraphQLWsLink(wsClient),
    httpLink,
  );

  return new ApolloClient({
    link,
    cache: createCache(),
  });
}
