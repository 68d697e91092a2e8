/**
 * The Apollo Client of the web app: the clients' shared link chain (@learncraft/operations/apollo:
 * HTTP and graphql-ws at the gateway's `/graphql`, a fresh token on every request, one refresh and
 * one retry on UNAUTHENTICATED) and the shared cache, with the WebSocket address taken from the page.
 */
import { ApolloClient } from '@apollo/client';
import { createLink, webSocketUrl as sharedWebSocketUrl } from '@learncraft/operations/apollo';
import type { SessionManager } from './auth/session';
import { createCache } from './cache';

export function webSocketUrl(httpUrl: string, location: Location): string {
  return sharedWebSocketUrl(httpUrl, location.href);
}

export function createApolloClient(graphqlUrl: string, session: SessionManager) {
  return new ApolloClient({
    link: createLink({
      graphqlUrl,
      webSocketUrl: webSocketUrl(graphqlUrl, window.location),
      session,
      clientName: 'learncraft-web',
    }),
    cache: createCache(),
  });
}
