/**
 * End-to-end harness: identity, catalog, progress, labs, ai and commerce as real subgraph servers (each with
 * its own database: in-memory PGlite or a fresh PostgreSQL database) and the gateway serving the
 * checked-in supergraph in front of them, all on ephemeral ports of 127.0.0.1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import {
  createTokenVerifier,
  createLogger,
  DEMO_ACCOUNTS,
  MemoryPubSub,
  RedisPubSub,
  openDatabase,
  type PubSub,
} from '@learncraft/kit';
import {
  createTestDatabase,
  TEST_GATEWAY_SECRET,
  TEST_REDIS_URL,
  type DatabaseFlavour,
  type TestDatabase,
} from '@learncraft/kit/testing';
import {
  loadConfig as loadIdentityConfig,
  startIdentitySubgraph,
  type RunningIdentitySubgraph,
} from '@learncraft/identity';
import {
  loadConfig as loadCatalogConfig,
  startCatalogSubgraph,
  type RunningCatalog,
} from '@learncraft/catalog';
import {
  loadConfig as loadProgressConfig,
  startProgressSubgraph,
  type RunningProgressSubgraph,
} from '@learncraft/progress';
import { loadConfig as loadLabsConfig, startLabsSubgraph, type RunningLabsSubgraph } from '@learncraft/labs';
import { loadConfig as loadAiConfig, startAiSubgraph, type RunningAiSubgraph } from '@learncraft/ai';
import {
  loadConfig as loadCommerceConfig,
  startCommerceSubgraph,
  type RunningCommerceSubgraph,
} from '@learncraft/commerce';
import {
  loadConfig as loadGatewayConfig,
  startGateway,
  type GatewayOptions,
  type RunningGateway,
} from '../../src';
import { GENEROUS_RATE_LIMITS } from '../support';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface Platform {
  gateway: RunningGateway;
  identity: RunningIdentitySubgraph;
  /** Labs on the local bubblewrap runtime, sandboxes under the platform's data directory. */
  labs: RunningLabsSubgraph;
  catalog: RunningCatalog;
  progress: RunningProgressSubgraph;
  /** The tutor: offline unless `aiEnv` points it at a model; course changes reach it as events. */
  ai: RunningAiSubgraph;
  /** Commerce on the built-in test payment provider unless `commerceEnv` says otherwise. */
  commerce: RunningCommerceSubgraph;
  databases: {
    identity: TestDatabase;
    catalog: TestDatabase;
    progress: TestDatabase;
    labs: TestDatabase;
    ai: TestDatabase;
    commerce: TestDatabase;
  };
  /** The subgraphs' DATA_DIR (identity's file mailer writes to `<dataDir>/mail`). */
  dataDir: string;
  /** The pub/sub of the first progress replica (and of a replica restarted on its port). */
  progressPubSub: PubSub;
  /** POSTs one operation to the gateway, as a browser or partner would. */
  graphql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** Logs a demo or registered user in through the gateway and returns the access token. */
  login(email: string, password: string): Promise<string>;
  /** Another progress replica on the same database (and pub/sub broker), e.g. for scale-out. */
  startProgressReplica(port?: number): Promise<RunningProgressSubgraph>;
  /** Another gateway process-equivalent over the same subgraphs (URLs may be overridden). */
  startGateway(overrides?: {
    urls?: Record<string, string>;
    subscriptionLimits?: GatewayOptions['subscriptionLimits'];
    staticHandler?: GatewayOptions['staticHandler'];
  }): Promise<RunningGateway>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  flavour?: DatabaseFlavour;
  /** Redis makes progress events cross replicas, as in production; memory is the embedded default. */
  pubsub?: 'memory' | 'redis';
  /** Serves non-GraphQL GETs on the first gateway, e.g. the built web app. */
  staticHandler?: GatewayOptions['staticHandler'];
  /** Extra environment of the ai subgraph, e.g. OPENAI_BASE_URL of a test model server. */
  aiEnv?: Record<string, string>;
  /** Extra environment of the commerce subgraph, e.g. STRIPE_* of a test Stripe server. */
  commerceEnv?: Record<string, string>;
  /**
   * Extra environment of the gateway, e.g. a longer REVOCATION_POLL_MS where a test counts queries,
   * or RATE_LIMIT_* budgets (otherwise ones no test reaches).
   */
  gatewayEnv?: Record<string, string>;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const flavour = options.flavour ?? 'pglite';
  const redisPrefix = `lc-e2e-${randomBytes(4).toString('hex')}:`;
  const pubsubs: PubSub[] = [];
  const newPubSub = () => {
    const pubsub =
      options.pubsub === 'redis' ? new RedisPubSub(TEST_REDIS_URL, redisPrefix) : new MemoryPubSub();
    pubsubs.push(pubsub);
    return pubsub;
  };
  const closers: (() => Promise<void>)[] = [];
  const logLevel = 'warn';
  const dataDir = await mkdtemp(join(tmpdir(), 'lc-e2e-'));
  const internalSecret = randomBytes(24).toString('base64url');
  const databases = {
    identity: await createTestDatabase(flavour),
    catalog: await createTestDatabase(flavour),
    progress: await createTestDatabase(flavour),
    labs: await createTestDatabase(flavour),
    ai: await createTestDatabase(flavour),
    commerce: await createTestDatabase(flavour),
  };
  // Every subgraph asks commerce who may learn what, so commerce's port is chosen first.
  const commercePort = await freePort();
  const base = {
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: logLevel,
    INTERNAL_API_SECRET: internalSecret,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    COMMERCE_INTERNAL_URL: `http://127.0.0.1:${commercePort}`,
  };

  const identity = await startIdentitySubgraph({
    config: loadIdentityConfig({ ...base, SEED_DEMO: 'true', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' }),
    db: databases.identity.db,
  });
  const verifier = createTokenVerifier({ publicKeyPem: identity.publicKeyPem });
  // The catalog pushes course changes to ai, so ai's port is chosen before the catalog starts.
  const aiPort = await freePort();
  const catalog = await startCatalogSubgraph({
    config: loadCatalogConfig({
      ...base,
      SEED_DEMO: 'true',
      EVENT_SUBSCRIBER_URLS: `http://127.0.0.1:${aiPort}`,
    }),
    db: databases.catalog.db,
    verifier,
  });
  const progressConfig = (port = 0) =>
    loadProgressConfig({
      ...base,
      PORT: String(port),
      CATALOG_INTERNAL_URL: `http://127.0.0.1:${catalog.port}`,
      // Organization members, and the learning events identity turns into partner webhooks.
      IDENTITY_INTERNAL_URL: `http://127.0.0.1:${identity.port}`,
      EVENT_SUBSCRIBER_URLS: `http://127.0.0.1:${identity.port}`,
    });
  const progressPubSub = newPubSub();
  const progress = await startProgressSubgraph({
    config: progressConfig(),
    db: databases.progress.db,
    verifier,
    pubsub: progressPubSub,
  });

  // Terminal URLs point at the first gateway, so its port is chosen before labs starts.
  const gatewayPort = await freePort();
  const labs = await startLabsSubgraph({
    config: loadLabsConfig({
      ...base,
      CATALOG_INTERNAL_URL: `http://127.0.0.1:${catalog.port}`,
      PROGRESS_INTERNAL_URL: `http://127.0.0.1:${progress.port}`,
      LAB_TERMINAL_PUBLIC_URL: `ws://127.0.0.1:${gatewayPort}/labs/terminal`,
      LAB_SWEEP_INTERVAL_MS: '1000',
    }),
    db: databases.labs.db,
    verifier,
    pubsub: newPubSub(),
  });
  const ai = await startAiSubgraph({
    config: loadAiConfig({
      ...base,
      PORT: String(aiPort),
      CATALOG_INTERNAL_URL: `http://127.0.0.1:${catalog.port}`,
      PROGRESS_INTERNAL_URL: `http://127.0.0.1:${progress.port}`,
      LABS_INTERNAL_URL: `http://127.0.0.1:${labs.port}`,
      ...options.aiEnv,
    }),
    db: databases.ai.db,
    verifier,
    pubsub: newPubSub(),
  });
  const commerce = await startCommerceSubgraph({
    config: loadCommerceConfig({
      ...base,
      PORT: String(commercePort),
      SEED_DEMO: 'true',
      CATALOG_INTERNAL_URL: `http://127.0.0.1:${catalog.port}`,
      PROGRESS_INTERNAL_URL: `http://127.0.0.1:${progress.port}`,
      IDENTITY_INTERNAL_URL: `http://127.0.0.1:${identity.port}`,
      // Entitlement changes reach every subgraph that enforces access.
      EVENT_SUBSCRIBER_URLS: [catalog, progress, labs, ai].map((s) => `http://127.0.0.1:${s.port}`).join(','),
      ...options.commerceEnv,
    }),
    db: databases.commerce.db,
    verifier,
  });

  const startProgressReplica: Platform['startProgressReplica'] = async (port = 0) => {
    // A replica is another process in production: its own connection pool to the same database.
    const db = databases.progress.url
      ? await openDatabase({ location: { url: databases.progress.url } })
      : databases.progress.db;
    const replica = await startProgressSubgraph({
      config: progressConfig(port),
      db,
      verifier,
      pubsub: port === progress.port ? progressPubSub : newPubSub(),
    });
    closers.push(async () => {
      await replica.close();
      if (db !== databases.progress.db) await db.close();
    });
    return replica;
  };

  let firstGateway = true;
  const launchGateway: Platform['startGateway'] = async (overrides = {}) => {
    const port = firstGateway ? gatewayPort : 0;
    firstGateway = false;
    const started = await startGateway({
      config: loadGatewayConfig({
        PORT: String(port),
        LOG_LEVEL: logLevel,
        SUBGRAPH_TIMEOUT_MS: '5000',
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
        IDENTITY_URL: identity.url,
        CATALOG_URL: catalog.url,
        PROGRESS_URL: progress.url,
        LABS_URL: labs.url,
        AI_URL: ai.url,
        COMMERCE_URL: commerce.url,
        // The gateway polls identity's revoked sessions, as `npm start` and production wire it.
        INTERNAL_API_SECRET: internalSecret,
        IDENTITY_INTERNAL_URL: `http://127.0.0.1:${identity.port}`,
        // Suites about other things send more than a person would; rateLimit.test.ts sets its own.
        ...GENEROUS_RATE_LIMITS,
        ...options.gatewayEnv,
        ...overrides.urls,
      }),
      verifier,
      logger: createLogger('gateway', logLevel),
      subscriptionLimits: overrides.subscriptionLimits,
      staticHandler: overrides.staticHandler,
    });
    closers.push(() => started.close());
    return started;
  };
  const gateway = await launchGateway({ staticHandler: options.staticHandler });

  const graphql: Platform['graphql'] = async (query, variables, token) => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  };

  const login: Platform['login'] = async (email, password) => {
    const result = await graphql<{
      sessionCreate: { session: { accessToken: string } | null; userErrors: unknown[] };
    }>(
      `
        mutation ($input: SessionCreateInput!) {
          sessionCreate(input: $input) {
            session {
              accessToken
            }
            userErrors {
              code
            }
          }
        }
      `,
      { input: { email, password } },
    );
    const token = result.data?.sessionCreate.session?.accessToken;
    if (!token) throw new Error(`login failed for ${email}: ${JSON.stringify(result)}`);
    return token;
  };

  return {
    gateway,
    identity,
    labs,
    catalog,
    progress,
    ai,
    commerce,
    databases,
    dataDir,
    progressPubSub,
    graphql,
    login,
    startProgressReplica,
    startGateway: launchGateway,
    async close() {
      for (const close of closers.reverse()) await close();
      await commerce.close();
      await ai.close();
      await labs.close();
      await Promise.all([identity.close(), catalog.close(), progress.close()]);
      await Promise.all(pubsubs.map((pubsub) => pubsub.close()));
      await Promise.all(Object.values(databases).map((database) => database.dispose()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const demoAccount = (email: string) => {
  const account = DEMO_ACCOUNTS.find((candidate) => candidate.email === email);
  if (!account) throw new Error(`no demo account ${email}`);
  return account;
};

/** A port nothing listens on right now (the first gateway's, known before labs starts). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
  });
}
