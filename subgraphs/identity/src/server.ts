/**
 * Starts the identity subgraph: opens (or takes) the database, applies migrations, loads the
 * signing key, seeds demo accounts when asked, opens the sign-in rate limiter (Redis or memory),
 * and serves GraphQL plus the public JWKS.
 */
import { join } from 'node:path';
import type { JSONWebKeySet, JWK } from 'jose';
import {
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
  type Logger,
  type Metrics,
  type RateLimiter,
  type Role,
  type RunningServer,
  type TokenVerifier,
} from '@learncraft/kit';
import { AccountService } from './accounts';
import type { IdentityConfig } from './config';
import type { IdentityContext } from './context';
import {
  createAccessTokenSigner,
  loadOrCreateSigningKey,
  signingKeyFromPem,
  type AccessToken,
  type SignAccessTokenOptions,
  type SigningKey,
} from './keys';
import { createLoaders } from './loaders';
import { resolvers } from './resolvers';
import { seedDemoAccounts } from './seed';
import { createStores, type IdentityStores } from './stores';

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
  logger?: Logger;
  metrics?: Metrics;
  /** The clock for token issue and expiry decisions (tests move it). */
  now?: () => Date;
}

export interface RunningIdentitySubgraph extends RunningServer {
  readonly publicJwk: JWK;
  readonly publicKeyPem: string;
  readonly jwks: JSONWebKeySet;
  readonly stores: IdentityStores;
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
  const ownsRateLimiter = !options.rateLimiter;
  const db =
    options.db ??
    (await openDatabase({
      location: config.DATABASE_URL
        ? { url: config.DATABASE_URL }
        : { pgliteDir: join(config.DATA_DIR, 'identity') },
      metrics: options.metrics,
      logger,
    }));

  // Created inside the try, so a failed start closes what it opened.
  let rateLimiter: RateLimiter | undefined;
  const closeOwned = async () => {
    if (ownsRateLimiter) await rateLimiter?.close();
    if (ownsDb) await db.close();
  };

  try {
    await migrate(db, 'identity', IDENTITY_MIGRATIONS_DIR, logger);
    const key = options.signingKey ?? (await resolveSigningKey(config));
    const stores = createStores(db.drizzle);
    if (config.SEED_DEMO) await seedDemoAccounts(stores.users, { logger });

    const signAccessToken = createAccessTokenSigner(key, { ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
    rateLimiter = options.rateLimiter ?? createRateLimiter(config.REDIS_URL);
    const accounts = new AccountService({
      stores,
      signAccessToken,
      refreshTokenTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
      loginThrottle: {
        limiter: rateLimiter,
        rule: { limit: config.LOGIN_MAX_FAILURES, windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS },
      },
      now: options.now,
    });
    const server = await startSubgraph<IdentityContext>({
      name: 'identity',
      typeDefs: loadSchemaFile(join(__dirname, 'schema.graphql')),
      resolvers,
      host: config.HOST,
      port: config.PORT,
      config,
      ready: databaseReady(db),
      verifier: options.verifier ?? createTokenVerifier({ publicKeyPem: key.publicKeyPem }),
      logger,
      metrics: options.metrics,
      context: (base) => ({ ...base, stores, accounts, loaders: createLoaders(stores) }),
      routes: {
        [`GET ${JWKS_PATH}`]: (_req, res) =>
          sendJson(res, 200, key.jwks, { 'cache-control': 'public, max-age=300' }),
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
      issueAccessToken: signAccessToken,
    };
  } catch (error) {
    await closeOwned().catch(() => undefined);
    throw error;
  }
}

function resolveSigningKey(config: IdentityConfig): Promise<SigningKey> {
  return config.JWT_PRIVATE_KEY
    ? signingKeyFromPem(config.JWT_PRIVATE_KEY)
    : loadOrCreateSigningKey(config.DATA_DIR);
}
