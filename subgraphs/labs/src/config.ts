/** The labs subgraph's configuration, parsed once from the environment at boot. */
import { parseConfig, port, subgraphEnv } from '@learncraft/kit';
import { z } from 'zod';

const positiveInt = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** `name=value,name=value` into a record, each value checked by `value`. */
function profileMap<T extends z.ZodType>(value: T) {
  return z
    .string()
    .transform((text, ctx) => {
      const entries: [string, unknown][] = [];
      for (const part of text
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)) {
        const [name, raw] = part.split('=');
        if (!name || raw === undefined) {
          ctx.addIssue({ code: 'custom', message: `"${part}" is not name=value` });
          return z.NEVER;
        }
        entries.push([name.trim(), raw.trim()]);
      }
      return Object.fromEntries(entries);
    })
    .pipe(z.record(z.string(), value));
}

export const labsConfigSchema = z
  .object({
    ...subgraphEnv,
    PORT: port(4004),
    // A check may run for LAB_CHECK_TIMEOUT_MS inside labStepCheck, so requests may take longer.
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(90_000),
    CATALOG_INTERNAL_URL: z.url().default('http://127.0.0.1:4002'),
    PROGRESS_INTERNAL_URL: z.url().default('http://127.0.0.1:4003'),
    LAB_RUNTIME: z.enum(['local', 'kubernetes']).default('local'),
    /** Sandboxes this node may hold at once (the node is this machine, or the cluster). */
    LAB_MAX_SANDBOXES: positiveInt(20, 10_000),
    /** Where clients open terminals; the gateway proxies this path to this subgraph's `/terminal`. */
    LAB_TERMINAL_PUBLIC_URL: z.url().default('ws://127.0.0.1:4000/labs/terminal'),
    /** Signs terminal tokens; generated into DATA_DIR (`lab-terminal-secret`) when unset. */
    LAB_TERMINAL_SECRET: z.string().min(32).optional(),
    /** Extensions of 15 minutes each a session may take. */
    LAB_MAX_EXTENSIONS: z.coerce.number().int().min(0).max(20).default(2),
    LAB_CHECK_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(110_000).default(60_000),
    /** How often the sweeper runs (expiry, warnings, completion retries); 0 turns it off (tests). */
    LAB_SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    /**
     * Which sandboxes this process answers for: sessions record it, and orphan recovery only
     * touches its own. Default `local:<hostname>` or `kubernetes` (one namespace per cluster).
     */
    LAB_NODE_ID: z.string().min(1).max(200).optional(),
    /** LAB_RUNTIME=kubernetes: the namespace lab pods run in (nothing else should). */
    LAB_K8S_NAMESPACE: z.string().min(1).max(63).default('learncraft-labs'),
    /** LAB_RUNTIME=kubernetes: the image of each profile, `linux=…,node=…,kubernetes=…`. */
    LAB_K8S_IMAGES: profileMap(z.string().min(1)).default({
      linux: 'learncraft/lab-linux:1',
      node: 'learncraft/lab-node:20',
      kubernetes: 'learncraft/lab-kubernetes:1.32',
    }),
    /** LAB_RUNTIME=kubernetes: ready pods kept per profile so a start claims one, `linux=2,node=1`. */
    LAB_K8S_WARM_POOL: profileMap(z.coerce.number().int().min(0).max(100)).default({}),
    /** LAB_RUNTIME=kubernetes: a RuntimeClass with stronger isolation (gVisor, Kata), if the cluster has one. */
    LAB_K8S_RUNTIME_CLASS: z.string().min(1).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.REQUEST_TIMEOUT_MS < config.LAB_CHECK_TIMEOUT_MS + 5_000) {
      ctx.addIssue({
        code: 'custom',
        path: ['REQUEST_TIMEOUT_MS'],
        message: 'must be at least LAB_CHECK_TIMEOUT_MS + 5000 (a check runs inside labStepCheck)',
      });
    }
  });

export type LabsConfig = z.infer<typeof labsConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): LabsConfig {
  return parseConfig(labsConfigSchema, env);
}
