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

/** The webhook variables (spread into `identityConfigSchema`), and the dispatcher settings derived from them. */
const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const webhookEnv = {
  /**
   * Lets endpoints use http and private, loopback or link-local addresses. Only for development
   * machines and tests (`npm start` and the e2e platform set it); production refuses them.
   */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.stringbool().default(false),
  /** Encrypts endpoints' signing secrets at rest (HKDF); without it, derived from the signing key. */
  WEBHOOK_SECRET_KEY: z.string().min(32).optional(),
  /** How often the dispatcher looks for due deliveries. */
  WEBHOOK_POLL_INTERVAL_MS: ms(10, 60_000, 1_000),
  /** How long one delivery attempt may take, answer included. */
  WEBHOOK_TIMEOUT_MS: ms(100, 60_000, 10_000),
  /** The first retry's delay; each further one doubles, up to WEBHOOK_RETRY_MAX_MS. */
  WEBHOOK_RETRY_BASE_MS: ms(1, 3_600_000, 30_000),
  WEBHOOK_RETRY_MAX_MS: ms(1, 86_400_000, 3_600_000),
  /** A delivery still failing this long after it was queued is FAILED. */
  WEBHOOK_GIVE_UP_AFTER_MS: ms(1, 7 * 86_400_000, 86_400_000),
  /** Deliveries in flight at once per process. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /**
   * How long a claimed delivery is held by one process; a process that dies mid-delivery leaves
   * it to another after this. Never shorter than the timeout plus 5 s.
   */
  WEBHOOK_LEASE_MS: ms(1, 3_600_000, 60_000),
};

export interface WebhookSettings {
  allowPrivateUrls: boolean;
  pollIntervalMs: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  giveUpAfterMs: number;
  concurrency: number;
  leaseMs: number;
}

type WebhookEnv = z.infer<z.ZodObject<typeof webhookEnv>>;

export function webhookSettings(config: WebhookEnv): WebhookSettings {
  return {
    allowPrivateUrls: config.WEBHOOK_ALLOW_PRIVATE_URLS,
    pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: Math.max(config.WEBHOOK_RETRY_BASE_MS, config.WEBHOOK_RETRY_MAX_MS),
    giveUpAfterMs: config.WEBHOOK_GIVE_UP_AFTER_MS,
    concurrency: config.WEBHOOK_CONCURRENCY,
    leaseMs: Math.max(config.WEBHOOK_LEASE_MS, config.WEBHOOK_TIMEOUT_MS + 5_000),
  };
}

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
  /** Lifetime of the token an API key is exchanged for at the gateway (never past the key's end). */
  API_KEY_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3_600).default(300),
  ...webhookEnv,
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
