/** The progress subgraph's configuration, parsed once from the environment at boot. */
import { parseConfig, port, subgraphEnv } from '@learncraft/kit';
import { z } from 'zod';

/** Comma-separated base URLs (empty entries ignored). */
const urlList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url.length > 0),
  )
  .pipe(z.array(z.url()));

/** Where organization seats are assigned when COMMERCE_INTERNAL_URL is unset (course access then stays open). */
export const DEFAULT_COMMERCE_INTERNAL_URL = 'http://127.0.0.1:4006';

export const progressConfigSchema = z.object({
  ...subgraphEnv,
  PORT: port(4003),
  CATALOG_INTERNAL_URL: z.url().default('http://127.0.0.1:4002'),
  /** identity's internal base URL: organization members (`Organization.enrollments`, seats). */
  IDENTITY_INTERNAL_URL: z.url().default('http://127.0.0.1:4001'),
  /** HTTP push without Redis: the consumers of `progress.learning` (identity's webhooks). */
  EVENT_SUBSCRIBER_URLS: urlList,
  /** How often the outbox relay looks for due learning events without a kick. */
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** Back-off of a learning event the bus refused: doubling from the base up to the cap. */
  OUTBOX_RETRY_BASE_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  OUTBOX_RETRY_MAX_MS: z.coerce.number().int().min(10).max(3_600_000).default(60_000),
});

export type ProgressConfig = z.infer<typeof progressConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): ProgressConfig {
  return parseConfig(progressConfigSchema, env);
}
