/**
 * A local server speaking the part of Stripe's HTTP API the adapter uses, on 127.0.0.1 at a
 * random port: `POST /v1/checkout/sessions` and `POST /v1/refunds`, form-encoded as Stripe
 * takes them, with Stripe's error shapes for what a real Stripe would refuse that matters here
 * (no or wrong API key: 401; a non-integer amount, missing or bad parameters: 400; a reused
 * `Idempotency-Key` with other parameters: 400 `idempotency_error`). A replayed key gets the
 * first response again. Tests script faults (`failNext`), complete a session (a signed
 * `checkout.session.completed` event to deliver) and sign any event as Stripe does.
 *
 * The real `stripe` client talks to it; nothing in the client is mocked.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '@learncraft/kit';
import { serveTestRoutes } from '@learncraft/kit/testing';

export interface StripeTestServerOptions {
  /** The API key requests must carry as `Authorization: Bearer <key>`. */
  secretKey: string;
  /** The signing secret events are signed with. */
  webhookSecret: string;
}

export interface RecordedStripeRequest {
  path: string;
  idempotencyKey: string | null;
  /** The form body, decoded into nested objects and arrays as Stripe reads it. */
  params: FormValue;
}

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

export interface TestCheckoutSession {
  id: string;
  object: 'checkout.session';
  url: string;
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  payment_intent: string | null;
  amount_total: number;
  amount_subtotal: number;
  currency: string;
  client_reference_id: string | null;
  customer_email: string | null;
  metadata: Record<string, string>;
  success_url: string;
  cancel_url: string | null;
  expires_at: number;
  created: number;
  livemode: false;
  line_items: { unit_amount: number; quantity: number; currency: string; name: string }[];
}

export interface SignedDelivery {
  /** The raw body, as Stripe posts it. */
  body: Buffer;
  /** The headers of the delivery (`stripe-signature`, lower case as node:http gives them). */
  headers: Record<string, string>;
  /** The signed timestamp, seconds since the epoch. */
  timestamp: number;
}

export interface StripeTestServer {
  /** The API origin, as the adapter's `apiUrl`. */
  url: string;
  /** Every API request received, in arrival order (faulted ones too). */
  readonly requests: RecordedStripeRequest[];
  /** The sessions created, by id. */
  readonly sessions: Map<string, TestCheckoutSession>;
  /** The next `count` API requests get `status` (default 500) with Stripe's api_error body. */
  failNext(count: number, status?: number): void;
  /** The next `count` API requests are answered only after `ms` (to exceed the client's timeout). */
  stallNext(count: number, ms: number): void;
  /**
   * Pays a session as the buyer would on Stripe's page (a `pi_test_...` PaymentIntent is made)
   * and returns the signed `checkout.session.completed` delivery. `timestamp` in epoch seconds
   * (default: now); `secret` to sign with another secret than the server's.
   */
  completeSession(id: string, signing?: { timestamp?: number; secret?: string }): SignedDelivery;
  /** Any event, signed: `{ id: evt_test_..., object: 'event', type, created, data: { object } }`. */
  signedEvent(
    type: string,
    object: unknown,
    signing?: { timestamp?: number; secret?: string },
  ): SignedDelivery;
  close(): Promise<void>;
}

/** Stripe's `Stripe-Signature` header: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function stripeSignature(body: string | Buffer, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body.toString()}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

const randomId = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

type FormTree = { [key: string]: string | FormTree };

/** Objects whose keys are all indexes become arrays, in index order. */
function toFormValue(node: string | FormTree): FormValue {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every((key) => /^\d+$/.test(key))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((key) => toFormValue(node[key] ?? ''));
  }
  return Object.fromEntries(keys.map((key) => [key, toFormValue(node[key] ?? '')]));
}

/** `a[b][0][c]=1` into `{ a: { b: [{ c: '1' }] } }`, as Stripe decodes its form bodies. */
export function parseStripeForm(body: string): { [key: string]: FormValue } {
  const root: FormTree = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const path = name.split(/\[|\]\[|\]/).filter((part, i) => i === 0 || part !== '');
    const leaf = path.pop() ?? '';
    let node = root;
    for (const part of path) {
      const next = node[part];
      node = typeof next === 'object' ? next : (node[part] = {});
    }
    node[leaf] = value;
  }
  return Object.fromEntries(Object.entries(root).map(([key, node]) => [key, toFormValue(node)]));
}

interface StripeFailure {
  status: number;
  body: { error: { type: string; message: string; code?: string; param?: string } };
}

const invalid = (message: string, param?: string, code?: string): StripeFailure => ({
  status: 400,
  body: {
    error: { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) },
  },
});

const text = (value: FormValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

function integerParam(value: FormValue | undefined, param: string): number | StripeFailure {
  const raw = text(value);
  if (raw === undefined) return invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
  if (!/^-?\d+$/.test(raw)) return invalid(`Invalid integer: ${raw}`, param, 'parameter_invalid_integer');
  return Number(raw);
}

const isFailure = (value: unknown): value is StripeFailure =>
  typeof value === 'object' && value !== null && 'status' in value && 'body' in value;

function record(value: FormValue | undefined): { [key: string]: FormValue } {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function stringRecord(value: FormValue | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record(value)).flatMap(([key, item]) => (typeof item === 'string' ? [[key, item]] : [])),
  );
}

export async function startStripeTestServer(options: StripeTestServerOptions): Promise<StripeTestServer> {
  const requests: RecordedStripeRequest[] = [];
  const sessions = new Map<string, TestCheckoutSession>();
  const payments = new Map<string, { amount: number; currency: string; refunded: number }>();
  const replies = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  const faults: ({ status: number } | { stallMs: number })[] = [];
  const stalls = new Set<NodeJS.Timeout>();

  function createSession(params: { [key: string]: FormValue }): TestCheckoutSession | StripeFailure {
    if (text(params.mode) !== 'payment') return invalid('This server supports mode=payment only.', 'mode');
    const success = text(params.success_url);
    if (!success) return invalid('Missing required param: success_url.', 'success_url', 'parameter_missing');
    const items = params.line_items;
    if (!Array.isArray(items) || items.length === 0) {
      return invalid('Missing required param: line_items.', 'line_items', 'parameter_missing');
    }
    const lines: TestCheckoutSession['line_items'] = [];
    for (const [i, item] of items.entries()) {
      const priceData = record(record(item).price_data);
      const unitAmount = integerParam(priceData.unit_amount, `line_items[${i}][price_data][unit_amount]`);
      if (isFailure(unitAmount)) return unitAmount;
      const quantity = integerParam(record(item).quantity ?? '1', `line_items[${i}][quantity]`);
      if (isFailure(quantity)) return quantity;
      const currency = text(priceData.currency);
      if (!currency)
        return invalid('Missing required param: currency.', `line_items[${i}][price_data][currency]`);
      const name = text(record(priceData.product_data).name) ?? '';
      if (unitAmount < 0)
        return invalid(
          'This value must be greater than or equal to 0.',
          `line_items[${i}][price_data][unit_amount]`,
        );
      lines.push({ unit_amount: unitAmount, quantity, currency: currency.toLowerCase(), name });
    }
    const currency = lines[0]?.currency ?? '';
    if (lines.some((line) => line.currency !== currency)) {
      return invalid('All line items must have the same currency.', 'line_items');
    }
    const created = nowSeconds();
    const expiresAt = integerParam(params.expires_at ?? String(created + 86_400), 'expires_at');
    if (isFailure(expiresAt)) return expiresAt;
    if (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600) {
      return invalid(
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from creation.',
        'expires_at',
      );
    }
    const id = randomId('cs_test_');
    const amount = lines.reduce((sum, line) => sum + line.unit_amount * line.quantity, 0);
    const session: TestCheckoutSession = {
      id,
      object: 'checkout.session',
      url: `https://checkout.stripe.com/c/pay/${id}`,
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      payment_intent: null,
      amount_total: amount,
      amount_subtotal: amount,
      currency,
      client_reference_id: text(params.client_reference_id) ?? null,
      customer_email: text(params.customer_email) ?? null,
      metadata: stringRecord(params.metadata),
      success_url: success,
      cancel_url: text(params.cancel_url) ?? null,
      expires_at: expiresAt,
      created,
      livemode: false,
      line_items: lines,
    };
    sessions.set(id, session);
    return session;
  }

  function createRefund(params: { [key: string]: FormValue }): object | StripeFailure {
    const intentId = text(params.payment_intent);
    if (!intentId)
      return invalid('Missing required param: payment_intent.', 'payment_intent', 'parameter_missing');
    const payment = payments.get(intentId);
    if (!payment)
      return invalid(`No such payment_intent: '${intentId}'`, 'payment_intent', 'resource_missing');
    const amount = integerParam(params.amount ?? String(payment.amount - payment.refunded), 'amount');
    if (isFailure(amount)) return amount;
    if (amount < 1 || amount > payment.amount - payment.refunded) {
      return invalid(
        `Refund amount (${amount}) is greater than the unrefunded amount on the charge (${payment.amount - payment.refunded}).`,
        'amount',
        'amount_too_large',
      );
    }
    payment.refunded += amount;
    return {
      id: randomId('re_test_'),
      object: 'refund',
      amount,
      currency: payment.currency,
      payment_intent: intentId,
      status: 'succeeded',
      reason: text(params.reason) ?? null,
      metadata: stringRecord(params.metadata),
      created: nowSeconds(),
    };
  }

  function authorised(req: IncomingMessage): StripeFailure | null {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) {
      return {
        status: 401,
        body: {
          error: {
            type: 'invalid_request_error',
            message:
              "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
          },
        },
      };
    }
    if (header.slice('Bearer '.length) !== options.secretKey) {
      return {
        status: 401,
        body: {
          error: {
            type: 'invalid_request_error',
            message: 'Invalid API Key provided.',
            code: 'api_key_invalid',
          },
        },
      };
    }
    return null;
  }

  function route(create: (params: { [key: string]: FormValue }) => object | StripeFailure) {
    return (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const idempotencyKey =
        typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
      const params = parseStripeForm(body.toString('utf8'));
      requests.push({ path, idempotencyKey, params });
      const fault = faults.shift();
      if (fault && 'status' in fault) {
        return sendJson(res, fault.status, {
          error: { type: 'api_error', message: 'An unknown error occurred.' },
        });
      }
      if (fault) {
        const timer = setTimeout(() => {
          stalls.delete(timer);
          sendJson(res, 500, { error: { type: 'api_error', message: 'Too late.' } });
        }, fault.stallMs);
        stalls.add(timer);
        return;
      }
      const refused = authorised(req);
      if (refused) return sendJson(res, refused.status, refused.body);
      const fingerprint = `${path}?${body.toString('utf8')}`;
      const earlier = idempotencyKey ? replies.get(idempotencyKey) : undefined;
      if (earlier) {
        if (earlier.fingerprint !== fingerprint) {
          return sendJson(res, 400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            },
          });
        }
        return sendJson(res, earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
      }
      const result = create(params);
      const [status, reply] = isFailure(result) ? [result.status, result.body] : [200, result];
      // Like Stripe, a request refused by validation saves no result for its key.
      if (idempotencyKey && status === 200) replies.set(idempotencyKey, { fingerprint, status, body: reply });
      sendJson(res, status, reply);
    };
  }

  const server = await serveTestRoutes({
    'POST /v1/checkout/sessions': route(createSession),
    'POST /v1/refunds': route(createRefund),
  });

  function signedEvent(
    type: string,
    object: unknown,
    signing: { timestamp?: number; secret?: string } = {},
  ): SignedDelivery {
    const timestamp = signing.timestamp ?? nowSeconds();
    const event = {
      id: randomId('evt_test_'),
      object: 'event',
      api_version: '2025-01-01',
      created: timestamp,
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object },
    };
    const body = Buffer.from(JSON.stringify(event));
    const signature = stripeSignature(body, signing.secret ?? options.webhookSecret, timestamp);
    return {
      body,
      headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
      timestamp,
    };
  }

  return {
    url: server.url,
    requests,
    sessions,
    failNext(count, status = 500) {
      for (let i = 0; i < count; i++) faults.push({ status });
    },
    stallNext(count, ms) {
      for (let i = 0; i < count; i++) faults.push({ stallMs: ms });
    },
    completeSession(id, signing) {
      const session = sessions.get(id);
      if (!session) throw new Error(`No such checkout session: ${id}`);
      session.payment_intent ??= randomId('pi_test_');
      session.status = 'complete';
      session.payment_status = 'paid';
      payments.set(session.payment_intent, {
        amount: session.amount_total,
        currency: session.currency,
        refunded: 0,
      });
      return signedEvent('checkout.session.completed', session, signing);
    },
    signedEvent,
    close() {
      for (const timer of stalls) clearTimeout(timer);
      return server.close();
    },
  };
}
