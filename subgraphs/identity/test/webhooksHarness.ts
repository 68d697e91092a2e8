/**
 * Plumbing of the webhook tests: identity on a fresh database with an in-memory implementation of
 * the OrganizationAccess port, a movable clock, progress's side of the event bus, tokens for
 * people and API keys, a local receiver, and the signature check a receiver would write.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LookupAddress } from 'node:dns';
import {
  createEventBus,
  createLogger,
  type ApiKeyScopeName,
  type EventBus,
  type OrganizationRole,
} from '@learncraft/kit';
import {
  TEST_GATEWAY_SECRET,
  createTestDatabase,
  type DatabaseFlavour,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { loadConfig } from '../src/config';
import { createApiKeyTokenSigner, generateSigningKey } from '../src/keys';
import { startIdentitySubgraph, type RunningIdentitySubgraph } from '../src/server';
import { OrganizationStore } from '../src/stores/organizationStore';
import { REGISTER, newAccount, postGraphQL, type GraphQLResponse } from './helpers';

export const INTERNAL_SECRET = 'test-internal-secret-0123456789';

/** Organizations and members written straight into identity's organization store. */
export class TestOrganizations {
  constructor(private readonly store: OrganizationStore) {}

  async add(organizationId: string, userId: string, role: OrganizationRole) {
    if (!(await this.store.byId(organizationId)))
      await this.store.insert({ id: organizationId, name: 'Webhook test org', now: new Date() });
    await this.store.addMember({ organizationId, userId, role, joinedAt: new Date() });
  }

  async remove(organizationId: string, userId: string) {
    await this.store.removeMember(organizationId, userId);
  }
}

/** A clock that stands still until a test moves it; it starts at the real time so tokens stay valid. */
export class TestClock {
  private at = Date.now();
  readonly now = () => new Date(this.at);
  advance(ms: number) {
    this.at += ms;
  }
}

/** Host names the tests resolve themselves (e.g. to rebind one); others go to the system. */
export class TestResolver {
  readonly names = new Map<string, string>();
  readonly resolve = async (hostname: string): Promise<LookupAddress[]> => {
    const address = this.names.get(hostname);
    if (address) return [{ address, family: address.includes(':') ? 6 : 4 }];
    const { systemResolver } = await import('../src/services/webhookAddresses');
    return systemResolver(hostname);
  };
}

export interface WebhookHarness {
  identity: RunningIdentitySubgraph;
  database: TestDatabase;
  organizations: TestOrganizations;
  clock: TestClock;
  resolver: TestResolver;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** Publishes a learning event as progress's outbox relay does (awaited until identity acknowledged). */
  publish(id: string, payload: unknown): Promise<void>;
  /** A registered account and an access token for it. */
  person(): Promise<{ id: string; email: string; displayName: string; token: string }>;
  apiKeyToken(organizationId: string, scopes: ApiKeyScopeName[]): Promise<string>;
  /** Another identity process on the same database, as a second replica (closed by dispose). */
  replica(): Promise<RunningIdentitySubgraph>;
  dispose(): Promise<void>;
}

export async function startWebhookHarness(
  options: { flavour?: DatabaseFlavour; env?: Record<string, string>; dispatch?: boolean } = {},
): Promise<WebhookHarness> {
  const database = await createTestDatabase(options.flavour ?? 'pglite');
  const dataDir = await mkdtemp(join(tmpdir(), 'lc-webhooks-'));
  const signingKey = await generateSigningKey();
  const clock = new TestClock();
  const resolver = new TestResolver();
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    INTERNAL_API_SECRET: INTERNAL_SECRET,
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    WEBHOOK_TIMEOUT_MS: '300',
    WEBHOOK_RETRY_BASE_MS: '1000',
    WEBHOOK_RETRY_MAX_MS: '8000',
    WEBHOOK_GIVE_UP_AFTER_MS: '60000',
    WEBHOOK_LEASE_MS: '10000',
    ...options.env,
  });
  const start = () =>
    startIdentitySubgraph({
      config,
      db: database.db,
      signingKey,
      now: clock.now,
      resolveHost: resolver.resolve,
      webhookDispatch: options.dispatch ?? false,
    });
  const identity = await start();
  const organizations = new TestOrganizations(new OrganizationStore(database.db.drizzle));
  const replicas: RunningIdentitySubgraph[] = [];
  const progress: EventBus = createEventBus({
    subscriberUrls: [identity.url.replace(/\/graphql$/, '')],
    secret: INTERNAL_SECRET,
    logger: createLogger('progress', 'silent'),
    service: 'progress',
  });
  const signApiKey = createApiKeyTokenSigner(signingKey, { ttlSeconds: 900 });
  let keys = 0;
  return {
    identity,
    database,
    organizations,
    clock,
    resolver,
    gql: (query, variables, token) => postGraphQL(identity.url, query, variables, token),
    publish: (id, payload) => progress.publish('progress.learning', payload, { id, delivered: true }),
    async person() {
      const response = await postGraphQL<any>(identity.url, REGISTER, { input: newAccount() });
      const { user, session } = response.body.data.userRegister;
      return { id: user.id, email: user.email, displayName: user.displayName, token: session.accessToken };
    },
    async apiKeyToken(organizationId, scopes) {
      keys += 1;
      const id = `00000000-0000-4000-8000-${String(keys).padStart(12, '0')}`;
      return (await signApiKey({ id, organizationId, scopes })).token;
    },
    async replica() {
      const replica = await start();
      replicas.push(replica);
      return replica;
    },
    async dispose() {
      for (const replica of replicas) await replica.close();
      await progress.close();
      await identity.close();
      await database.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang' | 'slow' | 'redirect' | 'large';

/** A webhook receiver on 127.0.0.1: records every request and answers as `mode` says. */
export async function startReceiver(initial: ReceiverMode = 'ok') {
  const received: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let mode = initial;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (req.url === '/elsewhere') return void res.writeHead(200).end('followed');
      if (mode === 'ok') return void res.writeHead(204).end();
      if (mode === 'fail') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      if (mode === 'redirect') return void res.writeHead(302, { location: '/elsewhere' }).end();
      if (mode === 'large') return void res.writeHead(200).end('x'.repeat(100_000));
      if (mode === 'slow') return void setTimeout(() => res.writeHead(200).end('ok'), 100);
      hanging.add(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    hanging,
    setMode(next: ReceiverMode) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The check a receiver writes (as the partner guide shows): HMAC over "<t>.<raw body>", 5 min tolerance. */
export function verifySignature(
  secret: string,
  rawBody: string,
  header: string | undefined,
  now: Date,
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(now.getTime() / 1000 - t) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const CREATE_ENDPOINT = `
  mutation Create($input: WebhookEndpointCreateInput!) {
    webhookEndpointCreate(input: $input) {
      endpoint { id url description events enabled createdAt organization { id } }
      signingSecret
      userErrors { code message field }
    }
  }
`;

export const UPDATE_ENDPOINT = `
  mutation Update($input: WebhookEndpointUpdateInput!) {
    webhookEndpointUpdate(input: $input) {
      endpoint { id url description events enabled }
      userErrors { code message field }
    }
  }
`;

export const DELETE_ENDPOINT = `
  mutation Delete($input: WebhookEndpointDeleteInput!) {
    webhookEndpointDelete(input: $input) { deletedEndpointId userErrors { code message field } }
  }
`;

export const REDELIVER = `
  mutation Redeliver($input: WebhookDeliveryRedeliverInput!) {
    webhookDeliveryRedeliver(input: $input) {
      delivery { id eventId status nextAttemptAt }
      userErrors { code message field }
    }
  }
`;

export const ENDPOINTS = `
  query Endpoints($reps: [_Any!]!, $status: WebhookDeliveryStatus) {
    _entities(representations: $reps) {
      ... on Organization {
        webhookEndpoints(first: 20) {
          totalCount
          edges {
            node {
              id url description events enabled
              deliveries(first: 20, status: $status) {
                totalCount
                edges {
                  node {
                    id eventId eventType payload status nextAttemptAt createdAt
                    endpoint { id }
                    attempts { at responseStatus durationMs error }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const organizationRef = (id: string) => ({ reps: [{ __typename: 'Organization', id }] });

/** A learning event as progress publishes it (contract 4). */
export function learningEvent(overrides: Record<string, unknown> = {}) {
  return {
    type: 'lesson.completed',
    occurredAt: '2026-12-01T10:00:00.000Z',
    userId: '00000000-0000-4000-8000-000000000000',
    courseId: 'course-1',
    enrollmentId: 'enrollment-1',
    lessonId: 'lesson-1',
    progressPercent: 40,
    ...overrides,
  };
}
