/**
 * The subgraph server's own guards, on a tiny real subgraph: who may call it, readiness, the
 * request deadline and error masking with a correlation id.
 */
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket, { WebSocketServer } from 'ws';
import { createLogger, startSubgraph, type RequestBase, type RunningServer } from '../src';
import { TEST_GATEWAY_HEADERS, TEST_GATEWAY_SECRET } from '../src/testing';

const TOOLING_SECRET = 'test-internal-secret-0123456789';
const SDL = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query {
    "Answers after the given number of milliseconds."
    slow(ms: Int!): String!
    "Fails with an error whose message must never reach a client."
    broken: String
  }
  type Subscription {
    "One event whose resolver fails with an internal message."
    brokenEvent: String
  }
`);

const logged: { message: string; fields?: Record<string, unknown> }[] = [];
const logger = {
  ...createLogger('kit-test', 'silent'),
  error: (message: string, fields?: Record<string, unknown>) => void logged.push({ message, fields }),
};

let server: RunningServer;
const echo = new WebSocketServer({ noServer: true });
let ready = true;
/** `slow` resolvers that have begun: operations the server is executing. */
let slowStarted = 0;

beforeAll(async () => {
  server = await startSubgraph<RequestBase>({
    name: 'kit-test',
    typeDefs: SDL,
    resolvers: {
      Query: {
        slow: (_: unknown, { ms }: { ms: number }) => {
          slowStarted += 1;
          return new Promise<string>((resolve) => setTimeout(() => resolve('done'), ms));
        },
        broken: () => {
          throw new Error('relation "secret_table" does not exist');
        },
      },
      Subscription: {
        brokenEvent: {
          subscribe: async function* () {
            yield await Promise.resolve({ brokenEvent: 'x' });
          },
          resolve: () => {
            throw new Error('relation "secret_table" does not exist');
          },
        },
      },
    },
    host: '127.0.0.1',
    port: 0,
    config: {
      DATA_DIR: '/nonexistent',
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      INTERNAL_API_SECRET: TOOLING_SECRET,
      REQUEST_TIMEOUT_MS: 300,
    },
    verifier: { verify: () => Promise.reject(new Error('no tokens in this test')) },
    logger,
    ready: () => (ready ? Promise.resolve() : Promise.reject(new Error('database is down'))),
    upgrades: {
      '/echo': (req, socket, head) =>
        echo.handleUpgrade(req, socket, head, (ws) =>
          ws.on('message', (data: Buffer) => ws.send(data.toString('utf8'))),
        ),
    },
    context: (base) => base,
  });
});
afterAll(() => server?.close());

const base = () => server.url.replace(/\/graphql$/, '');

async function post(query: string, headers: Record<string, string>) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('the subgraph server', () => {
  it('marks its answers and its errors as not to be stored (cache-control: no-store)', async () => {
    const headers = { 'content-type': 'application/json', ...TEST_GATEWAY_HEADERS };
    const answers = await Promise.all(
      ['{ __typename }', '{ broken }'].map((query) =>
        fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query }) }),
      ),
    );
    expect(answers.map((answer) => [answer.status, answer.headers.get('cache-control')])).toEqual([
      [200, 'no-store'],
      [200, 'no-store'],
    ]);
  });

  it('answers introspection to operator tooling with the internal secret', async () => {
    const reply = await post('{ __schema { queryType { name } } }', {
      'x-learncraft-internal': TOOLING_SECRET,
    });
    expect(reply).toEqual({ status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } });
  });

  it('is ready while its store answers and says 503 when it does not', async () => {
    expect((await fetch(`${base()}/health/ready`)).status).toBe(200);
    ready = false;
    try {
      const response = await fetch(`${base()}/health/ready`);
      expect([response.status, await response.json()]).toEqual([
        503,
        { status: 'unavailable', service: 'kit-test' },
      ]);
      // Alive, just not ready: liveness never looks at stores (a restart would not bring them back).
      for (const path of ['/health', '/health/live']) {
        const alive = await fetch(`${base()}${path}`);
        expect([alive.status, await alive.json()]).toEqual([200, { status: 'ok', service: 'kit-test' }]);
      }
    } finally {
      ready = true;
    }
  });

  it('answers a backup only to the internal secret, and 409 without an embedded database', async () => {
    const refused = await fetch(`${base()}/internal/backup`, { headers: TEST_GATEWAY_HEADERS });
    expect([refused.status, await refused.json()]).toEqual([403, { error: 'forbidden' }]);
    const none = await fetch(`${base()}/internal/backup`, {
      headers: { 'x-learncraft-internal': TOOLING_SECRET },
    });
    expect([none.status, await none.json()]).toEqual([
      409,
      {
        error: 'NOT_EMBEDDED',
        message:
          'kit-test keeps no embedded database here: back its server up with its own tools (README: Backup and recovery).',
      },
    ]);
  });

  it('answers 503 when a request outlives its deadline, and still serves the next one', async () => {
    expect(await post('{ slow(ms: 1000) }', TEST_GATEWAY_HEADERS)).toEqual({
      status: 503,
      body: {
        errors: [{ message: 'The request took too long.', extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      },
    });
    expect(await post('{ slow(ms: 1) }', TEST_GATEWAY_HEADERS)).toEqual({
      status: 200,
      body: { data: { slow: 'done' } },
    });
  });

  it('masks an unexpected error and logs the original under the same correlation id', async () => {
    const reply = await post('{ broken }', TEST_GATEWAY_HEADERS);
    const error = reply.body.errors[0];
    expect(JSON.stringify(reply.body)).not.toContain('secret_table');
    expect(error).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 3 }],
      path: ['broken'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    const entry = logged.find((line) => line.fields?.correlationId === error.extensions.correlationId);
    expect(String((entry?.fields?.error as Error | undefined)?.message)).toContain('secret_table');
  });
});

/** graphql-ws through the kit's socket, upgraded with the gateway's credential. */
class GatewaySocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { headers: TEST_GATEWAY_HEADERS });
  }
}

async function firstMessage(query: string): Promise<unknown> {
  const client = createClient({
    url: server.url.replace(/^http/, 'ws'),
    webSocketImpl: GatewaySocket,
    retryAttempts: 0,
  });
  try {
    const iterator = client.iterate({ query })[Symbol.asyncIterator]();
    return (await iterator.next()).value;
  } catch (error) {
    return { refused: (error as { message: string }[]).map((e) => e.message) };
  } finally {
    await client.dispose();
  }
}

describe('the subgraph socket', () => {
  it('masks an unexpected error in an event', async () => {
    const event = (await firstMessage('subscription { brokenEvent }')) as {
      errors: { message: string; extensions: object }[];
    };
    expect(JSON.stringify(event)).not.toContain('secret_table');
    expect(event.errors[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  });

  it('serves subscriptions only, validated by the standard rules', async () => {
    expect(await firstMessage('{ slow(ms: 1) }')).toEqual({
      refused: ['Only subscriptions are served on this socket; send queries over HTTP.'],
    });
    expect(await firstMessage('subscription { brokenEvent unknownField }')).toEqual({
      refused: [
        'Anonymous Subscription must select only one top level field.',
        'Cannot query field "unknownField" on type "Subscription".',
      ],
    });
  });
});

/** Resolves with the HTTP status of a refused upgrade, or the echoed text when the socket opened. */
function tryUpgrade(path: string, headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(server.url.replace(/^http/, 'ws').replace(/\/graphql$/, path), { headers });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('open', () => socket.send('ping'));
    socket.once('message', (data: Buffer) => {
      resolve(data.toString('utf8'));
      socket.close();
    });
    socket.once('error', reject);
  });
}

describe('extra WebSocket endpoints', () => {
  it('are reached with the gateway credential only, and unknown paths are 404', async () => {
    expect(await tryUpgrade('/echo', TEST_GATEWAY_HEADERS)).toBe('ping');
    expect(await tryUpgrade('/echo', {})).toBe(401);
    expect(await tryUpgrade('/nowhere', TEST_GATEWAY_HEADERS)).toBe(404);
  });
});

// Last in this file: it closes the shared server, as SIGTERM does (runService calls close()).
describe('closing the server', () => {
  it('lets the operations that had started finish, then refuses new connections', async () => {
    const before = slowStarted;
    const started = Array.from({ length: 5 }, () => post('{ slow(ms: 200) }', TEST_GATEWAY_HEADERS));
    // Closed while all five are executing (a request still unread in its socket has not started).
    while (slowStarted < before + 5) await new Promise((resolve) => setTimeout(resolve, 5));
    const closed = server.close();
    expect(await Promise.all(started)).toEqual(
      Array.from({ length: 5 }, () => ({ status: 200, body: { data: { slow: 'done' } } })),
    );
    await closed;
    await expect(fetch(`${base()}/health/live`)).rejects.toThrow('fetch failed');
  });
});
