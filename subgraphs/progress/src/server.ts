/**
 * Wires the progress subgraph: database (injected, PostgreSQL or PGlite) with migrations, the
 * catalog client, pub/sub, the token verifier, the course-access checker (commerce, following
 * `entitlement.changed`), and the kit's subgraph server with the internal routes the labs service
 * calls.
 */
import { join } from 'node:path';
import {
  ConfigError,
  accessCheckerFromConfig,
  createCache,
  createEventBus,
  createLogger,
  createOrganizationDirectory,
  createPubSub,
  createTokenVerifier,
  loadSchemaFile,
  Metrics,
  migrate,
  openDatabase,
  startSubgraph,
  databaseReady,
  type AccessChecker,
  type Cache,
  type Database,
  type EventBus,
  type Logger,
  type PubSub,
  type RunningServer,
  type TokenVerifier,
  type EventConsumer,
  type OrganizationDirectory,
} from '@learncraft/kit';
import { DEFAULT_COMMERCE_INTERNAL_URL, type ProgressConfig } from './config';
import { LEARNING_TOPIC } from './domain/learningEvents';
import { createContext, type ProgressContext, type ProgressStores } from './context';
import { internalRoutes } from './internal';
import { resolvers } from './resolvers';
import { OutboxRelay } from './services/outbox';
import { createHttpCatalogClient, type CatalogClient } from './stores/catalogClient';
import { createHttpSeatClient, type SeatClient } from './stores/commerceClient';
import { createOutboxStore } from './stores/outboxStore';
import { createProgressStore } from './stores/progressStore';

export const SUBGRAPH_NAME = 'progress';
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export const SCHEMA_PATH = join(__dirname, 'schema.graphql');
/** The consumer group that forgets cached course access on `entitlement.changed`. */
export const ACCESS_GROUP = 'progress-access';

export interface StartProgressOptions {
  config: ProgressConfig;
  /** An open database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR, closed on close(). */
  db?: Database;
  verifier?: TokenVerifier;
  /** Otherwise Redis when REDIS_URL is set, else in memory; an injected one is not closed. */
  pubsub?: PubSub;
  /** Otherwise the HTTP client over CATALOG_INTERNAL_URL (needs INTERNAL_API_SECRET). */
  catalog?: CatalogClient;
  /**
   * Otherwise Redis Streams when REDIS_URL is set, else HTTP push (learning events to
   * EVENT_SUBSCRIBER_URLS); an injected one is not closed. It carries both what progress consumes
   * (`entitlement.changed`) and what its outbox publishes (`progress.learning`).
   */
  events?: EventBus;
  /** Otherwise identity's internal route at IDENTITY_INTERNAL_URL. */
  organizations?: OrganizationDirectory;
  /** Otherwise commerce's seat route at COMMERCE_INTERNAL_URL (http://127.0.0.1:4006 when unset). */
  seats?: SeatClient;
  /** Otherwise commerce over COMMERCE_INTERNAL_URL (open when unset), cached in `cache`. */
  access?: AccessChecker;
  /** Otherwise Redis when REDIS_URL is set, else in memory; an injected one is not closed. */
  cache?: Cache;
  logger?: Logger;
  /** The clock for attempt cool-downs and timestamps; the system clock by default. */
  now?: () => Date;
}

export interface RunningProgressSubgraph extends RunningServer {
  readonly db: Database;
  readonly pubsub: PubSub;
  readonly stores: ProgressStores;
  /** The learning-events relay (tests drain it or look at its lease name). */
  readonly outbox: OutboxRelay;
}

export async function startProgressSubgraph(options: StartProgressOptions): Promise<RunningProgressSubgraph> {
  const { config } = options;
  const logger = options.logger ?? createLogger(SUBGRAPH_NAME, config.LOG_LEVEL);
  const catalog = options.catalog ?? httpCatalog(config, logger);
  const verifier =
    options.verifier ??
    createTokenVerifier(
      config.JWT_PUBLIC_KEY ? { publicKeyPem: config.JWT_PUBLIC_KEY } : { jwksUrl: config.IDENTITY_JWKS_URL },
    );
  const now = options.now ?? (() => new Date());
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
  const cache = options.cache ?? createCache(config.REDIS_URL, 'learncraft:progress:');
  const events =
    options.events ??
    createEventBus({
      redisUrl: config.REDIS_URL,
      subscriberUrls: [],
      subscribersByTopic: { [LEARNING_TOPIC]: config.EVENT_SUBSCRIBER_URLS },
      secret: config.INTERNAL_API_SECRET,
      logger: logger.child('events'),
      service: SUBGRAPH_NAME,
    });
  const access = options.access ?? accessCheckerFromConfig(config, { cache, logger });
  const organizations = options.organizations ?? directory(config, logger);
  const seats = options.seats ?? seatClient(config, logger);
  let kick = () => {};
  const outboxStore = createOutboxStore(db);
  const relay = new OutboxRelay({
    store: outboxStore,
    events,
    logger: logger.child('outbox'),
    intervalMs: config.OUTBOX_INTERVAL_MS,
    retryBaseMs: config.OUTBOX_RETRY_BASE_MS,
    retryMaxMs: config.OUTBOX_RETRY_MAX_MS,
  });
  let following: EventConsumer | null = null;
  const release = async () => {
    await relay.stop();
    await following?.stop();
    if (!options.events) await events.close();
    if (!options.cache) await cache.close();
    if (!options.pubsub) await pubsub.close();
    if (!options.db) await db.close();
  };

  try {
    await migrate(db, SUBGRAPH_NAME, MIGRATIONS_DIR, logger);
    const progress = createProgressStore(db, { afterOutboxCommit: () => kick() });
    const stores: ProgressStores = { progress, catalog, organizations, seats };
    const server = await startSubgraph<ProgressContext>({
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
      context: (base) => createContext(base, { stores, pubsub, access, logger, now }),
      routes: {
        ...events.routes(),
        ...internalRoutes({ stores, pubsub, logger, now, secret: config.INTERNAL_API_SECRET }),
      },
      onClose: release,
    });
    following = await access.follow(events, ACCESS_GROUP);
    kick = () => relay.kick();
    relay.start();
    return Object.assign(server, { db, pubsub, stores, outbox: relay });
  } catch (error) {
    await release();
    throw error;
  }
}

function httpCatalog(config: ProgressConfig, logger: Logger): CatalogClient {
  if (!config.INTERNAL_API_SECRET) {
    throw new ConfigError(
      "INTERNAL_API_SECRET is required: progress reads courses from catalog's internal API.",
    );
  }
  return createHttpCatalogClient({
    baseUrl: config.CATALOG_INTERNAL_URL,
    secret: config.INTERNAL_API_SECRET,
    logger: logger.child('catalog'),
  });
}

function internalSecret(config: ProgressConfig, needs: string): string {
  if (!config.INTERNAL_API_SECRET) {
    throw new ConfigError(`INTERNAL_API_SECRET is required: progress ${needs}.`);
  }
  return config.INTERNAL_API_SECRET;
}

function directory(config: ProgressConfig, logger: Logger): OrganizationDirectory {
  return createOrganizationDirectory({
    service: 'identity',
    baseUrl: config.IDENTITY_INTERNAL_URL,
    secret: internalSecret(config, "reads organization members from identity's internal API"),
    logger: logger.child('identity'),
  });
}

function seatClient(config: ProgressConfig, logger: Logger): SeatClient {
  return createHttpSeatClient({
    baseUrl: config.COMMERCE_INTERNAL_URL ?? DEFAULT_COMMERCE_INTERNAL_URL,
    secret: internalSecret(config, "assigns organization seats through commerce's internal API"),
    logger: logger.child('commerce'),
  });
}
