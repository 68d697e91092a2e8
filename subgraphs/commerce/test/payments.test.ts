import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import type { PaymentEvent } from '../src/providers/types';
import {
  INSTRUCTOR_ID,
  checkoutAs,
  course,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';
import { redirectProvider } from './support/redirectProvider';

const TS = course('course-ts', { instructorIds: [INSTRUCTOR_ID] });

describe.each(DATABASE_FLAVOURS)('payment events (%s)', (flavour) => {
  let h: Harness;
  const provider = redirectProvider();
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [TS], provider });
    await priceCourse(h, TS.id, 4900);
  });
  afterAll(() => h.close());

  async function pendingOrder() {
    const { learner, payload } = await checkoutAs(h, TS.id, { returnUrl: 'https://app.example/done' });
    return { learner, order: payload.order };
  }

  const succeeded = (
    orderId: string,
    eventId = `evt_${randomUUID()}`,
  ): Extract<PaymentEvent, { type: 'payment.succeeded' }> => ({
    type: 'payment.succeeded',
    eventId,
    paymentId: 'pi_123',
    orderId,
    amount: { amount: 4900, currency: 'USD' },
    cardLast4: '4242',
    occurredAt: h.clock.now,
  });

  const entitlementEvents = (userId: string) =>
    h.count(
      "SELECT count(*) AS n FROM commerce.outbox WHERE topic = 'entitlement.changed' AND payload->>'userId' = $1",
      [userId],
    );

  it('a hosted checkout leaves the order PENDING with its URL until the payment succeeds', async () => {
    const { learner, order } = await pendingOrder();
    expect(order).toMatchObject({
      status: 'PENDING',
      payment: { provider: 'STRIPE', checkoutUrl: `https://checkout.example/${order.id}` },
      receipt: null,
    });
    expect(provider.charges.at(-1)).toMatchObject({
      orderId: order.id,
      amount: { amount: 4900, currency: 'USD' },
      idempotencyKey: `order:${order.id}`,
      returnUrl: 'https://app.example/done',
    });
    expect(await h.server.payments.confirm(succeeded(order.id))).toBe('PAID');
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(1);
    const [row] = await h.test.db.query<{ payload: unknown }>(
      "SELECT payload FROM commerce.outbox WHERE topic = 'order.paid' AND payload->>'orderId' = $1",
      [order.id],
    );
    expect(row?.payload).toEqual({
      orderId: order.id,
      buyerId: learner.id,
      total: { amount: 4900, currency: 'USD' },
    });
  });

  it('the same event delivered twice grants once; a failure after success changes nothing', async () => {
    const { learner, order } = await pendingOrder();
    const event = succeeded(order.id);
    expect(await h.server.payments.confirm(event)).toBe('PAID');
    expect(await h.server.payments.confirm(event)).toBe('DUPLICATE');
    const failed: PaymentEvent = {
      type: 'payment.failed',
      eventId: `evt_${randomUUID()}`,
      paymentId: 'pi_123',
      orderId: order.id,
      reason: 'late',
      occurredAt: h.clock.now,
    };
    expect(await h.server.payments.confirm(failed)).toBe('IGNORED');
    const [stored] = await h.server.store.ordersByIds([order.id]);
    expect(stored?.status).toBe('PAID');
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(1);
    expect(await entitlementEvents(learner.id)).toBe(1);
  });

  it('an amount that differs from the total grants nothing', async () => {
    const { learner, order } = await pendingOrder();
    const outcome = await h.server.payments.confirm({
      ...succeeded(order.id),
      amount: { amount: 100, currency: 'USD' },
    });
    expect(outcome).toBe('AMOUNT_MISMATCH');
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(0);
  });

  it('an expired checkout is CANCELED by the sweep, and a success arriving later still grants', async () => {
    const { learner, order } = await pendingOrder();
    const started = h.clock.now;
    const pending = await h.count("SELECT count(*) AS n FROM commerce.orders WHERE status = 'PENDING'");
    h.clock.now = new Date(started.getTime() + 61 * 60_000);
    try {
      expect((await h.server.sweeper.sweep()).expiredOrders).toBe(pending);
      expect((await h.server.store.ordersByIds([order.id]))[0]?.status).toBe('CANCELED');
      expect(await h.server.payments.confirm(succeeded(order.id))).toBe('PAID');
      expect(
        await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
      ).toBe(1);
    } finally {
      h.clock.now = started;
    }
  });

  it('a failed payment declines the pending order with its reason', async () => {
    const { order } = await pendingOrder();
    const outcome = await h.server.payments.confirm({
      type: 'payment.failed',
      eventId: `evt_${randomUUID()}`,
      paymentId: 'pi_9',
      orderId: order.id,
      reason: 'Your card was declined.',
      occurredAt: h.clock.now,
    });
    expect(outcome).toBe('DECLINED');
    const [stored] = await h.server.store.ordersByIds([order.id]);
    expect([stored?.status, stored?.declineReason]).toEqual(['DECLINED', 'Your card was declined.']);
  });

  if (flavour === 'postgres') {
    it('10 concurrent deliveries of one payment event: one entitlement and one entitlement.changed', async () => {
      const { learner, order } = await pendingOrder();
      const event = succeeded(order.id);
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => h.server.payments.confirm(event)));
      expect(outcomes.filter((outcome) => outcome === 'PAID')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'DUPLICATE')).toHaveLength(9);
      expect(
        await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
      ).toBe(1);
      expect(await entitlementEvents(learner.id)).toBe(1);
      expect(
        await h.count(
          "SELECT count(*) AS n FROM commerce.outbox WHERE topic = 'order.paid' AND payload->>'orderId' = $1",
          [order.id],
        ),
      ).toBe(1);
    });
  }
});
