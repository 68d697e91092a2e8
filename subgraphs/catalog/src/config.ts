/** The catalog subgraph's configuration, parsed once from the environment at boot. */
import { z } from 'zod';
import { optionalUrl, parseConfig, port, subgraphEnv } from '@learncraft/kit';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

const urlList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url()));

export const catalogConfigSchema = z.object({
  ...subgraphEnv,
  PORT: port(4002),
  /** MongoDB for course documents; the embedded JSONB store (DATABASE_URL or PGlite) when unset. */
  MONGODB_URL: optionalUrl,
  /** Elasticsearch for course search; an in-process index (rebuilt on start) when unset. */
  ELASTICSEARCH_URL: optionalUrl,
  /** Import the demo catalog on start (idempotent). */
  SEED_DEMO: booleanFlag,
  /**
   * Without REDIS_URL, base URLs of the services that consume catalog's events (`course.changed`),
   * comma-separated, e.g. `http://127.0.0.1:4005`; each receives them at POST /internal/events.
   */
  EVENT_SUBSCRIBER_URLS: urlList,
});

export type CatalogConfig = z.infer<typeof catalogConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): CatalogConfig {
  return parseConfig(catalogConfigSchema, env);
}
