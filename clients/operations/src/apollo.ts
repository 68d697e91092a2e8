/**
 * The Apollo link chain of both clients: queries and mutations over HTTP, subscriptions over
 * graphql-ws, both at the gateway's `/graphql`. Every request carries a fresh access token; an
 * UNAUTHENTICATED answer (or an HTTP 401) triggers one refresh and one retry. The WebSocket reads
 * its token when it connects and is restarted whenever the session changes, so subscriptions
 * resume under the new token.
 *
 * Over HTTP, an operation of the build's persisted-documents manifest (generated/
 * persisted-documents.json) is sent by id only (`extensions.persistedQuery.sha256Hash`), with the
 * app's name in `apollographql-client-name`: in production the gateway runs only manifest
 * operations for first-party names (gateway/src/persisted). A gateway that does not know the id
 * (PERSISTED_QUERY_NOT_FOUND, e.g. a development gateway started before codegen ran) gets the
 * document once instead.
 */
import { ApolloLink, HttpLink, Observable, split } from '@apollo/client';
import { setContext } from '@apollo/client/link/context';
import { onError } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import persistedDocuments from './generated/persisted-documents.json';
import type { SessionManager } from './session';

/** Closes the socket with a code graphql-ws retries on, so it reconnects with new connection params. */
const RESTART_CODE = 4205;
/** WebSocket.OPEN: the same number in every WebSocket implementation. */
const SOCKET_OPEN = 1;

/** What the links need of the session. */
export type LinkSession = Pick<SessionManager, 'accessToken' | 'refresh' | 'subscribe'>;

export interface LinkOptions {
  /** The gateway's GraphQL endpoint over HTTP. */
  graphqlUrl: string;
  /** The same endpoint for graphql-ws (`ws:`/`wss:`); see `webSocketUrl`. */
  webSocketUrl: string;
  session: LinkSession;
  /** A WebSocket class for hosts without a global one (Node tests pass `ws`). */
  webSocketImpl?: unknown;
  /** The app's name for the gateway (`learncraft-web`, `learncraft-mobile`), sent on every HTTP request. */
  clientName?: string;
  /** The manifest whose operations are sent by id (hash -> document); the build's own by default. */
  persistedDocuments?: Readonly<Record<string, string>>;
}

/** The header the gateway reads a client's name from (Apollo's convention). */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';

/** Each manifest document starts with its operation (codegen's persistedDocuments.cjs). */
const OPERATION_NAME = /^(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

/** Operation name -> id, from a manifest. */
export function persistedIdsByOperationName(manifest: Readonly<Record<string, string>>): Map<string, string> {
  const ids = new Map<string, string>();
  for (const [id, document] of Object.entries(manifest)) {
    const name = OPERATION_NAME.exec(document)?.[1];
    if (name) ids.set(name, id);
  }
  return ids;
}

/**
 * Sends manifest operations by id and without their text; on PERSISTED_QUERY_NOT_FOUND, once more
 * with the text and no id (an id sent with a different text would fail the gateway's hash check).
 */
export function persistedOperationsLink(manifest: Readonly<Record<string, string>>): ApolloLink {
  const ids = persistedIdsByOperationName(manifest);
  const sendById = new ApolloLink((operation, forward) => {
    const id = ids.get(operation.operationName);
    const { persistedQuery: _previous, ...extensions } = operation.extensions as Record<string, unknown>;
    const byId = id !== undefined && !operation.getContext().persistedQueryNotFound;
    operation.extensions = byId
      ? { ...extensions, persistedQuery: { version: 1, sha256Hash: id } }
      : extensions;
    operation.setContext(({ http }: { http?: Record<string, unknown> }) => ({
      http: { ...http, includeQuery: !byId, includeExtensions: byId },
    }));
    return forward(operation);
  });
  const resendUnknown = onError(({ graphQLErrors, operation, forward }) => {
    const unknown = graphQLErrors?.some((error) => error.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND');
    if (!unknown || operation.getContext().persistedQueryNotFound) return;
    operation.setContext({ persistedQueryNotFound: true });
    return forward(operation);
  });
  return ApolloLink.from([resendUnknown, sendById]);
}

interface RestartableSocket {
  readyState: number;
  close(code: number, reason: string): void;
}

function isRestartableSocket(socket: unknown): socket is RestartableSocket {
  return typeof socket === 'object' && socket !== null && 'readyState' in socket && 'close' in socket;
}

/**
 * The graphql-ws address of an HTTP endpoint: `http:` becomes `ws:`, `https:` becomes `wss:`; a
 * relative endpoint (the web's `/graphql`) is resolved against `baseHref`, the page's address.
 * Plain string work, because React Native's URL class implements no setters.
 */
export function webSocketUrl(httpUrl: string, baseHref?: string): string {
  const absolute = resolveHref(httpUrl, baseHref);
  return absolute.replace(/^http(s?):/i, (_match, secure: string) => `ws${secure}:`);
}

function resolveHref(href: string, baseHref: string | undefined): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(href)) return href;
  if (!baseHref)
    throw new Error(`A relative GraphQL URL (${href}) needs the page's address to resolve against.`);
  const [, scheme = '', origin = ''] = /^([a-z][a-z\d+.-]*:)(\/\/[^/?#]*)/i.exec(baseHref) ?? [];
  if (href.startsWith('//')) return scheme + href;
  if (href.startsWith('/')) return scheme + origin + href;
  const directory = baseHref.replace(/[?#].*$/, '').replace(/[^/]*$/, '');
  return directory + href;
}

export function createLink({
  graphqlUrl,
  webSocketUrl,
  session,
  webSocketImpl,
  clientName,
  persistedDocuments: manifest = persistedDocuments,
}: LinkOptions): ApolloLink {
  let activeSocket: RestartableSocket | null = null;
  const wsClient = createClient({
    url: webSocketUrl,
    webSocketImpl,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: async () => {
      const token = await session.accessToken().catch(() => null);
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      opened: (socket) => {
        activeSocket = isRestartableSocket(socket) ? socket : null;
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
    return {
      headers: {
        ...headers,
        ...(clientName ? { [CLIENT_NAME_HEADER]: clientName } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    };
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

  const httpLink = ApolloLink.from([
    retryOnceAfterRefresh,
    authLink,
    persistedOperationsLink(manifest),
    new HttpLink({ uri: graphqlUrl }),
  ]);
  return split(
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
}
