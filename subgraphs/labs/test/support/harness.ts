/**
 * Integration harness: the labs subgraph on a test database, fixture catalog and progress over
 * HTTP, the process-based test runtime, an in-memory PubSub, a clock the test can move forward,
 * and access tokens signed exactly as identity does. Requests carry the gateway's credential.
 */
import { randomUUID } from 'node:crypto';
import {
  createLogger,
  MemoryPubSub,
  openDatabase,
  RedisPubSub,
  type PubSub,
  type Role,
} from '@learncraft/kit';
import {
  createTestDatabase,
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  TEST_REDIS_URL,
  type DatabaseFlavour,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { createTestTokenIssuer } from '@learncraft/identity';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { loadConfig } from '../../src/config';
import { startLabsSubgraph, type RunningLabsSubgraph } from '../../src/server';
import { createHttpCatalogClient } from '../../src/stores/catalogClient';
import { createHttpProgressClient } from '../../src/stores/progressClient';
import {
  COURSE_ID,
  INTERNAL_SECRET,
  LESSONS,
  startCatalogFixture,
  type CatalogFixture,
} from './catalogFixture';
import { createTestRuntime, type TestRuntime } from './processRuntime';
import { startProgressFixture, type ProgressFixture } from './progressFixture';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export interface HarnessOptions {
  flavour?: DatabaseFlavour;
  /** Events over a real Redis (a fresh channel prefix per harness), as between replicas. */
  redis?: boolean;
  env?: Record<string, string>;
}

export interface Terminal {
  ws: WebSocket;
  /** Everything received so far. */
  output(): string;
  waitFor(text: string): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

export interface Harness {
  server: RunningLabsSubgraph;
  test: TestDatabase;
  catalog: CatalogFixture;
  progress: ProgressFixture;
  runtime: TestRuntime;
  pubsub: PubSub;
  /** The subgraph's clock: real time plus `offsetMs`, or `frozenAt` (ms since the epoch) when set. */
  clock: { offsetMs: number; frozenAt: number | null };
  now(): Date;
  token(userId: string, roles?: Role[]): Promise<string>;
  /** A fresh learner with a token, enrolled in the lab course unless `enrolled: false`. */
  learner(options?: { enrolled?: boolean; roles?: Role[] }): Promise<{ id: string; token: string }>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    server?: RunningLabsSubgraph,
  ): Promise<GraphQLResponse<T>>;
  /** Starts a lab and waits until its session is READY; returns the session id. */
  startReady(token: string, lessonId?: string): Promise<string>;
  subscribe(token: string, sessionId: string, server?: RunningLabsSubgraph): AsyncIterableIterator<any>;
  /** Waits until `count` subscribers follow the session's topic. */
  untilListening(sessionId: string, count?: number, pubsub?: PubSub): Promise<void>;
  openTerminal(terminalUrl: string, headers?: Record<string, string>, server?: RunningLabsSubgraph): Terminal;
  count(sql: string, params?: unknown[]): Promise<number>;
  /** Closes the server without any cleanup (sandboxes stay) and starts another over the same data. */
  restart(): Promise<void>;
  /**
   * Another replica over the same data: its own database connection (PostgreSQL), its own PubSub
   * (Redis when the harness uses it), its own runtime instance over the same sandbox root and node.
   */
  replica(): Promise<{ server: RunningLabsSubgraph; pubsub: PubSub }>;
  close(): Promise<void>;
}

export const LAB_LESSON_COURSES = new Map(
  LESSONS.filter((lesson) => lesson.kind === 'LAB').map((lesson) => [lesson.id, lesson.courseId]),
);

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const issuer = await createTestTokenIssuer();
  const test = await createTestDatabase(options.flavour ?? 'pglite');
  const catalog = await startCatalogFixture(LESSONS);
  const progress = await startProgressFixture(LAB_LESSON_COURSES);
  const prefix = `learncraft-test-${randomUUID()}:`;
  const newPubSub = (): PubSub =>
    options.redis ? new RedisPubSub(TEST_REDIS_URL, prefix) : new MemoryPubSub();
  const pubsub = newPubSub();
  const replicas: { server: RunningLabsSubgraph; close(): Promise<void> }[] = [];
  const clock: Harness['clock'] = { offsetMs: 0, frozenAt: null };
  const now = () => new Date(clock.frozenAt ?? Date.now() + clock.offsetMs);
  const nodeId = `test-node-${randomUUID()}`;
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_API_SECRET: INTERNAL_SECRET,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    CATALOG_INTERNAL_URL: catalog.url,
    PROGRESS_INTERNAL_URL: progress.url,
    LAB_TERMINAL_SECRET: 'test-terminal-secret-0123456789-abcdef',
    LAB_SWEEP_INTERVAL_MS: '0',
    LAB_NODE_ID: nodeId,
    ...options.env,
  });
  const clients: Client[] = [];
  const sockets: WebSocket[] = [];
  const token = (userId: string, roles: Role[] = ['LEARNER']) => issuer.issueAccessToken(userId, roles);

  const boot = (runtime: TestRuntime, deps = { db: test.db, pubsub }) =>
    startLabsSubgraph({
      config,
      db: deps.db,
      pubsub: deps.pubsub,
      runtime,
      verifier: issuer.verifier,
      catalog: createHttpCatalogClient({ baseUrl: catalog.url, secret: INTERNAL_SECRET }),
      progress: createHttpProgressClient({
        baseUrl: progress.url,
        secret: INTERNAL_SECRET,
        timeoutMs: 2_000,
      }),
      logger: createLogger('labs-test', 'silent'),
      now,
    });

  const h: Harness = {
    server: await boot(createTestRuntime()),
    test,
    catalog,
    progress,
    runtime: undefined as unknown as TestRuntime,
    pubsub,
    clock,
    now,
    token,
    async learner(learnerOptions = {}) {
      const id = randomUUID();
      if (learnerOptions.enrolled !== false) progress.enroll(id, COURSE_ID);
      return { id, token: await token(id, learnerOptions.roles) };
    },
    async gql(query, variables, bearer, server = h.server) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...TEST_GATEWAY_HEADERS,
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
    async startReady(bearer, lessonId = 'lab-shell') {
      const started = await h.gql(START, { lessonId }, bearer);
      const id = started.data?.labStart.session?.id as string | undefined;
      if (!id) throw new Error(`labStart failed: ${JSON.stringify(started)}`);
      await h.server.labs.idle();
      const status = (await h.gql(SESSION, { id }, bearer)).data?.labSession?.status;
      if (status !== 'READY') throw new Error(`session is ${String(status)}, not READY`);
      return id;
    },
    subscribe(bearer, sessionId, server = h.server) {
      const client = createClient({
        url: server.url.replace(/^http/, 'ws'),
        webSocketImpl: GatewaySocket,
        connectionParams: { authorization: `Bearer ${bearer}` },
        retryAttempts: 0,
      });
      clients.push(client);
      return client.iterate({ query: SESSION_UPDATED, variables: { sessionId } });
    },
    async untilListening(sessionId, count = 1, on = pubsub) {
      for (let i = 0; i < 300 && on.subscriberCount(`labs:session:${sessionId}`) < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    openTerminal(terminalUrl, headers = TEST_GATEWAY_HEADERS, server = h.server) {
      const token = new URL(terminalUrl).searchParams.get('token') ?? '';
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/terminal?token=${encodeURIComponent(token)}`, {
        headers,
      });
      sockets.push(ws);
      let received = '';
      const waiters: { text: string; resolve: () => void }[] = [];
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        received += (data as Buffer).toString('utf8');
        for (const waiter of waiters.splice(0)) {
          if (received.includes(waiter.text)) waiter.resolve();
          else waiters.push(waiter);
        }
      });
      const closed = new Promise<{ code: number; reason: string }>((resolve) => {
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
        ws.once('error', () => undefined);
      });
      return {
        ws,
        output: () => received,
        waitFor: (text) =>
          received.includes(text)
            ? Promise.resolve()
            : new Promise((resolve) => waiters.push({ text, resolve })),
        closed,
      };
    },
    async count(sql, params) {
      const [row] = await test.db.query<{ n: number | string }>(sql, params);
      return Number(row?.n ?? 0);
    },
    async restart() {
      const root = h.runtime.root;
      await h.server.close();
      await h.runtime.close();
      h.runtime = createTestRuntime({ root });
      h.server = await boot(h.runtime);
    },
    async replica() {
      const db = test.url ? await openDatabase({ location: { url: test.url }, maxConnections: 4 }) : test.db;
      const replicaPubSub = newPubSub();
      const runtime = createTestRuntime({ root: h.runtime.root });
      const server = await boot(runtime, { db, pubsub: replicaPubSub });
      replicas.push({
        server,
        async close() {
          await server.labs.idle();
          await server.close();
          await runtime.close();
          await replicaPubSub.close();
          if (db !== test.db) await db.close();
        },
      });
      return { server, pubsub: replicaPubSub };
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await Promise.all(clients.map((client) => client.dispose() as Promise<void>));
      for (const replica of replicas) await replica.close();
      await h.server.labs.idle();
      await h.server.close();
      await h.runtime.close();
      for (const sandbox of await h.runtime.list()) await h.runtime.destroy(sandbox.id);
      await catalog.close();
      await progress.close();
      await pubsub.close();
      await test.dispose();
    },
  };
  h.runtime = h.server.runtime as TestRuntime;
  return h;
}

/** The subgraph's WebSocket accepts the gateway only: upgrade with the gateway's credential. */
class GatewaySocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols, { headers: TEST_GATEWAY_HEADERS });
  }
}

/** Every field of a session, as the web app reads it. */
export const SESSION_FIELDS = /* GraphQL */ `
  id
  status
  progressPercent
  statusMessage
  startedAt
  expiresAt
  terminalUrl
  lesson {
    id
  }
  learner {
    id
  }
  steps {
    id
    title
    status
    lastOutput
    checkedAt
  }
`;

const USER_ERRORS = /* GraphQL */ `
  userErrors {
    code
    message
    field
  }
`;

export const START = /* GraphQL */ `
  mutation Start($lessonId: ID!) {
    labStart(input: { lessonId: $lessonId }) {
      session { ${SESSION_FIELDS} }
      ${USER_ERRORS}
    }
  }
`;

export const SESSION = /* GraphQL */ `
  query Session($id: ID!) {
    labSession(id: $id) { ${SESSION_FIELDS} }
  }
`;

const sessionMutation = (name: string) => /* GraphQL */ `
  mutation ($sessionId: ID!) {
    ${name}(input: { sessionId: $sessionId }) {
      session { ${SESSION_FIELDS} }
      ${USER_ERRORS}
    }
  }
`;
export const STOP = sessionMutation('labStop');
export const RESET = sessionMutation('labReset');
export const EXTEND = sessionMutation('labExtend');

export const CHECK = /* GraphQL */ `
  mutation Check($sessionId: ID!, $stepId: ID!) {
    labStepCheck(input: { sessionId: $sessionId, stepId: $stepId }) {
      session { id status progressPercent }
      step { id title status lastOutput checkedAt }
      ${USER_ERRORS}
    }
  }
`;

export const SESSION_UPDATED = /* GraphQL */ `
  subscription ($sessionId: ID!) {
    labSessionUpdated(sessionId: $sessionId) {
      kind
      secondsLeft
      step {
        id
        status
        lastOutput
      }
      session {
        id
        status
        progressPercent
        statusMessage
      }
    }
  }
`;

/** GraphQL error codes of a response, or of a graphql-ws error thrown by an iterator. */
export function errorCodes(result: unknown): (string | undefined)[] {
  const errors = Array.isArray(result) ? result : ((result as GraphQLResponse | undefined)?.errors ?? []);
  return errors.map((error: { extensions?: { code?: string } }) => error.extensions?.code);
}
