/**
 * Stripe end to end inside commerce: the real adapter (the official `stripe` client) against the
 * local Stripe test server, and its signed webhook deliveries through `POST /webhooks/stripe`.
 */
import { randomUUID } from 'node:crypto';
import { TEST_GATEWAY_HEADERS } from '@learncraft/kit/testing';
import { createStripePaymentProvider } from '../src/providers/stripe';
import {
  CHECKOUT,
  GOOD_CARD,
  REFUND,
  course,
  priceCourse,
  startHarness,
  type Harness,
  checkoutAs,
} from './support/harness';
import { startStripeTestServer, type SignedDelivery, type StripeTestServer } from './support/stripeServer';

const TS = course('course-ts', { title: 'TypeScript fundamentals' });
const SECRET_KEY = 'sk_test_commerce_webhooks';
const WEBHOOK_SECRET = 'whsec_commerce_webhooks';

describe('Stripe checkout and webhooks', () => {
  let stripe: StripeTestServer;
  let h: Harness;
  beforeAll(async () => {
    stripe = await startStripeTestServer({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
    h = await startHarness({
      courses: [TS],
      provider: createStripePaymentProvider({
        secretKey: SECRET_KEY,
        webhookSecret: WEBHOOK_SECRET,
        apiUrl: stripe.url,
      }),
    });
    await priceCourse(h, TS.id, 4900);
  });
  afterAll(async () => {
    await h.close();
    await stripe.close();
  });

  const deliver = (delivery: SignedDelivery, body: Buffer = delivery.body) =>
    h.post('/webhooks/stripe', body.toString('utf8'), { ...TEST_GATEWAY_HEADERS, ...delivery.headers });
  const signedAt = () => ({ timestamp: Math.floor(h.clock.now.getTime() / 1000) });

  async function pendingOrder() {
    const { learner, payload } = await checkoutAs(h, TS.id, { returnUrl: 'https://app.example/orders' });
    const order = payload.order;
    const session = [...stripe.sessions.values()].find(
      (candidate) => candidate.client_reference_id === order.id,
    );
    if (!session) throw new Error('no Checkout Session was created for the order');
    return { learner, order, session };
  }

  it('a checkout opens a Checkout Session for the order total and waits PENDING', async () => {
    const { order, session } = await pendingOrder();
    expect(order).toMatchObject({
      status: 'PENDING',
      payment: { provider: 'STRIPE', checkoutUrl: session.url },
    });
    expect(session).toMatchObject({ amount_total: 4900, currency: 'usd', metadata: { orderId: order.id } });
  });

  it('a hosted checkout only returns the buyer to the web app: another origin is INVALID_RETURN_URL', async () => {
    const sessions = stripe.sessions.size;
    const { payload } = await checkoutAs(h, TS.id, { returnUrl: 'https://app.example.evil.test/orders' });
    expect(payload.order).toBeNull();
    expect(payload.userErrors).toEqual([
      {
        code: 'INVALID_RETURN_URL',
        message: 'The return URL must be a page of the LearnCraft web app (https://app.example).',
        field: ['input', 'payment', 'returnUrl'],
      },
    ]);
    expect(stripe.sessions.size).toBe(sessions);
  });

  it('the signed checkout.session.completed pays the order once, however often Stripe delivers it', async () => {
    const { learner, order, session } = await pendingOrder();
    const delivery = stripe.completeSession(session.id, signedAt());
    expect(await deliver(delivery)).toEqual({ status: 200, body: { received: true, outcome: 'PAID' } });
    expect(await deliver(delivery)).toEqual({ status: 200, body: { received: true, outcome: 'DUPLICATE' } });
    const [stored] = await h.server.store.ordersByIds([order.id]);
    expect(stored?.status).toBe('PAID');
    expect(stored?.providerPaymentId).toMatch(/^pi_test_/);
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(1);
  });

  it('a tampered body or another secret’s signature is 400 and pays nothing', async () => {
    const { order, session } = await pendingOrder();
    const delivery = stripe.completeSession(session.id, signedAt());
    const tampered = Buffer.from(delivery.body.toString('utf8').replace('"paid"', '"unpaid"'));
    expect((await deliver(delivery, tampered)).status).toBe(400);
    const forged = stripe.completeSession(session.id, { ...signedAt(), secret: 'whsec_someone_else' });
    expect((await deliver(forged)).status).toBe(400);
    expect((await h.server.store.ordersByIds([order.id]))[0]?.status).toBe('PENDING');
  });

  it('a refund of a Stripe order refunds its PaymentIntent with the order’s idempotency key', async () => {
    const { learner, order, session } = await pendingOrder();
    await deliver(stripe.completeSession(session.id, signedAt()));
    const [paid] = await h.server.store.ordersByIds([order.id]);
    const result = await h.gql(
      REFUND,
      { input: { orderId: order.id, reason: 'Bought by mistake', idempotencyKey: randomUUID() } },
      learner.token,
    );
    expect(result.data?.orderRefund.order.status).toBe('REFUNDED');
    const refund = stripe.requests.filter((request) => request.path === '/v1/refunds').at(-1);
    expect(refund).toMatchObject({
      idempotencyKey: `refund:${order.id}`,
      params: { payment_intent: paid?.providerPaymentId, amount: '4900' },
    });
  });

  it('a checkout replaced by a newer one and paid after it is refunded at Stripe and grants nothing', async () => {
    const learner = await h.learner();
    const open = async () => {
      const result = await h.gql(
        CHECKOUT,
        {
          input: {
            items: [{ courseId: TS.id }],
            payment: { returnUrl: 'https://app.example/orders' },
            idempotencyKey: randomUUID(),
          },
        },
        learner.token,
      );
      const order = result.data?.checkoutCreate.order;
      const session = [...stripe.sessions.values()].find(
        (candidate) => candidate.client_reference_id === order.id,
      );
      if (!session) throw new Error('no Checkout Session was created for the order');
      return { order, session };
    };
    const first = await open();
    const second = await open();
    expect((await h.server.store.ordersByIds([first.order.id]))[0]?.status).toBe('CANCELED');
    expect((await deliver(stripe.completeSession(second.session.id, signedAt()))).body.outcome).toBe('PAID');
    const late = stripe.completeSession(first.session.id, signedAt());
    expect(await deliver(late)).toEqual({ status: 200, body: { received: true, outcome: 'REFUNDED' } });
    expect(await deliver(late)).toEqual({ status: 200, body: { received: true, outcome: 'DUPLICATE' } });
    const [refunded] = await h.server.store.ordersByIds([first.order.id]);
    expect(refunded?.status).toBe('REFUNDED');
    const refunds = stripe.requests.filter(
      (request) =>
        request.path === '/v1/refunds' && request.idempotencyKey === `refund:auto:${first.order.id}`,
    );
    expect(refunds.map((request) => request.params)).toEqual([
      expect.objectContaining({ payment_intent: refunded?.providerPaymentId, amount: '4900' }),
    ]);
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(1);
  });

  it('a test card is refused on Stripe', async () => {
    const { payload } = await checkoutAs(h, TS.id, { testCard: GOOD_CARD });
    expect(payload.userErrors).toEqual([
      expect.objectContaining({ code: 'TEST_CARD_NOT_ACCEPTED', field: ['input', 'payment', 'testCard'] }),
    ]);
  });
});
