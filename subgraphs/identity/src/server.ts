/**
 * Starts the identity subgraph: opens (or takes) the database, applies migrations, loads the
 * signing key, seeds demo accounts when asked, opens the sign-in rate limiter (Redis or memory)
 * and the mailer (SMTP or files), and serves GraphQL, the public JWKS and the internal routes
 * (revoked sessions and keys, users, organization members, the API key exchange); and
 * organizations' webhooks (progress's learning events in, signed deliveries out).
 */
import { join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import {
  createConsumerEventBus,
  createLogger,
  createRateLimiter,
  createTokenVerifier,
  loadSchemaFile,
  migrate,
  openDatabase,
  sendJson,
  startSubgraph,
  databaseReady,
  type Database,
  type EventBus,
  type Logger,
  Metrics,
  type RateLimiter,
  type Role,
  type RunningServer,
  type TokenVerifier,
} from '@learncraft/kit';
import { AccountService } from './services/accounts';
import { ApiKeyService } from './services/apiKeys';
import type { IdentityConfig } from './config';
import type { IdentityContext } from './context';
import { DEFAULT_PASSWORD_RESET_LIMITS, type LoginLimits } from './domain/loginLimits';
import { internalRoutes } from './internal';
import {
  createAccessTokenSigner,
  createApiKeyTokenSigner,
  loadOrCreateSigningKey,
  refreshSuccessorSecret,
  signingKeyFromPem,
  type AccessToken,
  type SignAccessTokenOptions,
  type SigningKey,
} from './keys';
import { createLoaders } from './loaders';
import { createMailer, type Mailer } from './mail';
import { OrganizationService } from './services/organizations';
import { PasswordResetService } from './services/passwordResets';
import { resolvers } from './resolvers';
import { seedDemoAccounts, seedDemoOrganization } from './seed';
import { createStores, type IdentityStores } from './stores';
import { createWebhookRequest } from './resolvers/webhooks';
import {
  organizationAccessOf,
  startWebhooks,
  type HostResolver,
  type RunningWebhooks,
} from './services/webhooks';

export const IDENTITY_MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export const JWKS_PATH = '/.well-known/jwks.json';

export interface IdentitySubgraphOptions {
  config: IdentityConfig;
  /** An open database (tests); otherwise DATABASE_URL or PGlite under DATA_DIR is opened and owned. */
  db?: Database;
  /** Verifies incoming access tokens; defaults to this subgraph's own public key. */
  verifier?: TokenVerifier;
  /** Overrides JWT_PRIVATE_KEY and the key file (tests). */
  signingKey?: SigningKey;
  /** Counts failed sign-ins (tests); otherwise Redis when REDIS_URL is set, else memory. Not closed here. */
  rateLimiter?: RateLimiter;
  /** Sends password-reset mail (tests); otherwise SMTP when SMTP_URL is set, else files under DATA_DIR. */
  mailer?: Mailer;
  logger?: Logger;
  metrics?: Metrics;
  /** The clock for token issue and expiry decisions (tests move it). */
  now?: () => Date;
  /** Where progress's learning events arrive (tests); otherwise Redis Streams or HTTP push. Not closed. */
  events?: EventBus;
  /** DNS for the webhook SSRF checks (tests). */
  resolveHost?: HostResolver;
  /** Whether the webhook dispatcher polls (default true; tests drive it). */
  webhookDispatch?: boolean;
}

export interface RunningIdentitySubgraph extends RunningServer {
  readonly publicJwk: JWK;
  readonly publicKeyPem: string;
  readonly jwks: JSONWebKeySet;
  readonly stores: IdentityStores;
  readonly webhooks: RunningWebhooks;
  /** Resolves once every password-reset mail in flight has been handed to the mailer. */
  mailIdle(): Promise<void>;
  /** Mints an access token exactly as sign-in does (for tests of this and other subgraphs). */
  issueAccessToken(
    userId: string,
    roles: readonly Role[],
    options?: SignAccessTokenOptions,
  ): Promise<AccessToken>;
}

export async function startIdentitySubgraph(
  options: IdentitySubgraphOptions,
): Promise<RunningIdentitySubgraph> {
  const { config } = options;
  const logger = options.logger ?? createLogger('identity', config.LOG_LEVEL);
  const ownsDb = !options.db;
  // One set for the database and the server, so /metrics shows the queries it runs.
  const metrics = options.metrics ?? new Metrics();
  const ownsRateLimiter = !options.rateLimiter;
  const db =
    options.db ??
    (await openDatabase({
      location: config.DATABASE_URL
        ? { url: config.DATABASE_URL }
        : { pgliteDir: join(config.DATA_DIR, 'identity') },
      metrics,
      logger,
    }));

  // Created inside the try, so a failed start closes what it opened.
  let rateLimiter: RateLimiter | undefined;
  let passwordResets: PasswordResetService | undefined;
  let webhooks: RunningWebhooks | undefined;
  const events = options.events ?? createConsumerEventBus(config, 'identity', logger);
  const mailer =
    options.mailer ??
    createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, dataDir: config.DATA_DIR, logger });
  const closeOwned = async () => {
    await passwordResets?.idle();
    await webhooks?.close();
    if (!options.events) await events.close();
    if (!options.mailer) await mailer.close();
    if (ownsRateLimiter) await rateLimiter?.close();
    if (ownsDb) await db.close();
  };

  try {
    await migrate(db, 'identity', IDENTITY_MIGRATIONS_DIR, logger);
    const key = options.signingKey ?? (await resolveSigningKey(config));
    const stores = createStores(db.drizzle);
    if (config.SEED_DEMO) {
      await seedDemoAccounts(stores.users, { logger });
      await seedDemoOrganization(stores, { logger });
    }

    const signAccessToken = createAccessTokenSigner(key, { ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
    rateLimiter = options.rateLimiter ?? createRateLimiter(config.REDIS_URL);
    const now = options.now ?? (() => new Date());
    const accounts = new AccountService({
      stores,
      signAccessToken,
      refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
      refreshSuccessorSecret: refreshSuccessorSecret(key),
      refreshGraceSeconds: config.REFRESH_GRACE_SECONDS,
      loginThrottle: { limiter: rateLimiter, limits: loginLimits(config) },
      now,
    });
    passwordResets = new PasswordResetService({
      stores,
      mailer,
      limiter: rateLimiter,
      limits: DEFAULT_PASSWORD_RESET_LIMITS,
      ttlMinutes: config.PASSWORD_RESET_TTL_MINUTES,
      webAppUrl: config.WEB_APP_URL,
      logger,
      now,
    });
    const resets = passwordResets;
    const organizations = new OrganizationService({
      stores,
      mailer,
      webAppUrl: config.WEB_APP_URL,
      logger,
      now,
    });
    const apiKeys = new ApiKeyService({
      stores,
      signApiKeyToken: createApiKeyTokenSigner(key, { ttlSeconds: config.API_KEY_TOKEN_TTL_SECONDS }),
      tokenTtlSeconds: config.API_KEY_TOKEN_TTL_SECONDS,
      now,
    });
    const running = await startWebhooks({
      config,
      db,
      users: stores.users,
      organizations: organizationAccessOf(stores.organizations),
      secretKeyMaterial: config.WEBHOOK_SECRET_KEY ?? key.privateKey,
      events,
      logger: logger.child('webhooks'),
      now,
      resolve: options.resolveHost,
      dispatch: options.webhookDispatch,
    });
    webhooks = running;
    const server = await startSubgraph<IdentityContext>({
      name: 'identity',
      typeDefs: loadSchemaFile(join(__dirname, 'schema.graphql')),
      resolvers,
      host: config.HOST,
      port: config.PORT,
      config,
      ready: databaseReady(db),
      backup: () => db.snapshot(),
      verifier: options.verifier ?? createTokenVerifier({ publicKeyPem: key.publicKeyPem }),
      logger,
      metrics,
      context: (base) => ({
        ...base,
        stores,
        accounts,
        passwordResets: resets,
        organizations,
        apiKeys,
        loaders: createLoaders(stores),
        webhooks: createWebhookRequest(running.service),
      }),
      routes: {
        [`GET ${JWKS_PATH}`]: (_req, res) =>
          sendJson(res, 200, key.jwks, { 'cache-control': 'public, max-age=300' }),
        ...internalRoutes({
          sessions: stores.sessions,
          users: stores.users,
          organizations: stores.organizations,
          apiKeys: stores.apiKeys,
          apiKeyService: apiKeys,
          secret: config.INTERNAL_API_SECRET,
          accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
          now,
        }),
        ...events.routes(),
      },
      onClose: closeOwned,
    });

    return {
      get url() {
        return server.url;
      },
      get port() {
        return server.port;
      },
      get metrics() {
        return server.metrics;
      },
      close: () => server.close(),
      publicJwk: key.publicJwk,
      publicKeyPem: key.publicKeyPem,
      jwks: key.jwks,
      stores,
      webhooks: running,
      mailIdle: () => resets.idle(),
      issueAccessToken: signAccessToken,
    };
  } catch (error) {
    await closeOwned().catch(() => undefined);
    throw error;
  }
}

function loginLimits(config: IdentityConfig): LoginLimits {
  return {
    pair: {
      freeAttempts: config.LOGIN_FREE_FAILURES,
      baseSeconds: config.LOGIN_BACKOFF_BASE_SECONDS,
      maxSeconds: Math.max(config.LOGIN_BACKOFF_BASE_SECONDS, config.LOGIN_BACKOFF_MAX_SECONDS),
      forgetSeconds: 86_400,
    },
    address: { limit: config.LOGIN_ADDRESS_MAX_FAILURES, windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS },
    email: { limit: config.LOGIN_EMAIL_MAX_FAILURES, windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS },
  };
}

function resolveSigningKey(config: IdentityConfig): Promise<SigningKey> {
  return config.JWT_PRIVATE_KEY
    ? signingKeyFromPem(config.JWT_PRIVATE_KEY)
    : loadOrCreateSigningKey(config.DATA_DIR);
}
