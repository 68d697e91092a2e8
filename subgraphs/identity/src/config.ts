/**
 * Identity's configuration, parsed once from the environment at boot. Nothing else in this package
 * reads `process.env`.
 */
import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { optionalUrl, parseConfig, port, subgraphEnv } from '@learncraft/kit';

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
  /** Failed log-ins per (email, client address) before the exponential back-off starts. */
  LOGIN_FREE_FAILURES: z.coerce.number().int().min(1).max(1_000).default(5),
  /** First back-off lock; each further failure doubles it, up to LOGIN_BACKOFF_MAX_SECONDS. */
  LOGIN_BACKOFF_BASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(30),
  LOGIN_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Failed log-ins per client address (any email) per window: the credential-stuffing ceiling. */
  LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(30),
  /** Failed log-ins per email (any address) per window: the distributed-guessing ceiling. */
  LOGIN_EMAIL_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(50),
  /** The fixed window of both ceilings. */
  LOGIN_FAILURE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** A refresh token presented again within this many seconds of its rotation gets the same successor. */
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Lifetime of a password-reset link. */
  PASSWORD_RESET_TTL_MINUTES: z.coerce.number().int().min(5).max(1_440).default(30),
  /** Where reset links point: `<WEB_APP_URL>/reset-password?token=...`. */
  WEB_APP_URL: z.url().default('http://127.0.0.1:4000'),
  /** Mail goes out over SMTP when set (`smtp://user:pass@host:587`); else into `<DATA_DIR>/mail/`. */
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().min(3).default('LearnCraft <no-reply@learncraft.dev>'),
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
