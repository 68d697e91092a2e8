/**
 * Environment parsing: each service declares a zod schema and parses `process.env` once at boot.
 * Nothing below a service's `config.ts` reads `process.env`.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** An optional URL variable: empty strings count as unset. */
export const optionalUrl = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined))
  .pipe(z.url().optional());

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const logLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info');

/** Variables every subgraph understands (see README: Configuration). */
export const subgraphEnv = {
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('.data'),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  JWT_PUBLIC_KEY: z.string().optional(),
  IDENTITY_JWKS_URL: z.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  INTERNAL_API_SECRET: z.string().min(16).optional(),
  /** The gateway's credential; generated into DATA_DIR (gateway-secret) when unset. */
  GATEWAY_SECRET: z.string().min(16).optional(),
  /** Longest a GraphQL request may run before it is answered with an error. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * On SIGTERM: how long requests that had started may run on before their connections are
   * closed (size the orchestrator's grace period above it: deploy/k8s).
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  LOG_LEVEL: logLevel,
  /** commerce's internal base URL, for course access; unset: no commerce, every course is open. */
  COMMERCE_INTERNAL_URL: optionalUrl,
};

/** The parsed values of `subgraphEnv`, which every subgraph's config contains. */
export type SubgraphEnv = z.infer<z.ZodObject<typeof subgraphEnv>>;
