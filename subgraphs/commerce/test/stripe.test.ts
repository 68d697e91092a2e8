import { createStripePaymentProvider } from '../src/providers/stripe';
import {
  type ChargeRequest,
  PaymentProviderError,
  type PaymentProvider,
  WebhookSignatureError,
} from '../src/providers/types';
import {
  parseStripeForm,
  type SignedDelivery,
  startStripeTestServer,
  stripeSignature,
  type StripeTestServer,
} from './support/stripeServer';

const SECRET_KEY = 'sk_test_learncraft';
const WEBHOOK_SECRET = 'whsec_learncraft_test';
const usd = (amount: number) => ({ amount, currency: 'USD' });

function chargeRequest(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    orderId: 'order-1',
    orderNumber: 'LC-000001',
    amount: usd(12800),
    lines: [
      { title: 'TypeScript fundamentals', amount: usd(4900) },
      { title: 'Advanced TypeScript types', amount: usd(7900) },
    ],
    buyerEmail: 'learner@learncraft.dev',
    idempotencyKey: 'order-1-charge',
    returnUrl: 'http://127.0.0.1:5173/checkout/done',
    ...overrides,
  };
}

let server: StripeTestServer;
let stripe: PaymentProvider;

beforeAll(async () => {
  server = await startStripeTestServer({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
  stripe = createStripePaymentProvider({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    apiUrl: server.url,
  });
});

afterAll(() => server.close());

async function redirectFor(request: ChargeRequest) {
  const result = await stripe.charge(request);
  if (result.kind !== 'redirect') throw new Error(`expected a redirect, got ${result.kind}`);
  return result;
}

describe('the Stripe adapter: charges', () => {
  it('is of kind STRIPE', () => {
    expect(stripe.kind).toBe('STRIPE');
  });

  it('creates a Checkout Session and sends the buyer to its URL', async () => {
    const result = await redirectFor(chargeRequest());
    expect(result).toEqual({
      kind: 'redirect',
      paymentId: expect.stringMatching(/^cs_test_/),
      checkoutUrl: `https://checkout.stripe.com/c/pay/${result.paymentId}`,
    });
    const request = server.requests.at(-1);
    expect(request?.path).toBe('/v1/checkout/sessions');
    expect(request?.idempotencyKey).toBe('order-1-charge');
    expect(request?.params).toMatchObject({
      mode: 'payment',
      client_reference_id: 'order-1',
      metadata: { orderId: 'order-1', orderNumber: 'LC-000001' },
      customer_email: 'learner@learncraft.dev',
      success_url: 'http://127.0.0.1:5173/checkout/done?order=order-1',
      cancel_url: 'http://127.0.0.1:5173/checkout/done?order=order-1',
      line_items: [
        {
          quantity: '1',
          price_data: {
            currency: 'usd',
            unit_amount: '4900',
            product_data: { name: 'TypeScript fundamentals' },
          },
        },
        {
          quantity: '1',
          price_data: {
            currency: 'usd',
            unit_amount: '7900',
            product_data: { name: 'Advanced TypeScript types' },
          },
        },
      ],
    });
    const session = server.sessions.get(result.paymentId);
    expect(session).toMatchObject({
      status: 'open',
      payment_intent: null,
      amount_total: 12800,
      currency: 'usd',
    });
    // expires_at: an hour after the quarter hour of the adapter's clock.
    expect((session?.expires_at ?? 0) % (15 * 60)).toBe(0);
  });

  it('sends the lines at their share of the total when a coupon makes them differ from it', async () => {
    const result = await redirectFor(
      chargeRequest({ orderId: 'order-2', idempotencyKey: 'order-2-charge', amount: usd(10240) }),
    );
    const lines = server.requests.at(-1)?.params;
    expect(parseAmounts(lines)).toEqual(['3920', '6320']);
    expect(server.sessions.get(result.paymentId)?.amount_total).toBe(10240);
  });

  it('keeps the return URL’s own query and adds the order', async () => {
    await redirectFor(
      chargeRequest({
        orderId: 'order-3',
        idempotencyKey: 'order-3-charge',
        returnUrl: 'https://app.example/pay?step=done',
      }),
    );
    expect(server.requests.at(-1)?.params).toMatchObject({
      success_url: 'https://app.example/pay?step=done&order=order-3',
    });
  });

  it('replays the same session for a repeated idempotency key, without creating another', async () => {
    const before = server.sessions.size;
    const first = await redirectFor(chargeRequest({ orderId: 'order-4', idempotencyKey: 'order-4-charge' }));
    const replay = await redirectFor(chargeRequest({ orderId: 'order-4', idempotencyKey: 'order-4-charge' }));
    expect(replay).toEqual(first);
    expect(server.sessions.size).toBe(before + 1);
  });

  it('sends the same expiry when the same charge is retried later in the quarter hour, so Stripe replays it', async () => {
    const quarter = 15 * 60 * 1000;
    const start = Math.floor(Date.now() / quarter) * quarter;
    let clock = start;
    const provider = createStripePaymentProvider({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      apiUrl: server.url,
      now: () => new Date(clock),
    });
    const first = await provider.charge(
      chargeRequest({ orderId: 'order-10', idempotencyKey: 'order-10-charge' }),
    );
    clock = start + quarter - 1;
    const retried = await provider.charge(
      chargeRequest({ orderId: 'order-10', idempotencyKey: 'order-10-charge' }),
    );
    expect(retried).toEqual(first);
    expect(server.requests.at(-1)?.params).toMatchObject({ expires_at: String(start / 1000 + 3600) });
  });

  it('turns a repeated idempotency key with other parameters into a non-retryable error', async () => {
    await redirectFor(chargeRequest({ orderId: 'order-5', idempotencyKey: 'order-5-charge' }));
    const charging = stripe.charge(
      chargeRequest({ orderId: 'order-5', idempotencyKey: 'order-5-charge', amount: usd(4900), lines: [] }),
    );
    await expect(charging).rejects.toBeInstanceOf(PaymentProviderError);
    await expect(charging).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(
        /^Stripe refused the request: Keys for idempotent requests can only be used with the same parameters/,
      ),
    });
  });

  it('retries a failing Stripe twice with the same key, then reports a retryable error', async () => {
    server.failNext(3, 500);
    const before = server.requests.length;
    const charging = stripe.charge(chargeRequest({ orderId: 'order-6', idempotencyKey: 'order-6-charge' }));
    await expect(charging).rejects.toMatchObject({ name: 'PaymentProviderError', retryable: true });
    const attempts = server.requests.slice(before);
    expect(attempts.map((request) => request.idempotencyKey)).toEqual([
      'order-6-charge',
      'order-6-charge',
      'order-6-charge',
    ]);
  });

  it('succeeds when Stripe recovers within its retries', async () => {
    server.failNext(1, 503);
    expect(
      await stripe.charge(chargeRequest({ orderId: 'order-7', idempotencyKey: 'order-7-charge' })),
    ).toMatchObject({ kind: 'redirect' });
  });

  it('reports a rate limit (429) as retryable', async () => {
    // Stripe's client retries a 429 only when told to (Stripe-Should-Retry), so one fault is seen.
    const before = server.requests.length;
    server.failNext(1, 429);
    await expect(
      stripe.charge(chargeRequest({ orderId: 'order-8', idempotencyKey: 'order-8-charge' })),
    ).rejects.toMatchObject({ retryable: true });
    expect(server.requests.length).toBe(before + 1);
  });

  it('gives up after its timeout on each attempt and reports a retryable error', async () => {
    const impatient = createStripePaymentProvider({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      apiUrl: server.url,
      timeoutMs: 100,
    });
    const before = server.requests.length;
    server.stallNext(3, 5_000);
    await expect(
      impatient.charge(chargeRequest({ orderId: 'order-9', idempotencyKey: 'order-9-charge' })),
    ).rejects.toMatchObject({ name: 'PaymentProviderError', retryable: true });
    expect(server.requests.length - before).toBe(3);
  });

  it('reports a wrong API key as a non-retryable error', async () => {
    const wrongKey = createStripePaymentProvider({
      secretKey: 'sk_test_wrong',
      webhookSecret: WEBHOOK_SECRET,
      apiUrl: server.url,
    });
    await expect(wrongKey.charge(chargeRequest())).rejects.toEqual(
      new PaymentProviderError('Stripe refused the request: Invalid API Key provided.', false),
    );
  });

  it('reports an unreachable Stripe as retryable', async () => {
    const closed = await startStripeTestServer({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
    await closed.close();
    const unreachable = createStripePaymentProvider({
      secretKey: SECRET_KEY,
      webhookSecret: WEBHOOK_SECRET,
      apiUrl: closed.url,
    });
    await expect(unreachable.charge(chargeRequest())).rejects.toMatchObject({
      name: 'PaymentProviderError',
      retryable: true,
    });
  });

  it('refuses a test card or a missing return URL before calling Stripe', async () => {
    const before = server.requests.length;
    await expect(
      stripe.charge(
        chargeRequest({
          testCard: { number: '4242424242424242', expiryMonth: 1, expiryYear: 2030, cvc: '123' },
        }),
      ),
    ).rejects.toEqual(
      new PaymentProviderError('Stripe takes the card on its own page; a test card cannot be sent.', false),
    );
    await expect(stripe.charge(chargeRequest({ returnUrl: undefined }))).rejects.toEqual(
      new PaymentProviderError('A Stripe checkout needs a returnUrl to send the buyer back to.', false),
    );
    expect(server.requests.length).toBe(before);
  });
});

function parseAmounts(params: unknown): string[] {
  const items = (params as { line_items: { price_data: { unit_amount: string } }[] }).line_items;
  return items.map((item) => item.price_data.unit_amount);
}

describe('the Stripe adapter: refunds', () => {
  it('refunds the PaymentIntent of a paid session, idempotently', async () => {
    const { paymentId: sessionId } = await redirectFor(
      chargeRequest({ orderId: 'order-20', idempotencyKey: 'order-20-charge' }),
    );
    const delivery = server.completeSession(sessionId);
    const event = stripe.parseWebhook(delivery.body, delivery.headers, new Date(delivery.timestamp * 1000));
    if (event?.type !== 'payment.succeeded') throw new Error('expected payment.succeeded');
    const request = {
      paymentId: event.paymentId,
      amount: usd(12800),
      reason: 'Changed my mind',
      idempotencyKey: 'order-20-refund',
    };
    const refund = await stripe.refund(request);
    expect(refund.refundId).toMatch(/^re_test_/);
    expect(server.requests.at(-1)).toMatchObject({
      path: '/v1/refunds',
      idempotencyKey: 'order-20-refund',
      params: {
        payment_intent: event.paymentId,
        amount: '12800',
        reason: 'requested_by_customer',
        metadata: { reason: 'Changed my mind' },
      },
    });
    expect(await stripe.refund(request)).toEqual(refund);
  });

  it('reports a refund of an unknown payment as a non-retryable error', async () => {
    await expect(
      stripe.refund({
        paymentId: 'pi_test_nope',
        amount: usd(100),
        reason: '',
        idempotencyKey: 'refund-unknown',
      }),
    ).rejects.toEqual(
      new PaymentProviderError("Stripe refused the request: No such payment_intent: 'pi_test_nope'", false),
    );
  });
});

describe('the Stripe adapter: webhooks', () => {
  async function completedDelivery(orderId: string, timestamp?: number) {
    const { paymentId } = await redirectFor(chargeRequest({ orderId, idempotencyKey: `${orderId}-charge` }));
    return { sessionId: paymentId, delivery: server.completeSession(paymentId, { timestamp }) };
  }
  const at = (seconds: number) => new Date(seconds * 1000);
  /** Parses a delivery at the moment it was signed. */
  const parseOnTime = (delivery: SignedDelivery) =>
    stripe.parseWebhook(delivery.body, delivery.headers, at(delivery.timestamp));
  /** The event id and time every mapped event carries from its delivery. */
  const envelope = (delivery: SignedDelivery) => ({
    eventId: (JSON.parse(delivery.body.toString()) as { id: string }).id,
    occurredAt: at(delivery.timestamp),
  });
  const checkoutSession = (overrides: Record<string, unknown>) => ({
    id: 'cs_test_async',
    object: 'checkout.session',
    payment_status: 'unpaid',
    payment_intent: null,
    client_reference_id: null,
    amount_total: 4900,
    currency: 'usd',
    metadata: {},
    ...overrides,
  });

  it('maps a signed checkout.session.completed to payment.succeeded with the PaymentIntent id', async () => {
    const { sessionId, delivery } = await completedDelivery('order-30');
    const event = parseOnTime(delivery);
    const session = server.sessions.get(sessionId);
    expect(event).toEqual({
      ...envelope(delivery),
      type: 'payment.succeeded',
      paymentId: session?.payment_intent,
      orderId: 'order-30',
      amount: usd(12800),
      cardLast4: null,
    });
    expect(session?.payment_intent).toMatch(/^pi_test_/);
  });

  it('refuses a tampered body', async () => {
    const { delivery } = await completedDelivery('order-31');
    const tampered = Buffer.from(
      delivery.body.toString().replace('"amount_total":12800', '"amount_total":1'),
    );
    expect(tampered.equals(delivery.body)).toBe(false);
    expect(() => stripe.parseWebhook(tampered, delivery.headers, at(delivery.timestamp))).toThrow(
      WebhookSignatureError,
    );
  });

  it('refuses a body signed with another secret', async () => {
    const { paymentId } = await redirectFor(
      chargeRequest({ orderId: 'order-32', idempotencyKey: 'order-32-charge' }),
    );
    const delivery = server.completeSession(paymentId, { secret: 'whsec_someone_else' });
    expect(() => parseOnTime(delivery)).toThrow(
      /^The webhook cannot be trusted: No signatures found matching the expected signature for payload/,
    );
  });

  it('finds the signature header whatever its case', async () => {
    const { delivery } = await completedDelivery('order-36');
    const headers = { 'Stripe-Signature': delivery.headers['stripe-signature'] };
    expect(stripe.parseWebhook(delivery.body, headers, at(delivery.timestamp))).toMatchObject({
      type: 'payment.succeeded',
      orderId: 'order-36',
    });
  });

  it('refuses a delivery without a Stripe-Signature header', async () => {
    const { delivery } = await completedDelivery('order-33');
    expect(() => stripe.parseWebhook(delivery.body, {}, at(delivery.timestamp))).toThrow(
      new WebhookSignatureError('The webhook has no Stripe-Signature header.'),
    );
  });

  it('refuses a timestamp 6 minutes old and accepts one 4 minutes old', async () => {
    const signedAt = 1_780_000_000;
    const { delivery } = await completedDelivery('order-34', signedAt);
    expect(() => stripe.parseWebhook(delivery.body, delivery.headers, at(signedAt + 6 * 60))).toThrow(
      new WebhookSignatureError('The webhook cannot be trusted: Timestamp outside the tolerance zone'),
    );
    expect(stripe.parseWebhook(delivery.body, delivery.headers, at(signedAt + 4 * 60))).toMatchObject({
      type: 'payment.succeeded',
      orderId: 'order-34',
    });
  });

  it('refuses a timestamp more than 5 minutes in the future', async () => {
    const signedAt = 1_780_000_000;
    const { delivery } = await completedDelivery('order-35', signedAt);
    expect(() => stripe.parseWebhook(delivery.body, delivery.headers, at(signedAt - 6 * 60))).toThrow(
      new WebhookSignatureError('The webhook is signed with a timestamp in the future.'),
    );
    expect(stripe.parseWebhook(delivery.body, delivery.headers, at(signedAt - 4 * 60))).not.toBeNull();
  });

  it('maps an unknown event type to null', () => {
    const delivery = server.signedEvent('customer.created', { id: 'cus_test_1', object: 'customer' });
    expect(parseOnTime(delivery)).toBeNull();
  });

  it('ignores a completed session that is not paid yet (an async payment method)', () => {
    const delivery = server.signedEvent(
      'checkout.session.completed',
      checkoutSession({ payment_intent: 'pi_test_async', client_reference_id: 'order-40' }),
    );
    expect(parseOnTime(delivery)).toBeNull();
  });

  it('maps async_payment_succeeded to payment.succeeded, with the order from metadata and the card when expanded', () => {
    const delivery = server.signedEvent(
      'checkout.session.async_payment_succeeded',
      checkoutSession({
        payment_status: 'paid',
        payment_intent: {
          id: 'pi_test_async',
          object: 'payment_intent',
          latest_charge: { id: 'ch_1', payment_method_details: { card: { last4: '4242' } } },
        },
        amount_total: 500,
        currency: 'jpy',
        metadata: { orderId: 'order-41' },
      }),
    );
    expect(parseOnTime(delivery)).toMatchObject({
      type: 'payment.succeeded',
      paymentId: 'pi_test_async',
      orderId: 'order-41',
      amount: { amount: 500, currency: 'JPY' },
      cardLast4: '4242',
    });
  });

  it('maps async_payment_failed to payment.failed and expired to payment.expired, both with the session id', () => {
    const session = checkoutSession({ id: 'cs_test_gone', client_reference_id: 'order-42' });
    const failed = server.signedEvent('checkout.session.async_payment_failed', session);
    const expired = server.signedEvent('checkout.session.expired', session);
    expect(parseOnTime(failed)).toEqual({
      ...envelope(failed),
      type: 'payment.failed',
      paymentId: 'cs_test_gone',
      orderId: 'order-42',
      reason: 'The payment failed.',
    });
    expect(parseOnTime(expired)).toEqual({
      ...envelope(expired),
      type: 'payment.expired',
      paymentId: 'cs_test_gone',
      orderId: 'order-42',
    });
  });

  it('maps charge.refunded to refund.succeeded with the latest refund, and ignores one without its refunds', () => {
    const charge = {
      id: 'ch_1',
      object: 'charge',
      payment_intent: 'pi_test_9',
      refunds: { object: 'list', data: [{ id: 're_new' }, { id: 're_old' }] },
    };
    const refunded = server.signedEvent('charge.refunded', charge);
    expect(parseOnTime(refunded)).toEqual({
      ...envelope(refunded),
      type: 'refund.succeeded',
      paymentId: 'pi_test_9',
      refundId: 're_new',
    });
    const bare = server.signedEvent('charge.refunded', { ...charge, refunds: undefined });
    expect(parseOnTime(bare)).toBeNull();
  });
});

describe('the local Stripe test server', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  const auth = { authorization: `Bearer ${SECRET_KEY}` };
  const expiresAt = () => Math.floor(Date.now() / 1000) + 3600;

  it('answers a request without a Bearer key with 401 and Stripe’s error shape', async () => {
    const response = await post('/v1/checkout/sessions', 'mode=payment');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
      },
    });
  });

  it('refuses a unit_amount that is not an integer with 400 parameter_invalid_integer', async () => {
    const body = `mode=payment&success_url=https%3A%2F%2Fa.example&expires_at=${expiresAt()}&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=49.5&line_items[0][price_data][product_data][name]=A`;
    const response = await post('/v1/checkout/sessions', body, auth);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'parameter_invalid_integer',
        param: 'line_items[0][price_data][unit_amount]',
        message: 'Invalid integer: 49.5',
      },
    });
  });

  it('refuses an expiry under 30 minutes, as Stripe does', async () => {
    const soon = Math.floor(Date.now() / 1000) + 10 * 60;
    const body = `mode=payment&success_url=https%3A%2F%2Fa.example&expires_at=${soon}&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100`;
    const response = await post('/v1/checkout/sessions', body, auth);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'expires_at' },
    });
  });

  it('replays a key’s first response and refuses the key with other parameters as idempotency_error', async () => {
    const body = `mode=payment&success_url=https%3A%2F%2Fa.example&expires_at=${expiresAt()}&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=100`;
    const first = await post('/v1/checkout/sessions', body, { ...auth, 'idempotency-key': 'raw-1' });
    const replay = await post('/v1/checkout/sessions', body, { ...auth, 'idempotency-key': 'raw-1' });
    const other = await post('/v1/checkout/sessions', `${body}0`, { ...auth, 'idempotency-key': 'raw-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: { type: 'idempotency_error' } });
  });

  it('decodes nested form keys into objects and arrays', () => {
    expect(parseStripeForm('a=1&b[c]=2&d[0][e]=3&d[1][e]=4&d[1][f][g]=5')).toEqual({
      a: '1',
      b: { c: '2' },
      d: [{ e: '3' }, { e: '4', f: { g: '5' } }],
    });
  });

  it('signs as Stripe documents: t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">', () => {
    // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac whsec_x
    expect(stripeSignature('{}', 'whsec_x', 1_700_000_000)).toBe(
      't=1700000000,v1=be8cb8325f2202445260a855532f967e30ad2a9394ce28da66ee02880ddcb661',
    );
  });
});
