import { randomUUID } from 'node:crypto';
import { TEST_GATEWAY_HEADERS } from '@learncraft/kit/testing';
import { WebhookSignatureError, type PaymentEvent, type PaymentProvider } from '../src/providers/types';
import { checkoutAs, course, priceCourse, startHarness, type Harness } from './support/harness';
import { redirectProvider } from './support/redirectProvider';

const TS = course('course-ts');

/**
 * Stripe's hosted checkout without Stripe: a delivery is trusted when its signature header is
 * "good", and its body is the event as JSON (`{"kind": "unreadable"}` fails to parse).
 */
function signedProvider(): PaymentProvider {
  return {
    ...redirectProvider(),
    parseWebhook(raw, headers) {
      if (headers['stripe-signature'] !== 'good') throw new WebhookSignatureError('bad signature');
      const body = JSON.parse(raw.toString('utf8')) as { kind?: string; event?: PaymentEvent };
      if (body.kind === 'unreadable') throw new Error('the adapter failed');
      if (!body.event) return null;
      return { ...body.event, occurredAt: new Date() };
    },
  };
}

describe('POST /webhooks/stripe', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ courses: [TS], provider: signedProvider() });
    await priceCourse(h, TS.id, 4900);
  });
  afterAll(() => h.close());

  const deliver = (
    body: unknown,
    headers: Record<string, string> = { ...TEST_GATEWAY_HEADERS, 'stripe-signature': 'good' },
  ) => h.post('/webhooks/stripe', typeof body === 'string' ? body : JSON.stringify(body), headers);

  async function pendingOrder() {
    const { learner, payload } = await checkoutAs(h, TS.id);
    return { learner, orderId: payload.order.id as string };
  }

  const paid = (orderId: string, eventId = `evt_${randomUUID()}`) => ({
    event: {
      type: 'payment.succeeded',
      eventId,
      paymentId: 'pi_test_1',
      orderId,
      amount: { amount: 4900, currency: 'USD' },
      cardLast4: null,
    },
  });

  it('a signed success event pays the order once, however often it is delivered', async () => {
    const { learner, orderId } = await pendingOrder();
    const body = paid(orderId);
    expect(await deliver(body)).toEqual({ status: 200, body: { received: true, outcome: 'PAID' } });
    expect(await deliver(body)).toEqual({ status: 200, body: { received: true, outcome: 'DUPLICATE' } });
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(1);
    expect((await h.server.store.ordersByIds([orderId]))[0]?.providerPaymentId).toBe('pi_test_1');
  });

  it('without the gateway’s credential the delivery is refused with 401 and changes nothing', async () => {
    const { learner, orderId } = await pendingOrder();
    expect((await deliver(paid(orderId), { 'stripe-signature': 'good' })).status).toBe(401);
    expect(
      (
        await deliver(paid(orderId), {
          'x-learncraft-gateway': 'wrong-secret-0123456789',
          'stripe-signature': 'good',
        })
      ).status,
    ).toBe(401);
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(0);
  });

  it('a bad signature is 400, so Stripe does not retry it', async () => {
    const { orderId } = await pendingOrder();
    expect(await deliver(paid(orderId), { ...TEST_GATEWAY_HEADERS, 'stripe-signature': 'forged' })).toEqual({
      status: 400,
      body: { error: 'INVALID_SIGNATURE' },
    });
  });

  it('an event type commerce does not act on is acknowledged with 200', async () => {
    expect(await deliver({ kind: 'other' })).toEqual({
      status: 200,
      body: { received: true, outcome: 'IGNORED' },
    });
  });

  it('an internal failure is 500, so Stripe delivers again', async () => {
    expect(await deliver({ kind: 'unreadable' })).toEqual({ status: 500, body: { error: 'INTERNAL' } });
  });

  it('a body over 1 MB is refused with 413', async () => {
    const big = JSON.stringify({ kind: 'other', padding: 'x'.repeat(1024 * 1024) });
    expect((await deliver(big)).status).toBe(413);
  });
});
