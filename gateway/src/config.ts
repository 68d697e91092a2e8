/**
 * The gateway's configuration, parsed once from the environment at boot. Nothing else in this
 * package reads `process.env`.
 */
import path from 'node:path';
import { z } from 'zod';
import {
  ConfigError,
  DEFAULT_OPERATION_LIMITS,
  logLevel,
  optionalUrl,
  parseConfig,
  port,
} from '@learncraft/kit';

/** The checked-in supergraph, resolved from this file so the gateway starts from any directory. */
export const DEFAULT_SUPERGRAPH_PATH = path.resolve(__dirname, '../../schema/supergraph.graphql');

/** The built web app, served at `/` when it exists (`npm run build -w @learncraft/web`). */
export const DEFAULT_WEB_DIST_DIR = path.resolve(__dirname, '../../clients/web/dist');

/** The public API schema partners see, rendered into the docs and served at `/docs/schema.graphql`. */
export const DEFAULT_API_SCHEMA_PATH = path.resolve(__dirname, '../../schema/api.graphql');

/** The first-party clients' persisted-documents manifest (clients/operations codegen). */
export const DEFAULT_PERSISTED_DOCUMENTS_PATH = path.resolve(
  __dirname,
  '../../clients/operations/src/generated/persisted-documents.json',
);

/** The hand-written partner guides (Markdown) rendered into `/docs`. */
export const DEFAULT_PARTNER_DOCS_DIR = path.resolve(__dirname, '../../docs/partners');

const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** Env files often carry PEMs on one line with literal `\n`; those become real newlines again. */
const publicKeyPem = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.replace(/\\n/g, '\n').trim() : undefined));

export const gatewayConfigSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port(4000),
  SUPERGRAPH_PATH: z.string().default(DEFAULT_SUPERGRAPH_PATH),
  WEB_DIST_DIR: z.string().default(DEFAULT_WEB_DIST_DIR),
  API_SCHEMA_PATH: z.string().default(DEFAULT_API_SCHEMA_PATH),
  PARTNER_DOCS_DIR: z.string().default(DEFAULT_PARTNER_DOCS_DIR),
  PERSISTED_DOCUMENTS_PATH: z.string().default(DEFAULT_PERSISTED_DOCUMENTS_PATH),
  /**
   * `safelist`: requests naming a first-party client (learncraft-web, learncraft-mobile) must send
   * a persisted id (src/persisted); `allow`: they may send documents too. Default: `safelist` when
   * NODE_ENV is production, `allow` otherwise.
   */
  PERSISTED_OPERATIONS: z.enum(['safelist', 'allow']).optional(),
  /**
   * Overrides of the subgraph URLs baked into the supergraph. Any `<SUBGRAPH_NAME>_URL` works (see
   * `subgraphUrlOverrides`); the six LearnCraft subgraphs are listed so they are validated early.
   */
  IDENTITY_URL: optionalUrl,
  CATALOG_URL: optionalUrl,
  PROGRESS_URL: optionalUrl,
  LABS_URL: optionalUrl,
  AI_URL: optionalUrl,
  COMMERCE_URL: optionalUrl,
  /**
   * Subgraphs the gateway needs to be ready (`/health/ready`), comma-separated names; unset: every
   * subgraph in the supergraph. An unknown name is a configuration error.
   */
  READY_SUBGRAPHS: z
    .string()
    .optional()
    .transform((value) =>
      value && value.trim() !== ''
        ? value
            .split(',')
            .map((name) => name.trim())
            .filter((name) => name !== '')
        : undefined,
    ),
  /**
   * On SIGTERM: how long operations that had started may run on before their connections are
   * closed; subscribers are told to reconnect (1001) first. deploy/k8s sizes the grace period above it.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  /** A subgraph that has not answered within this time fails its part of the plan. */
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(50).max(300_000).default(5_000),
  /** Consecutive failures (network errors, timeouts, 5xx) after which a subgraph's breaker opens. */
  SUBGRAPH_BREAKER_FAILURES: positiveInt(5),
  /** How long an open breaker fails fast before it lets one probe request through. */
  SUBGRAPH_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  JWT_PUBLIC_KEY: publicKeyPem,
  IDENTITY_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  /** Shared secret of the internal routes; with it the gateway polls identity for revoked sessions. */
  INTERNAL_API_SECRET: z.string().min(16).optional(),
  /** Where identity's internal routes are (`/internal/revoked-sessions`). */
  IDENTITY_INTERNAL_URL: z.url().default('http://127.0.0.1:4001'),
  /** How often the revoked-session list is refreshed: the bound on how long a signed-out token works. */
  REVOCATION_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: logLevel,
  /** Where the generated gateway credential lives when GATEWAY_SECRET is unset (shared with the subgraphs). */
  DATA_DIR: z.string().default('.data'),
  /** The credential the gateway adds to every subgraph request (`x-learncraft-gateway`). */
  GATEWAY_SECRET: z.string().min(16).optional(),
  MAX_DEPTH: positiveInt(DEFAULT_OPERATION_LIMITS.maxDepth),
  MAX_ALIASES: z.coerce.number().int().min(0).default(DEFAULT_OPERATION_LIMITS.maxAliases),
  MAX_DIRECTIVES: z.coerce.number().int().min(0).default(DEFAULT_OPERATION_LIMITS.maxDirectives),
  MAX_TOKENS: positiveInt(DEFAULT_OPERATION_LIMITS.maxTokens),
  MAX_COST: positiveInt(DEFAULT_OPERATION_LIMITS.maxCost),
  MAX_BODY_BYTES: positiveInt(2 * 1024 * 1024),
  /** Concurrent graphql-ws sockets of one user on one gateway process (per replica, not global). */
  MAX_SOCKETS_PER_USER: positiveInt(5),
  /** Proxies in front of the gateway whose X-Forwarded-For entry is believed (0: the gateway is the edge). */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /**
   * `true`: identical credential-free queries in flight at once share one execution and its
   * answer (src/execution/dedup.ts) — for public catalog reads under a burst. Off by default.
   */
  DEDUPLICATE_IN_FLIGHT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** Redis shared by the gateway replicas (rate-limit counters); unset: this process's memory. */
  REDIS_URL: optionalUrl,
  /** Cost-based rate limits (src/rateLimit): `false` turns them off (no headers, `rateLimit` null). */
  RATE_LIMIT_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /**
   * Units of the operation-cost estimate (the one MAX_COST bounds) per rate-limit point. The
   * estimate counts every field, so one point is 1,000 units: the clients' costliest operation
   * (Dashboard, 60,324) costs 61 points, a course list 1.
   */
  RATE_LIMIT_COST_UNITS_PER_POINT: positiveInt(1_000),
  /** Prefix of the counters' keys in Redis (tests give each run its own). */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('learncraft:ratelimit:gateway:'),
  RATE_LIMIT_API_KEY_POINTS_PER_HOUR: positiveInt(5_000),
  RATE_LIMIT_API_KEY_POINTS_PER_MINUTE: positiveInt(1_000),
  RATE_LIMIT_API_KEY_MAX_CONCURRENT: positiveInt(20),
  RATE_LIMIT_USER_POINTS_PER_HOUR: positiveInt(5_000),
  RATE_LIMIT_USER_POINTS_PER_MINUTE: positiveInt(1_000),
  RATE_LIMIT_USER_MAX_CONCURRENT: positiveInt(10),
  RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: positiveInt(1_000),
  RATE_LIMIT_ANONYMOUS_POINTS_PER_MINUTE: positiveInt(300),
  RATE_LIMIT_ANONYMOUS_MAX_CONCURRENT: positiveInt(10),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema> & {
  /** Every `*_URL` variable by name; the gateway picks `<SUBGRAPH_NAME>_URL` for each subgraph. */
  subgraphUrlOverrides: Record<string, string>;
  /** A subgraph's own timeout by lower-case name (`<NAME>_TIMEOUT_MS`), else SUBGRAPH_TIMEOUT_MS. */
  subgraphTimeouts: Record<string, number>;
};

/**
 * Timeouts some subgraphs need by design: labs runs a step's check (up to 60 s) inside
 * labStepCheck; ai waits for the model in quizDraftGenerate and lessonSummarize (its
 * REQUEST_TIMEOUT_MS, 60 s). `<NAME>_TIMEOUT_MS` overrides them.
 */
export const DEFAULT_SUBGRAPH_TIMEOUTS: Readonly<Record<string, number>> = { labs: 70_000, ai: 65_000 };

export function loadConfig(env: Record<string, string | undefined>): GatewayConfig {
  const parsed = parseConfig(gatewayConfigSchema, env);
  const subgraphUrlOverrides: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (/^[A-Z][A-Z0-9_]*_URL$/.test(name) && value && value.trim() !== '')
      subgraphUrlOverrides[name] = value.trim();
  }
  const subgraphTimeouts: Record<string, number> = { ...DEFAULT_SUBGRAPH_TIMEOUTS };
  for (const [name, value] of Object.entries(env)) {
    const match = /^([A-Z][A-Z0-9_]*)_TIMEOUT_MS$/.exec(name);
    if (!match?.[1] || match[1] === 'SUBGRAPH' || !value || value.trim() === '') continue;
    const ms = Number(value);
    if (!Number.isInteger(ms) || ms < 50 || ms > 300_000)
      throw new ConfigError(
        `Invalid configuration:\n  ${name}: must be a whole number of ms from 50 to 300000`,
      );
    subgraphTimeouts[match[1].toLowerCase()] = ms;
  }
  return { ...parsed, subgraphUrlOverrides, subgraphTimeouts };
}

export const isProduction = (config: Pick<GatewayConfig, 'NODE_ENV'>) => config.NODE_ENV === 'production';

export const persistedOperationsMode = (
  config: Pick<GatewayConfig, 'NODE_ENV' | 'PERSISTED_OPERATIONS'>,
): 'safelist' | 'allow' => config.PERSISTED_OPERATIONS ?? (isProduction(config) ? 'safelist' : 'allow');
