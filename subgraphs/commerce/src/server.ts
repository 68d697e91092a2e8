/**
 * Wires the commerce subgraph: database (injected, PostgreSQL or PGlite) with migrations, the
 * catalog and progress clients, the payment provider (the built-in test provider, or Stripe), the
 * event bus behind the outbox relay, the services, the sweeps, the internal course-access route,
 * the Stripe webhook route, the seed, and the kit's subgraph server.
 */
import { join } from 'node:path';
import {
  ConfigError,
  createEventBus,
  ENTITLEMENT_CHANGED,
  createLogger,
  createOrganizationDirectory,
  createTokenVerifier,
  databaseReady,
  loadSchemaFile,
  Metrics,
  migrate,
  openDatabase,
  SECRET_FILES,
  secretFromDataDir,
  startSubgraph,
  type Database,
  type EventBus,
  type Logger,
  type OrganizationDirectory,
  type RunningServer,
  type TokenVerifier,
} from '@learncraft/kit';
import type { CommerceConfig } from './config';
import { createContext, type CommerceContext } from './context';
import { internalRoutes } from './internal';
import { createStripePaymentProvider } from './providers/stripe';
import { createTestPaymentProvider } from './providers/testProvider';
import type { PaymentProvider } from './providers/types';
import { resolvers } from './resolvers';
import { seedDemoCoupon, seedDemoPrices, seedPlans } from './seed';
import { AccessService } from './services/access';
import { CheckoutService } from './services/checkout';
import { CouponService } from './services/coupons';
import { OutboxRelay } from './services/outbox';
import { PaymentService } from './services/payments';
import { RefundService } from './services/refunds';
import { SeatService } from './services/seats';
import { Sweeper } from './services/subscriptions';
import { createHttpCatalogClient, type CatalogClient } from './stores/catalogClient';
import { createCommerceStore, type CommerceStore } from './stores/commerceStore';
import { createHttpIdentityClient, type IdentityClient } from './stores/identityClient';
import { createHttpProgressClient, type ProgressClient } from './stores/progressClient';
import { webhookRoutes } from './webhooks';

export const SUBGRAPH_NAME = 'commerce';
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export const SCHEMA_PATH = join(__dirname, 'schema.graphql');

export interface StartCommerceOptions {
  config: CommerceConfig;
  /** An open database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR, closed on close(). */
  db?: Database;
  verifier?: TokenVerifier;
  logger?: Logger;
  /** Otherwise from PAYMENT_PROVIDER: the built-in test provider, or Stripe. */
  provider?: PaymentProvider;
  /** Otherwise the HTTP clients over the *_INTERNAL_URL variables (need INTERNAL_API_SECRET). */
  catalog?: CatalogClient;
  progress?: ProgressClient;
  identity?: IdentityClient;
  /** identity's organizations; otherwise over IDENTITY_INTERNAL_URL (contract 1 of issue 12). */
  directory?: OrganizationDirectory;
  /** Injected ones are not closed. Otherwise Redis Streams when REDIS_URL is set, else HTTP push. */
  events?: EventBus;
  now?: () => Date;
  /** How often PENDING orders and ended subscriptions are swept (default one minute). */
  sweepIntervalMs?: number;
  /** How often the outbox relay looks for unpublished events without a kick (default 1 s). */
  relayIntervalMs?: number;
}

export interface RunningCommerceSubgraph extends RunningServer {
  readonly db: Database;
  readonly store: CommerceStore;
  readonly outbox: OutboxRelay;
  readonly sweeper: Sweeper;
  readonly payments: PaymentService;
  readonly provider: PaymentProvider;
  /** Resolves once the demo prices are seeded (at once without SEED_DEMO). */
  readonly seeded: Promise<void>;
}

export async function startCommerceSubgraph(options: StartCommerceOptions): Promise<RunningCommerceSubgraph> {
  const { config } = options;
  const logger = options.logger ?? createLogger(SUBGRAPH_NAME, config.LOG_LEVEL);
  const now = options.now ?? (() => new Date());
  const secret = () => {
    if (!config.INTERNAL_API_SECRET) {
      throw new ConfigError(
        'INTERNAL_API_SECRET is required: commerce calls the catalog and progress internal APIs.',
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
  const identity =
    options.identity ??
    createHttpIdentityClient({
      baseUrl: config.IDENTITY_INTERNAL_URL,
      secret: secret(),
      logger: logger.child('identity'),
    });
  const directory =
    options.directory ??
    createOrganizationDirectory({
      service: 'identity',
      baseUrl: config.IDENTITY_INTERNAL_URL,
      secret: secret(),
      logger: logger.child('organizations'),
    });
  const provider = options.provider ?? createProvider(config, now);
  const verifier =
    options.verifier ??
    createTokenVerifier(
      config.JWT_PUBLIC_KEY ? { publicKeyPem: config.JWT_PUBLIC_KEY } : { jwksUrl: config.IDENTITY_JWKS_URL },
    );
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
  const events =
    options.events ??
    createEventBus({
      redisUrl: config.REDIS_URL,
      // Without Redis, entitlement changes are pushed to the subgraphs that enforce access; the
      // order events have no HTTP consumer yet (Redis Streams keep them for future consumers).
      subscriberUrls: [],
      subscribersByTopic: { [ENTITLEMENT_CHANGED]: config.EVENT_SUBSCRIBER_URLS },
      secret: config.INTERNAL_API_SECRET,
      logger: logger.child('events'),
      service: SUBGRAPH_NAME,
    });
  const store = createCommerceStore(db);
  const relay = new OutboxRelay({
    store,
    events,
    logger: logger.child('outbox'),
    intervalMs: options.relayIntervalMs,
  });
  const sweeper = new Sweeper({
    store,
    relay,
    provider,
    logger: logger.child('sweep'),
    now,
    intervalMs: options.sweepIntervalMs ?? 60_000,
  });
  let stopSeeding = () => {};
  const release = async () => {
    stopSeeding();
    await sweeper.stop();
    await relay.stop();
    if (!options.events) await events.close();
    if (!options.db) await db.close();
  };

  try {
    await migrate(db, SUBGRAPH_NAME, MIGRATIONS_DIR, logger);
    await seedPlans(store, now());
    if (config.SEED_DEMO) await seedDemoCoupon(store, now());
    const access = new AccessService({ store, courses: (ids) => catalog.courses(ids), directory, now });
    const seats = new SeatService({ store, directory, relay, now });
    const payments = new PaymentService({
      store,
      relay,
      provider,
      instructorSharePercent: config.INSTRUCTOR_REVENUE_SHARE_PERCENT,
      logger: logger.child('payments'),
      now,
    });
    const checkout = new CheckoutService({
      store,
      provider,
      payments,
      identity,
      logger: logger.child('checkout'),
      now,
      checkoutExpiryMinutes: config.CHECKOUT_EXPIRY_MINUTES,
      webAppOrigin: new URL(config.WEB_APP_URL).origin,
      directory,
    });
    const refunds = new RefundService({
      store,
      provider,
      progress,
      relay,
      policy: {
        windowDays: config.REFUND_WINDOW_DAYS,
        maxCompletionPercent: config.REFUND_MAX_COMPLETION_PERCENT,
      },
      logger: logger.child('refunds'),
      now,
    });
    const coupons = new CouponService({ store, now });
    const services = { store, catalog, access, checkout, refunds, coupons, seats, directory, logger, now };
    const server = await startSubgraph<CommerceContext>({
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
      routes: {
        ...events.routes(),
        ...internalRoutes({
          access,
          seats,
          secret: config.INTERNAL_API_SECRET,
          logger: logger.child('internal'),
        }),
        ...webhookRoutes({
          provider,
          payments,
          gatewaySecret: secretFromDataDir(config.GATEWAY_SECRET, config.DATA_DIR, SECRET_FILES.gateway),
          logger: logger.child('webhooks'),
          now,
        }),
      },
      context: (base) => createContext(base, services),
      onClose: release,
    });
    relay.start();
    sweeper.start();
    let seeded = Promise.resolve();
    if (config.SEED_DEMO) {
      const seeding = seedDemoPrices({ store, catalog, logger: logger.child('seed'), now });
      stopSeeding = () => seeding.stop();
      seeded = seeding.done;
    }
    logger.info(`payments: ${provider.kind === 'STRIPE' ? 'Stripe' : 'built-in test provider'}`);
    return Object.assign(server, { db, store, outbox: relay, sweeper, payments, provider, seeded });
  } catch (error) {
    await release();
    throw error;
  }
}

function createProvider(config: CommerceConfig, now: () => Date): PaymentProvider {
  if (config.PAYMENT_PROVIDER === 'test') return createTestPaymentProvider();
  if (!config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET) {
    throw new ConfigError(
      'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are required with PAYMENT_PROVIDER=stripe.',
    );
  }
  return createStripePaymentProvider({
    secretKey: config.STRIPE_SECRET_KEY,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    apiUrl: config.STRIPE_API_URL,
    checkoutExpiryMinutes: config.CHECKOUT_EXPIRY_MINUTES,
    now,
  });
}
