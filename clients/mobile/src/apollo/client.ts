/**
 * The app's Apollo Client: the clients' shared link chain (HTTP and graphql-ws at the gateway's
 * `/graphql`, a fresh token on every request, one refresh and one retry on UNAUTHENTICATED) and
 * the shared cache. Every request's outcome also tells the connection state whether the gateway
 * answered (the offline banner and the outbox follow it). Nothing here imports React Native, so Node tests run the very same client
 * against a real gateway (passing `ws` as the WebSocket).
 */
import { ApolloClient, ApolloLink, type InMemoryCache, type NormalizedCacheObject } from '@apollo/client';
import { createLink, webSocketUrl, type LinkSession } from '@learncraft/operations/apollo';
import { createCache } from '@learncraft/operations/cache';
import { createNetworkReportingLink } from '../offline/networkLink';

export interface MobileApolloClientOptions {
  graphqlUrl: string;
  session: LinkSession;
  /** A cache to use instead of a fresh one (the app passes the one it restored from the device). */
  cache?: InMemoryCache;
  /** A WebSocket class where the host has none (Node tests pass `ws`). */
  webSocketImpl?: unknown;
}

export function createMobileApolloClient({
  graphqlUrl,
  session,
  cache = createCache(),
  webSocketImpl,
}: MobileApolloClientOptions): ApolloClient<NormalizedCacheObject> {
  // The web export's `/graphql` is relative to the page; native builds always have a full URL.
  const pageHref = typeof location === 'undefined' ? undefined : location.href;
  return new ApolloClient({
    link: ApolloLink.from([
      createNetworkReportingLink(),
      createLink({
        graphqlUrl,
        webSocketUrl: webSocketUrl(graphqlUrl, pageHref),
        session,
        webSocketImpl,
        clientName: 'learncraft-mobile',
      }),
    ]),
    cache,
  });
}
