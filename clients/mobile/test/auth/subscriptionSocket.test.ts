/**
 * The app's graphql-ws connection and the session: the socket (at the WebSocket address derived
 * from the HTTP endpoint) introduces itself with the current access token, and when the session
 * changes it is restarted, so the live subscriptions resume under the new token. The server is a
 * real WebSocket server on 127.0.0.1 speaking graphql-transport-ws and recording what it receives.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { ProgressUpdatedSubscription } from '@learncraft/operations';
import { webSocketUrl } from '@learncraft/operations/apollo';
import { SessionManager, memoryTokenStorage } from '@learncraft/operations/session';
import type { SessionFieldsFragment } from '@learncraft/operations/types';
import { createMobileApolloClient } from '../../src/apollo/client';

interface Connection {
  path: string;
  init: Promise<unknown>;
  subscribed: Promise<{ operationName?: string; variables?: unknown }>;
  closed: Promise<number>;
}

function sessionFields(n: number): SessionFieldsFragment {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    user: { id: 'VXNlcjox', displayName: 'Ana Learner', email: 'ana@example.com', roles: ['LEARNER'] },
  };
}

let server: WebSocketServer;
let port: number;
const connections: Connection[] = [];
const waiting: ((connection: Connection) => void)[] = [];
const connection = (index: number) =>
  new Promise<Connection>((resolve) => {
    if (connections[index]) resolve(connections[index]);
    else waiting[index] = resolve;
  });

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'graphql-transport-ws' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
  server.on('connection', (socket, request) => {
    let onInit!: (payload: unknown) => void;
    let onSubscribe!: (payload: { operationName?: string; variables?: unknown }) => void;
    const accepted: Connection = {
      path: request.url ?? '',
      init: new Promise((resolve) => (onInit = resolve)),
      subscribed: new Promise((resolve) => (onSubscribe = resolve)),
      closed: new Promise((resolve) => socket.once('close', (code) => resolve(code))),
    };
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; payload?: never };
      if (message.type === 'connection_init') {
        onInit(message.payload);
        socket.send(JSON.stringify({ type: 'connection_ack' }));
      }
      if (message.type === 'subscribe') onSubscribe(message.payload!);
      if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
    const index = connections.push(accepted) - 1;
    waiting[index]?.(accepted);
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
});

it('restarts the socket with the new access token when the session changes, and resubscribes', async () => {
  const session = new SessionManager({
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    storage: memoryTokenStorage(),
    hasStoredToken: false,
  });
  session.accept(sessionFields(1));
  const client = createMobileApolloClient({
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    session,
    webSocketImpl: WebSocket,
  });
  const subscription = client
    .subscribe({ query: ProgressUpdatedSubscription, variables: { courseId: 'Q291cnNlOjE=' } })
    .subscribe({ error: () => undefined });
  try {
    const first = await connection(0);
    expect(first.path).toBe('/graphql');
    expect(await first.init).toEqual({ authorization: 'Bearer access-1' });
    expect(await first.subscribed).toMatchObject({
      operationName: 'ProgressUpdated',
      variables: { courseId: 'Q291cnNlOjE=' },
    });

    session.accept(sessionFields(2));

    expect(await first.closed).toBe(4205);
    const second = await connection(1);
    expect(await second.init).toEqual({ authorization: 'Bearer access-2' });
    expect(await second.subscribed).toMatchObject({
      operationName: 'ProgressUpdated',
      variables: { courseId: 'Q291cnNlOjE=' },
    });
    expect(connections).toHaveLength(2);
  } finally {
    subscription.unsubscribe();
    session.dispose();
  }
});

describe('the WebSocket address of the GraphQL endpoint', () => {
  it('swaps http for ws and https for wss, keeping host, port and path', () => {
    expect(webSocketUrl('http://192.168.1.20:4000/graphql')).toBe('ws://192.168.1.20:4000/graphql');
    expect(webSocketUrl('https://learncraft.example/graphql')).toBe('wss://learncraft.example/graphql');
  });

  it("resolves the web export's relative endpoint against the page's address", () => {
    expect(webSocketUrl('/graphql', 'https://learncraft.example/courses/k8s?tab=1')).toBe(
      'wss://learncraft.example/graphql',
    );
    expect(webSocketUrl('graphql', 'http://127.0.0.1:4000/app/index.html')).toBe(
      'ws://127.0.0.1:4000/app/graphql',
    );
    expect(webSocketUrl('//api.learncraft.example/graphql', 'https://learncraft.example/')).toBe(
      'wss://api.learncraft.example/graphql',
    );
  });

  it('refuses a relative endpoint when there is no page to resolve it against', () => {
    expect(() => webSocketUrl('/graphql')).toThrow(
      "A relative GraphQL URL (/graphql) needs the page's address to resolve against.",
    );
  });
});
