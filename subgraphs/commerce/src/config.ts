/** The commerce subgraph's configuration, parsed once from the environment at boot. */
import { optionalUrl, parseConfig, port, subgraphEnv } from '@learncraft/kit';
import { z } from 'zod';

/** An optional string variable: empty strings count as unset. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== '' ? value.trim() : undefined));

/** A comma-separated list of URLs; empty or unset: none. */
const urlList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== ''),
  )
  .pipe(z.array(z.url()));

export const commerceConfigSchema = z
  .object({
    ...subgraphEnv,
    PORT: port(4006),
    /** `test`: the built-in test provider; `stripe`: Stripe Checkout. Default: stripe when STRIPE_SECRET_KEY is set. */
    PAYMENT_PROVIDER: z.enum(['test', 'stripe']).optional(),
    STRIPE_SECRET_KEY: optionalText,
    STRIPE_WEBHOOK_SECRET: optionalText,
    /** Another Stripe API base, e.g. a local test server at http://127.0.0.1:12111. */
    STRIPE_API_URL: optionalUrl,
    CATALOG_INTERNAL_URL: z.url().default('http://127.0.0.1:4002'),
    PROGRESS_INTERNAL_URL: z.url().default('http://127.0.0.1:4003'),
    /** Where identity's internal API is: the buyer's e-mail address for receipts. */
    IDENTITY_INTERNAL_URL: z.url().default('http://127.0.0.1:4001'),
    /** Without REDIS_URL: base URLs of the subgraphs that consume `entitlement.changed` (HTTP push). */
    EVENT_SUBSCRIBER_URLS: urlList,
    INSTRUCTOR_REVENUE_SHARE_PERCENT: z.coerce.number().int().min(0).max(100).default(70),
    REFUND_WINDOW_DAYS: z.coerce.number().int().min(0).max(365).default(14),
    REFUND_MAX_COMPLETION_PERCENT: z.coerce.number().int().min(0).max(100).default(30),
    /** How long a PENDING (hosted) checkout stays open; Stripe's adapter takes 45 to 1440 minutes. */
    CHECKOUT_EXPIRY_MINUTES: z.coerce.number().int().min(45).max(1_440).default(60),
    SEED_DEMO: z.stringbool().default(false),
    /** The web app's origin; a hosted checkout may only return the buyer to it. */
    WEB_APP_URL: z.url().default('http://127.0.0.1:4000'),
    NODE_ENV: z.string().optional(),
  })
  .transform(({ PAYMENT_PROVIDER, ...config }) => ({
    ...config,
    PAYMENT_PROVIDER_CHOSEN: PAYMENT_PROVIDER !== undefined,
    PAYMENT_PROVIDER: PAYMENT_PROVIDER ?? (config.STRIPE_SECRET_KEY ? 'stripe' : 'test'),
  }))
  .superRefine((config, ctx) => {
    // A production deployment that forgot its Stripe keys must not quietly accept test cards.
    if (
      config.NODE_ENV === 'production' &&
      config.PAYMENT_PROVIDER === 'test' &&
      !config.PAYMENT_PROVIDER_CHOSEN
    )
      ctx.addIssue({
        code: 'custom',
        path: ['PAYMENT_PROVIDER'],
        message:
          'must be set in production: `stripe` (with STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET), or `test` to accept test cards on purpose',
      });
    if (config.PAYMENT_PROVIDER !== 'stripe') return;
    for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
      if (!config[name])
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required with PAYMENT_PROVIDER=stripe' });
    }
  });

export type CommerceConfig = z.infer<typeof commerceConfigSchema>;

export function loadConfig(env: Record<string, string | undefined>): CommerceConfig {
  return parseConfig(commerceConfigSchema, env);
}
