/** The progress subgraph's configuration, parsed once from the environment at boot. */
import { parseConfig, port, subgraphEnv } from '@learncraft/kit';
import { z } from 'zod';

export const progressConfigSchema = z.object({
  ...subgraphEnv,
  PORT: port(4003),
  CATALOG_INTERNAL_URL: z.url().default('http://127.0.0.1:4002'),
});

export type ProgressConfig = z.infer<typeof progressConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): ProgressConfig {
  return parseConfig(progressConfigSchema, env);
}
