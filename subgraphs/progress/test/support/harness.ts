/**
 * Integration harness: the progress subgraph on a test database, a fixture catalog over HTTP,
 * an in-memory PubSub the test can subscribe to, and access tokens signed exactly as identity does.
 */
import { randomUUID } from 'node:crypto';
import {
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  createTestDatabase,
  type DatabaseFlavour,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { createLogger, MemoryPubSub, type ApiKeyPrincipal, type EventBus, type Role } from '@learncraft/kit';
import { createTestTokenIssuer } from '@learncraft/identity';
import { loadConfig } from '../../src/config';
import { startProgressSubgraph, type RunningProgressSubgraph } from '../../src/server';
import { createHttpCatalogClient } from '../../src/stores/catalogClient';
import {
  CATALOG_SECRET,
  startCatalogFixture,
  type CatalogFixture,
  type FixtureCourse,
} from './catalogFixture';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

export interface Harness {
  server: RunningProgressSubgraph;
  test: TestDatabase;
  catalog: CatalogFixture;
  pubsub: MemoryPubSub;
  token(userId: string, roles?: Role[]): Promise<string>;
  /** A token for an API key of an organization, as identity mints it on exchange. */
  keyToken(apiKey: ApiKeyPrincipal): Promise<string>;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** A fresh learner id with a token. */
  learner(roles?: Role[]): Promise<{ id: string; token: string }>;
  count(sql: string, params?: unknown[]): Promise<number>;
  /**
   * POSTs JSON to an internal route of `server` (default: the harness's), with the internal secret
   * unless `secret` is given (null: none).
   */
  internal(
    path: string,
    body: unknown,
    options?: { secret?: string | null; server?: RunningProgressSubgraph },
  ): Promise<{ status: number; body: any }>;
  /** A second progress server on the same database, PubSub and catalog (another replica); closed with the harness. */
  replica(): Promise<RunningProgressSubgraph>;
  /** Closes `server` (the harness's or a replica) now; closing it again later is a no-op. */
  stop(server: RunningProgressSubgraph): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  courses: FixtureCourse[],
  options: {
    flavour?: DatabaseFlavour;
    catalogTtlMs?: number;
    now?: () => Date;
    /** COMMERCE_INTERNAL_URL (e.g. a `serveFakeCommerce`); unset: every course open. */
    commerceUrl?: string;
    /** More variables (IDENTITY_INTERNAL_URL, EVENT_SUBSCRIBER_URLS, OUTBOX_INTERVAL_MS, ...). */
    env?: Record<string, string>;
    /** The event bus (e.g. Redis Streams on a fresh prefix); the closer is the test's. */
    events?: EventBus;
  } = {},
): Promise<Harness> {
  const issuer = await createTestTokenIssuer();
  const test = await createTestDatabase(options.flavour ?? 'pglite');
  const catalog = await startCatalogFixture(courses);
  const pubsub = new MemoryPubSub();
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_API_SECRET: CATALOG_SECRET,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    CATALOG_INTERNAL_URL: catalog.url,
    COMMERCE_INTERNAL_URL: options.commerceUrl,
    ...options.env,
  });
  const start = () =>
    startProgressSubgraph({
      config,
      db: test.db,
      pubsub,
      verifier: issuer.verifier,
      catalog: createHttpCatalogClient({
        baseUrl: catalog.url,
        secret: CATALOG_SECRET,
        ttlMs: options.catalogTtlMs ?? 0,
      }),
      logger: createLogger('progress-test', 'silent'),
      now: options.now,
      events: options.events,
    });
  const server = await start();
  const replicas: RunningProgressSubgraph[] = [];
  const token = (userId: string, roles: Role[] = ['LEARNER']) => issuer.issueAccessToken(userId, roles);
  const closed = new Set<RunningProgressSubgraph>();
  const stop = async (target: RunningProgressSubgraph) => {
    if (closed.has(target)) return;
    closed.add(target);
    await target.close();
  };
  return {
    server,
    test,
    catalog,
    pubsub,
    token,
    keyToken: (apiKey) => issuer.issueApiKeyToken(apiKey),
    stop,
    async gql(query, variables, bearer) {
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
    async learner(roles) {
      const id = randomUUID();
      return { id, token: await token(id, roles) };
    },
    async count(sql, params) {
      const [row] = await test.db.query<{ n: number | string }>(sql, params);
      return Number(row?.n ?? 0);
    },
    async internal(path, body, { secret = CATALOG_SECRET, server: target = server } = {}) {
      const response = await fetch(target.url.replace(/\/graphql$/, '') + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret ? { 'x-learncraft-internal': secret } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async replica() {
      const replica = await start();
      replicas.push(replica);
      return replica;
    },
    async close() {
      await Promise.all(replicas.map(stop));
      await stop(server);
      await catalog.close();
      await pubsub.close();
      await test.dispose();
    },
  };
}

export const ENROLL = /* GraphQL */ `
  mutation Enroll($courseId: ID!) {
    courseEnroll(input: { courseId: $courseId }) {
      enrollment {
        id
        progressPercent
        completedAt
        enrolledAt
        lastActivityAt
        course {
          id
        }
        user {
          id
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

/** The payload selection shared by the heartbeat and lesson-completion mutations. */
const PROGRESS_PAYLOAD = /* GraphQL */ `
  lessonProgress {
    lesson {
      id
    }
    status
    positionSeconds
    completedAt
  }
  enrollment {
    id
    progressPercent
    completedAt
  }
  userErrors {
    code
    message
    field
  }
`;

export const HEARTBEAT = /* GraphQL */ `
  mutation Heartbeat($lessonId: ID!, $positionSeconds: Float!) {
    videoProgressRecord(input: { lessonId: $lessonId, positionSeconds: $positionSeconds }) {
      ${PROGRESS_PAYLOAD}
    }
  }
`;

export const COMPLETE = /* GraphQL */ `
  mutation Complete($lessonId: ID!) {
    lessonComplete(input: { lessonId: $lessonId }) {
      ${PROGRESS_PAYLOAD}
    }
  }
`;

export const SUBMIT = /* GraphQL */ `
  mutation Submit($lessonId: ID!, $answers: [QuizAnswerInput!]!, $idempotencyKey: String) {
    quizSubmit(input: { lessonId: $lessonId, answers: $answers, idempotencyKey: $idempotencyKey }) {
      attempt {
        id
        lesson {
          id
        }
        scorePercent
        passed
        submittedAt
        answerKeyRevealed
        results {
          questionId
          selectedOptionIds
          correct
          incorrectOptionIds
          correctOptionIds
          explanation
        }
      }
      enrollment {
        id
        progressPercent
        completedAt
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;
