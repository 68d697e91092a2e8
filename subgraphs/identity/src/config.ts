/**
 * Identity's configuration, parsed once from the environment at boot. Nothing else in this package
 * reads `process.env`.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { parseConfig, port, subgraphEnv } from '@learncraft/kit';

/**
 * An Ed25519 private key in PKCS#8 PEM. Env files often carry PEMs on one line with literal `\n`,
 * so those are turned back into newlines before the key is checked.
 */
const ed25519PrivateKeyPem = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.replace(/\\n/g, '\n').trim() : undefined))
  .refine((pem) => pem === undefined || isEd25519PrivateKey(pem), {
    message: 'must be an Ed25519 private key in PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----")',
  });

export const identityConfigSchema = z.object({
  ...subgraphEnv,
  PORT: port(4001),
  /** Signing key; without it one is generated under `<DATA_DIR>/keys` (single-replica setups only). */
  JWT_PRIVATE_KEY: ed25519PrivateKeyPem,
  SEED_DEMO: z.stringbool().default(false),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Failed sign-ins per email within the window before sessionCreate answers RATE_LIMITED. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
});

export type IdentityConfig = z.infer<typeof identityConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): IdentityConfig {
  return parseConfig(identityConfigSchema, env);
}

function isEd25519PrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'ed25519';
  } catch {
    return false;
  }
}
