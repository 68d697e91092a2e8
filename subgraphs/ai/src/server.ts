/**
 * Wires the ai subgraph: database (injected, PostgreSQL or PGlite) with migrations, the catalog,
 * progress and labs clients, the embedder and vector store behind the retriever, the tutor model
 * (an OpenAI-compatible endpoint, or the offline tutor), pub/sub and cache for reply streams, rate
 * limits, the course-change consumer that keeps the index current, the course-access checker
 * (commerce, following `entitlement.changed`), and the kit's subgraph server.
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
  createRateLimiter,
  createTokenVerifier,
  databaseReady,
  loadSchemaFile,
  Metrics,
  migrate,
  openDatabase,
  startSubgraph,
  type AccessChecker,
  type Cache,
  type Database,
  type EventBus,
  type EventConsumer,
  type Logger,
  type PubSub,
  type RateLimiter,
  type RunningServer,
  type TokenVerifier,
} from '@learncraft/kit';
import type { AiConfig } from './config';
import { createContext, type AiContext } from './context';
import { createLexicalEmbedder } from './domain/lexical';
import { createOfflineModel } from './providers/offline';
import { createOpenAiEmbedder, createOpenAiModel } from './providers/openai';
import { pacedModel } from './providers/paced';
import type { Embedder, TutorModel } from './providers/types';
import { resolvers } from './resolvers';
import { CourseContents } from './services/courseContents';
import { Indexer } from './services/indexer';
import { InstructorTools } from './services/instructorTools';
import { ReplyStreams } from './services/replyStreams';
import { Retriever } from './services/retriever';
import { TutorService } from './services/tutorService';
import { UsageGate } from './services/usage';
import { createHttpCatalogClient, type CatalogClient } from './stores/catalogClient';
import { createHttpLabsClient, type LabsClient } from './stores/labsClient';
import { createMemoryVectorStore } from './stores/memoryVectorStore';
import { createHttpProgressClient, type ProgressClient } from './stores/progressClient';
import { createQdrantVectorStore } from './stores/qdrantVectorStore';
import { createTutorStore, type TutorStore } from './stores/tutorStore';
import type { VectorStore } from './stores/vectorStore';

export const SUBGRAPH_NAME = 'ai';
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export const SCHEMA_PATH = join(__dirname, 'schema.graphql');
/** The consumer group that forgets cached course access on `entitlement.changed`. */
export const ACCESS_GROUP = 'ai-access';

export interface StartAiOptions {
  config: AiConfig;
  /** An open database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR, closed on close(). */
  db?: Database;
  verifier?: TokenVerifier;
  /** Injected ones are not closed. Otherwise Redis when REDIS_URL is set, else in memory. */
  pubsub?: PubSub;
  cache?: Cache;
  limiter?: RateLimiter;
  events?: EventBus;
  /** Otherwise the HTTP clients over the *_INTERNAL_URL variables (need INTERNAL_API_SECRET). */
  catalog?: CatalogClient;
  progress?: ProgressClient;
  labs?: LabsClient;
  /** Otherwise commerce over COMMERCE_INTERNAL_URL (open when unset), cached in `cache`. */
  access?: AccessChecker;
  /** Otherwise from OPENAI_* (an OpenAI-compatible endpoint), else the offline tutor. */
  model?: TutorModel;
  embedder?: Embedder;
  /** Otherwise Qdrant when QDRANT_URL is set, else the in-process index under DATA_DIR; closed on close(). */
  vectorStore?: VectorStore;
  logger?: Logger;
  now?: () => Date;
}

export interface RunningAiSubgraph extends RunningServer {
  readonly db: Database;
  readonly store: TutorStore;
  readonly tutor: TutorService;
  readonly indexer: Indexer;
  readonly retriever: Retriever;
  readonly model: TutorModel;
}

export async function startAiSubgraph(options: StartAiOptions): Promise<RunningAiSubgraph> {
  const { config } = options;
  const logger = options.logger ?? createLogger(SUBGRAPH_NAME, config.LOG_LEVEL);
  const now = options.now ?? (() => new Date());
  const secret = () => {
    if (!config.INTERNAL_API_SECRET) {
      throw new ConfigError(
        'INTERNAL_API_SECRET is required: ai calls the catalog, progress and labs internal APIs.',
      );
    }
    return config.INTERNAL_API_SECRET;
  };
  const catalog =
    options.catalog ??
    createHttpCatalogClient({
      baseUrl: config.CATALOG_INTERNAL_URL,
      secret: secret(),
      logger: logger.child('catalog'),
    });
  const progress =
    options.progress ??
    createHttpProgressClient({
      baseUrl: config.PROGRESS_INTERNAL_URL,
      secret: secret(),
      logger: logger.child('progress'),
    });
  const labs =
    options.labs ??
    createHttpLabsClient({
      baseUrl: config.LABS_INTERNAL_URL,
      secret: secret(),
      logger: logger.child('labs'),
    });
  const verifier =
    options.verifier ??
    createTokenVerifier(
      config.JWT_PUBLIC_KEY ? { publicKeyPem: config.JWT_PUBLIC_KEY } : { jwksUrl: config.IDENTITY_JWKS_URL },
    );
  const model = options.model ?? createModel(config, logger.child('model'));
  const embedder = options.embedder ?? createEmbedder(config);
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
  const cache = options.cache ?? createCache(config.REDIS_URL, 'learncraft:ai:');
  const limiter = options.limiter ?? createRateLimiter(config.REDIS_URL, 'learncraft:ai:limits:');
  const events = options.events ?? createConsumerEventBus(config, SUBGRAPH_NAME, logger);
  const access = options.access ?? accessCheckerFromConfig(config, { cache, logger });
  let following: EventConsumer | null = null;
  let vectorStore: VectorStore | null = options.vectorStore ?? null;
  const release = async () => {
    await following?.stop();
    if (!options.vectorStore) await vectorStore?.close();
    if (!options.events) await events.close();
    if (!options.limiter) await limiter.close();
    if (!options.cache) await cache.close();
    if (!options.pubsub) await pubsub.close();
    if (!options.db) await db.close();
  };

  try {
    await migrate(db, SUBGRAPH_NAME, MIGRATIONS_DIR, logger);
    vectorStore ??= config.QDRANT_URL
      ? createQdrantVectorStore({
          url: config.QDRANT_URL,
          apiKey: config.QDRANT_API_KEY,
          collection: config.QDRANT_COLLECTION,
        })
      : await createMemoryVectorStore({ directory: join(config.DATA_DIR, SUBGRAPH_NAME, 'vectors') });
    const store = createTutorStore(db);
    const retriever = new Retriever({ store: vectorStore, embedder, logger: logger.child('retrieval') });
    await retriever.open();
    const contents = new CourseContents(catalog);
    const streams = new ReplyStreams({ pubsub, cache });
    const usage = new UsageGate(
      limiter,
      { requestsPerMinute: config.AI_REQUESTS_PER_MINUTE, dailyTokenBudget: config.AI_DAILY_TOKEN_BUDGET },
      now,
    );
    const tutor = new TutorService({
      store,
      retriever,
      model,
      progress,
      labs,
      access,
      contents,
      streams,
      usage,
      cache,
      logger: logger.child('tutor'),
      metrics,
      now,
      writerId: config.AI_NODE_ID ?? `${hostname()}:${config.PORT}`,
      limits: {
        historyTokenBudget: config.AI_HISTORY_TOKEN_BUDGET,
        answerCacheSeconds: config.AI_ANSWER_CACHE_SECONDS,
        providerTimeoutMs: config.AI_PROVIDER_TIMEOUT_MS,
      },
    });
    const instructor = new InstructorTools({
      store,
      model,
      catalog,
      contents,
      usage,
      logger: logger.child('authoring'),
      now,
      modelTimeoutMs: config.REQUEST_TIMEOUT_MS - 2_000,
    });
    const indexer = new Indexer({ catalog, retriever, contents, logger: logger.child('index'), metrics });
    metrics.gauge('ai_index_ready', () => (indexer.ready ? 1 : 0));
    await tutor.recover();
    const server = await startSubgraph<AiContext>({
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
      routes: events.routes(),
      context: (base) => createContext(base, { store, tutor, instructor, streams, logger, access }),
      onClose: async () => {
        await indexer.stop();
        await tutor.close();
        await release();
      },
    });
    await indexer.start(events);
    following = await access.follow(events, ACCESS_GROUP);
    logger.info(
      `tutor: ${model.offline ? 'offline (retrieval only, no language model)' : `model ${model.model}`}; embeddings ${embedder.id}; vectors ${config.QDRANT_URL ? 'Qdrant' : 'in-process'}`,
    );
    return Object.assign(server, { db, store, tutor, indexer, retriever, model });
  } catch (error) {
    await release();
    throw error;
  }
}

function createModel(config: AiConfig, logger: Logger): TutorModel {
  if (!config.OPENAI_BASE_URL) return pacedModel(createOfflineModel(), config.AI_OFFLINE_PACE_MS);
  return createOpenAiModel({
    baseUrl: config.OPENAI_BASE_URL,
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    chatModel: config.OPENAI_CHAT_MODEL,
    timeoutMs: config.AI_PROVIDER_TIMEOUT_MS,
    maxOutputTokens: config.AI_MAX_OUTPUT_TOKENS,
    logger,
  });
}

function createEmbedder(config: AiConfig): Embedder {
  if (!config.OPENAI_BASE_URL || !config.OPENAI_EMBEDDING_MODEL) return createLexicalEmbedder();
  return createOpenAiEmbedder({
    baseUrl: config.OPENAI_BASE_URL,
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    model: config.OPENAI_EMBEDDING_MODEL,
    dimensions: config.OPENAI_EMBEDDING_DIMENSIONS,
    timeoutMs: config.AI_PROVIDER_TIMEOUT_MS,
    batchSize: 64,
  });
}
