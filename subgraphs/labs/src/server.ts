/**
 * Wires the labs subgraph: database (injected, PostgreSQL or PGlite) with migrations, the catalog
 * and progress clients, the course-access checker (commerce, following `entitlement.changed`),
 * the lab runtime, pub/sub, the terminal endpoint, the sweeper, and the kit's subgraph server. On start it reconciles the runtime's sandboxes with the sessions.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  accessCheckerFromConfig,
  createCache,
  createConsumerEventBus,
  createLogger,
  createPubSub,
  createTokenVerifier,
  databaseReady,
  loadSchemaFile,
  Metrics,
  migrate,
  openDatabase,
  secretFromDataDir,
  startSubgraph,
  type AccessChecker,
  type Cache,
  type Database,
  type EventBus,
  type EventConsumer,
  type Logger,
  type PubSub,
  type RunningServer,
  type TokenVerifier,
} from '@learncraft/kit';
import type { LabsConfig } from './config';
import { createContext, type LabsContext } from './context';
import { issueTerminalToken } from './domain/terminalToken';
import { internalRoutes } from './internal';
import { resolvers } from './resolvers';
import { createRuntime } from './runtime';
import type { LabRuntime } from './runtime/types';
import { LabService } from './services/labService';
import { createTerminalHub, type TerminalHub } from './services/terminals';
import { createHttpCatalogClient, type CatalogClient } from './stores/catalogClient';
import { createLabStore, type LabStore, type SessionRecord } from './stores/labStore';
import { createHttpProgressClient, type ProgressClient } from './stores/progressClient';

export const SUBGRAPH_NAME = 'labs';
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export const SCHEMA_PATH = join(__dirname, 'schema.graphql');
/** File in DATA_DIR holding the generated terminal-token secret when LAB_TERMINAL_SECRET is unset. */
export const TERMINAL_SECRET_FILE = 'lab-terminal-secret';
/** The consumer group that forgets cached course access on `entitlement.changed`. */
export const ACCESS_GROUP = 'labs-access';

export interface StartLabsOptions {
  config: LabsConfig;
  /** An open database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR, closed on close(). */
  db?: Database;
  verifier?: TokenVerifier;
  /** Otherwise Redis when REDIS_URL is set, else in memory; an injected one is not closed. */
  pubsub?: PubSub;
  /** An open runtime (tests); it is not closed. Otherwise one from `createRuntime`. */
  runtime?: LabRuntime;
  /** Makes the runtime this server owns (and closes); `createRuntime` from `./runtime` by default. */
  createRuntime?: (config: LabsConfig, logger: Logger) => LabRuntime | Promise<LabRuntime>;
  /** Otherwise the HTTP client over CATALOG_INTERNAL_URL (needs INTERNAL_API_SECRET). */
  catalog?: CatalogClient;
  /** Otherwise the HTTP client over PROGRESS_INTERNAL_URL (needs INTERNAL_API_SECRET). */
  progress?: ProgressClient;
  /** Otherwise Redis Streams when REDIS_URL is set, else HTTP push; an injected one is not closed. */
  events?: EventBus;
  /** Otherwise commerce over COMMERCE_INTERNAL_URL (open when unset), cached in `cache`. */
  access?: AccessChecker;
  /** Otherwise Redis when REDIS_URL is set, else in memory; an injected one is not closed. */
  cache?: Cache;
  logger?: Logger;
  /** The clock for expiry, warnings, tokens and timestamps; the system clock by default. */
  now?: () => Date;
}

export interface RunningLabsSubgraph extends RunningServer {
  readonly db: Database;
  readonly pubsub: PubSub;
  readonly store: LabStore;
  readonly labs: LabService;
  readonly terminals: TerminalHub;
  readonly runtime: LabRuntime;
  readonly nodeId: string;
}

export async function startLabsSubgraph(options: StartLabsOptions): Promise<RunningLabsSubgraph> {
  const { config } = options;
  const logger = options.logger ?? createLogger(SUBGRAPH_NAME, config.LOG_LEVEL);
  const catalog = options.catalog ?? httpCatalog(config, logger);
  const progress = options.progress ?? httpProgress(config, logger);
  const verifier =
    options.verifier ??
    createTokenVerifier(
      config.JWT_PUBLIC_KEY ? { publicKeyPem: config.JWT_PUBLIC_KEY } : { jwksUrl: config.IDENTITY_JWKS_URL },
    );
  const now = options.now ?? (() => new Date());
  const terminalSecret = secretFromDataDir(config.LAB_TERMINAL_SECRET, config.DATA_DIR, TERMINAL_SECRET_FILE);
  const runtime =
    options.runtime ?? (await (options.createRuntime ?? createRuntime)(config, logger.child('runtime')));
  const nodeId = config.LAB_NODE_ID ?? (runtime.kind === 'kubernetes' ? 'kubernetes' : `local:${hostname()}`);
  const metrics = new Metrics();
  const db =
    options.db ??
    (await openDatabase({
      location: config.DATABASE_URL
        ? { url: config.DATABASE_URL }
        : { pgliteDir: join(config.DATA_DIR, SUBGRAPH_NAME) },
      logger,
      metrics,
    }));
  const pubsub = options.pubsub ?? createPubSub(config.REDIS_URL);
  const cache = options.cache ?? createCache(config.REDIS_URL, 'learncraft:labs:');
  const events = options.events ?? createConsumerEventBus(config, SUBGRAPH_NAME, logger);
  const access = options.access ?? accessCheckerFromConfig(config, { cache, logger });
  let following: EventConsumer | null = null;
  const release = async () => {
    await following?.stop();
    if (!options.events) await events.close();
    if (!options.cache) await cache.close();
    if (!options.runtime) await runtime.close();
    if (!options.pubsub) await pubsub.close();
    if (!options.db) await db.close();
  };

  try {
    await migrate(db, SUBGRAPH_NAME, MIGRATIONS_DIR, logger);
    const store = createLabStore(db);
    const labs = new LabService({
      store,
      catalog,
      progress,
      access,
      runtime,
      pubsub,
      logger,
      metrics,
      now,
      nodeId,
      maxSandboxes: config.LAB_MAX_SANDBOXES,
      maxExtensions: config.LAB_MAX_EXTENSIONS,
      checkTimeoutMs: config.LAB_CHECK_TIMEOUT_MS,
    });
    const terminals = createTerminalHub({
      store,
      runtime,
      pubsub,
      logger: logger.child('terminal'),
      now,
      secret: terminalSecret,
      onActivity: (sessionId) => labs.touch(sessionId),
    });
    metrics.gauge('labs_terminals_open', () => terminals.openTotal());
    const terminalUrl = (session: SessionRecord) => {
      const url = new URL(config.LAB_TERMINAL_PUBLIC_URL);
      const { token } = issueTerminalToken(
        terminalSecret,
        { sessionId: session.id, userId: session.userId },
        now(),
      );
      url.searchParams.set('token', token);
      return url.toString();
    };
    // Sandboxes a previous process left behind are adopted or destroyed before anything else.
    await labs.reconcile({ restarted: runtime.kind === 'local' });
    const server = await startSubgraph<LabsContext>({
      name: SUBGRAPH_NAME,
      typeDefs: loadSchemaFile(SCHEMA_PATH),
      resolvers,
      host: config.HOST,
      port: config.PORT,
      config,
      ready: databaseReady(db),
      backup: () => db.snapshot(),
      verifier,
      logger,
      metrics,
      upgrades: { '/terminal': (req, socket, head) => terminals.handleUpgrade(req, socket, head) },
      routes: {
        ...events.routes(),
        ...internalRoutes({ store, catalog, terminals, secret: config.INTERNAL_API_SECRET }),
      },
      context: (base) => createContext(base, { store, labs, pubsub, logger, now, terminalUrl }),
      onClose: async () => {
        await labs.close();
        await terminals.close();
        await release();
      },
    });
    following = await access.follow(events, ACCESS_GROUP);
    labs.startSweeper(config.LAB_SWEEP_INTERVAL_MS);
    const closeServer = server.close.bind(server);
    return Object.assign(server, {
      db,
      pubsub,
      store,
      labs,
      terminals,
      runtime,
      nodeId,
      // Terminals first: the HTTP drain would otherwise drop their sockets without a close frame.
      close: async () => {
        await terminals.close();
        await closeServer();
      },
    });
  } catch (error) {
    await release();
    throw error;
  }
}

function internalSecret(config: LabsConfig, service: string): string {
  if (!config.INTERNAL_API_SECRET) {
    throw new ConfigError(`INTERNAL_API_SECRET is required: labs calls ${service}'s internal API.`);
  }
  return config.INTERNAL_API_SECRET;
}

function httpCatalog(config: LabsConfig, logger: Logger): CatalogClient {
  return createHttpCatalogClient({
    baseUrl: config.CATALOG_INTERNAL_URL,
    secret: internalSecret(config, 'catalog'),
    logger: logger.child('catalog'),
  });
}

function httpProgress(config: LabsConfig, logger: Logger): ProgressClient {
  return createHttpProgressClient({
    baseUrl: config.PROGRESS_INTERNAL_URL,
    secret: internalSecret(config, 'progress'),
    logger: logger.child('progress'),
  });
}
