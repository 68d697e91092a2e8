/**
 * Starts the catalog subgraph: opens the course store (MongoDB when MONGODB_URL is set, else the
 * embedded JSONB store on PostgreSQL or PGlite), the search index (Elasticsearch or in-process),
 * rebuilds the in-process index, seeds the demo catalog when asked, builds the course-access
 * checker (commerce, following `entitlement.changed`) that locks paid lessons, and serves GraphQL
 * plus the internal routes through the kit's server.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  ConfigError,
  accessCheckerFromConfig,
  createCache,
  createEventBus,
  createLogger,
  createTokenVerifier,
  loadSchemaFile,
  Metrics,
  openDatabase,
  startSubgraph,
  type AccessChecker,
  type Cache,
  type Database,
  type EventBus,
  type Logger,
  type RunningServer,
  type TokenVerifier,
} from '@learncraft/kit';
import type { CatalogConfig } from './config';
import type { CatalogContext } from './context';
import type { AuthoringContext } from './domain/authoring';
import { internalRoutes } from './internal';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { createSearchIndex, type CourseSearchIndex } from './search';
import { seedDemoCatalog } from './seed/seedDemoCatalog';
import { AuthoringService } from './services/authoring';
import { createCourseEvents } from './services/courseEvents';
import { CourseIndexer } from './services/indexing';
import type { CourseStore } from './stores/courseStore';
import { createEmbeddedCourseStore, migrateCatalog } from './stores/embedded';
import { createMongoCourseStore } from './stores/mongo';

export interface StartCatalogOptions {
  config: CatalogConfig;
  /** An open database for the embedded store (tests); ignored when MONGODB_URL is set. Not closed by the server. */
  db?: Database;
  verifier?: TokenVerifier;
  /** A search index to use instead of the configured one (tests). Not closed by the server. */
  searchIndex?: CourseSearchIndex;
  logger?: Logger;
  /** Ids and clock for authoring (tests). */
  authoringContext?: AuthoringContext;
  /** Where course events go (tests); otherwise Redis Streams (REDIS_URL) or HTTP push. Not closed. */
  eventBus?: EventBus;
  /** Otherwise commerce over COMMERCE_INTERNAL_URL (open when unset), cached in `cache`. */
  access?: AccessChecker;
  /** Otherwise Redis when REDIS_URL is set, else in memory. Not closed when injected. */
  cache?: Cache;
}

/** The consumer group that forgets cached course access on `entitlement.changed`. */
export const ACCESS_GROUP = 'catalog-access';

export interface RunningCatalog extends RunningServer {
  readonly courseStore: CourseStore;
  readonly searchIndex: CourseSearchIndex;
}

export async function startCatalogSubgraph(options: StartCatalogOptions): Promise<RunningCatalog> {
  const { config } = options;
  const logger = options.logger ?? createLogger('catalog', config.LOG_LEVEL);
  const cleanup: (() => Promise<void>)[] = [];
  // One set for the database and the server, so /metrics shows the queries each request runs.
  const metrics = new Metrics();
  try {
    const { store, db } = await openCourseStore(options, logger, cleanup, metrics);
    const searchIndex =
      options.searchIndex ?? (await createSearchIndex({ elasticsearchUrl: config.ELASTICSEARCH_URL }));
    if (!options.searchIndex) cleanup.push(() => searchIndex.close());
    const indexer = new CourseIndexer(searchIndex, logger.child('search'));

    // The in-process index lives only in memory: fill it from the store before serving.
    if (!config.ELASTICSEARCH_URL) await indexer.rebuild(store);
    if (config.SEED_DEMO) await seedDemoCatalog({ store, indexer, logger: logger.child('seed') });

    const events = options.eventBus ?? openEventBus(config, logger, cleanup);
    const access = options.access ?? openAccessChecker(options, logger, cleanup);
    const authoring = new AuthoringService(
      store,
      indexer,
      createCourseEvents(events, logger.child('events')),
      options.authoringContext ?? { newId: randomUUID, now: () => new Date() },
    );
    const verifier =
      options.verifier ??
      createTokenVerifier(
        config.JWT_PUBLIC_KEY
          ? { publicKeyPem: config.JWT_PUBLIC_KEY }
          : { jwksUrl: config.IDENTITY_JWKS_URL },
      );

    const running = await startSubgraph<CatalogContext>({
      name: 'catalog',
      typeDefs: loadSchemaFile(join(__dirname, 'schema.graphql')),
      resolvers,
      host: config.HOST,
      port: config.PORT,
      config,
      ready: () => store.ping(),
      backup: () => db?.snapshot() ?? Promise.resolve(null),
      verifier,
      logger,
      metrics,
      context: (base) => ({
        ...base,
        courses: store,
        search: searchIndex,
        authoring,
        access,
        loaders: createLoaders(store, access, base.viewer),
      }),
      routes: {
        ...events.routes(),
        ...internalRoutes({ store, authoring, secret: config.INTERNAL_API_SECRET }),
      },
      onClose: () => closeAll(cleanup),
    });
    const following = await access.follow(events, ACCESS_GROUP);
    // Closed in reverse order: the consumer stops before the bus and the server go.
    cleanup.push(() => following.stop());
    return Object.assign(running, { courseStore: store, searchIndex });
  } catch (error) {
    await closeAll(cleanup);
    throw error;
  }
}

function openEventBus(config: CatalogConfig, logger: Logger, cleanup: (() => Promise<void>)[]): EventBus {
  if (!config.REDIS_URL && config.EVENT_SUBSCRIBER_URLS.length > 0 && !config.INTERNAL_API_SECRET) {
    throw new ConfigError('INTERNAL_API_SECRET is required: catalog pushes events to EVENT_SUBSCRIBER_URLS.');
  }
  const bus = createEventBus({
    redisUrl: config.REDIS_URL,
    subscriberUrls: config.EVENT_SUBSCRIBER_URLS,
    secret: config.INTERNAL_API_SECRET,
    logger: logger.child('events'),
    service: 'catalog',
  });
  cleanup.push(() => bus.close());
  logger.info(
    config.REDIS_URL
      ? 'course events: Redis Streams'
      : `course events: HTTP push to ${config.EVENT_SUBSCRIBER_URLS.length} subscriber(s)`,
  );
  return bus;
}

function openAccessChecker(
  options: StartCatalogOptions,
  logger: Logger,
  cleanup: (() => Promise<void>)[],
): AccessChecker {
  const { config } = options;
  const cache = options.cache ?? createCache(config.REDIS_URL, 'learncraft:catalog:');
  if (!options.cache) cleanup.push(() => cache.close());
  return accessCheckerFromConfig(config, { cache, logger });
}

async function openCourseStore(
  options: StartCatalogOptions,
  logger: Logger,
  cleanup: (() => Promise<void>)[],
  metrics: Metrics,
): Promise<{ store: CourseStore; db: Database | null }> {
  const { config } = options;
  if (config.MONGODB_URL) {
    const store = await createMongoCourseStore({ url: config.MONGODB_URL });
    cleanup.push(() => store.close());
    logger.info('course store: MongoDB');
    return { store, db: null };
  }
  let db = options.db;
  if (!db) {
    db = await openDatabase({
      location: config.DATABASE_URL
        ? { url: config.DATABASE_URL }
        : { pgliteDir: join(config.DATA_DIR, 'catalog') },
      logger,
      metrics,
    });
    const opened = db;
    cleanup.push(() => opened.close());
  }
  await migrateCatalog(db, logger);
  logger.info(`course store: embedded documents on ${db.kind}`);
  return { store: createEmbeddedCourseStore(db), db };
}

/** Closes in reverse order of opening; every step runs even if an earlier one fails. */
async function closeAll(cleanup: (() => Promise<void>)[]): Promise<void> {
  for (const close of cleanup.splice(0).reverse()) await close().catch(() => undefined);
}
