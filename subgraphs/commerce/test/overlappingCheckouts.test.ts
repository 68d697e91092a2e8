import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import type { PaymentEvent } from '../src/providers/types';
import {
  CHECKOUT,
  INSTRUCTOR_ID,
  course,
  createCoupon,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';
import { redirectProvider } from './support/redirectProvider';

const TS = course('course-ts', { title: 'TypeScript fundamentals' });
const ADV = course('course-adv', { title: 'Advanced types' });

describe.each(DATABASE_FLAVOURS)('overlapping checkouts on Stripe (%s)', (flavour) => {
  let h: Harness;
  const provider = redirectProvider();
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [TS, ADV], provider });
    await priceCourse(h, TS.id, 4900);
    await priceCourse(h, ADV.id, 7900);
    await createCoupon(h, 'AGAIN10', { percentOff: 10, createdBy: INSTRUCTOR_ID });
  });
  afterAll(() => h.close());

  async function checkout(
    token: string,
    items: { courseId?: string; planId?: string }[],
    couponCode?: string,
  ) {
    const result = await h.gql(
      CHECKOUT,
      {
        input: {
          items,
          payment: { returnUrl: 'https://app.example/orders' },
          idempotencyKey: randomUUID(),
          ...(couponCode ? { couponCode } : {}),
        },
      },
      token,
    );
    expect(result.data?.checkoutCreate.userErrors).toEqual([]);
    return result.data?.checkoutCreate.order;
  }

  const paid = (orderId: string, amount: number, paymentId = `pi_${randomUUID()}`) =>
    ({
      type: 'payment.succeeded',
      eventId: `evt_${randomUUID()}`,
      paymentId,
      orderId,
      amount: { amount, currency: 'USD' },
      cardLast4: '4242',
      occurredAt: h.clock.now,
    }) satisfies PaymentEvent;

  const stored = async (orderId: string) => (await h.server.store.ordersByIds([orderId]))[0];
  const grants = (userId: string) =>
    h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [userId]);

  it('a second checkout of the same course cancels the pending first and releases its coupon', async () => {
    const learner = await h.learner();
    const first = await checkout(learner.token, [{ courseId: TS.id }], 'AGAIN10');
    expect(first.status).toBe('PENDING');
    const second = await checkout(learner.token, [{ courseId: TS.id }, { courseId: ADV.id }], 'AGAIN10');
    expect(second).toMatchObject({ status: 'PENDING', couponCode: 'AGAIN10', total: { amount: 11520 } });
    expect((await stored(first.id))?.status).toBe('CANCELED');
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.coupon_redemptions WHERE order_id = $1', [first.id]),
    ).toBe(0);
  });

  it('a checkout of other courses leaves the pending one alone', async () => {
    const learner = await h.learner();
    const first = await checkout(learner.token, [{ courseId: TS.id }]);
    await checkout(learner.token, [{ courseId: ADV.id }]);
    expect((await stored(first.id))?.status).toBe('PENDING');
  });

  it('the replaced checkout paid after the newer one is refunded automatically and grants nothing', async () => {
    const learner = await h.learner();
    const first = await checkout(learner.token, [{ courseId: TS.id }]);
    const second = await checkout(learner.token, [{ courseId: TS.id }]);
    expect(await h.server.payments.confirm(paid(second.id, 4900))).toBe('PAID');
    const late = paid(first.id, 4900, 'pi_late');
    expect(await h.server.payments.confirm(late)).toBe('REFUNDED');
    expect(provider.refunds.at(-1)).toEqual({
      paymentId: 'pi_late',
      amount: { amount: 4900, currency: 'USD' },
      reason: 'Paid twice; refunded automatically.',
      idempotencyKey: `refund:auto:${first.id}`,
    });
    const refunded = await stored(first.id);
    expect([refunded?.status, refunded?.providerPaymentId]).toEqual(['REFUNDED', 'pi_late']);
    const [refund] = await h.server.store.refundsByOrders([first.id]);
    expect([refund?.amount, refund?.reason, refund?.providerRefundId]).toEqual([
      4900,
      'Paid twice; refunded automatically.',
      `re_${provider.refunds.length}`,
    ]);
    expect(await grants(learner.id)).toBe(1);
    const refundsBefore = provider.refunds.length;
    expect(await h.server.payments.confirm(late)).toBe('DUPLICATE');
    expect(provider.refunds).toHaveLength(refundsBefore);
    expect(
      await h.count(
        "SELECT count(*) AS n FROM commerce.outbox WHERE payload->>'orderId' = $1 OR payload->>'userId' = $2",
        [first.id, learner.id],
      ),
    ).toBe(1);
  });

  it('the replaced checkout paid while the newer one is not grants as before', async () => {
    const learner = await h.learner();
    const first = await checkout(learner.token, [{ courseId: TS.id }]);
    await checkout(learner.token, [{ courseId: TS.id }]);
    const refundsBefore = provider.refunds.length;
    expect(await h.server.payments.confirm(paid(first.id, 4900))).toBe('PAID');
    expect((await stored(first.id))?.status).toBe('PAID');
    expect(provider.refunds).toHaveLength(refundsBefore);
    expect(await grants(learner.id)).toBe(1);
  });

  it('a replaced checkout with a coupon paid after all counts its redemption again', async () => {
    await createCoupon(h, 'LATE10', { percentOff: 10, createdBy: INSTRUCTOR_ID });
    const redemptions = async () => {
      const coupon = await h.server.store.couponByCode('LATE10');
      return coupon?.redemptionCount;
    };
    const learner = await h.learner();
    const first = await checkout(learner.token, [{ courseId: TS.id }], 'LATE10');
    await checkout(learner.token, [{ courseId: TS.id }]);
    expect(await redemptions()).toBe(0);
    expect(await h.server.payments.confirm(paid(first.id, 4410))).toBe('PAID');
    expect(await redemptions()).toBe(1);
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.coupon_redemptions WHERE order_id = $1', [first.id]),
    ).toBe(1);
    const again = await h.gql(
      CHECKOUT,
      {
        input: {
          items: [{ courseId: ADV.id }],
          couponCode: 'LATE10',
          payment: { returnUrl: 'https://app.example/orders' },
          idempotencyKey: randomUUID(),
        },
      },
      learner.token,
    );
    expect(again.data?.checkoutCreate.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'COUPON_ALREADY_USED',
    ]);
  });

  it('two pending checkouts of one course (opened at once) both paid: the second is refunded automatically', async () => {
    const learner = await h.learner();
    const first = await checkout(learner.token, [{ courseId: TS.id }]);
    // The race: a second checkout created before the first was there to be replaced.
    const usd = (amount: number) => ({ amount, currency: 'USD' });
    const raced = await h.server.store.createOrder({
      buyerId: learner.id,
      buyerEmail: 'raced@example.com',
      currency: 'USD',
      subtotal: 4900,
      discount: 0,
      total: 4900,
      coupon: null,
      provider: 'STRIPE',
      idempotencyKey: randomUUID(),
      requestFingerprint: 'raced',
      lines: [
        {
          kind: 'COURSE',
          courseId: TS.id,
          planId: null,
          title: TS.title,
          unitPrice: usd(4900),
          discount: usd(0),
          total: usd(4900),
          instructorIds: TS.instructorIds,
        },
      ],
      at: h.clock.now,
      expiresAt: new Date(h.clock.now.getTime() + 3_600_000),
    });
    if (raced.kind !== 'CREATED') throw new Error(`the raced order was not created: ${raced.kind}`);
    expect((await stored(first.id))?.status).toBe('PENDING');
    expect(await h.server.payments.confirm(paid(first.id, 4900))).toBe('PAID');
    const refundsBefore = provider.refunds.length;
    expect(await h.server.payments.confirm(paid(raced.order.id, 4900, 'pi_raced'))).toBe('REFUNDED');
    expect(provider.refunds.slice(refundsBefore)).toEqual([
      {
        paymentId: 'pi_raced',
        amount: { amount: 4900, currency: 'USD' },
        reason: 'Paid twice; refunded automatically.',
        idempotencyKey: `refund:auto:${raced.order.id}`,
      },
    ]);
    expect((await stored(raced.order.id))?.status).toBe('REFUNDED');
    expect(await grants(learner.id)).toBe(1);
  });

  it('a pending course checkout paid while a plan covers the course is still sold (the plan may end)', async () => {
    const learner = await h.learner();
    const pendingCourse = await checkout(learner.token, [{ courseId: ADV.id }]);
    const [plan] = await h.server.store.plans();
    const planOrder = await checkout(learner.token, [{ planId: plan!.id }]);
    expect(await h.server.payments.confirm(paid(planOrder.id, plan!.amount))).toBe('PAID');
    expect(await h.server.payments.confirm(paid(pendingCourse.id, 7900))).toBe('PAID');
    expect(await grants(learner.id)).toBe(2);
  });

  it('a second plan checkout cancels a pending plan checkout, whichever plan', async () => {
    const learner = await h.learner();
    const plans = (await h.server.store.plans()).filter((plan) => !plan.perSeat);
    const first = await checkout(learner.token, [{ planId: plans[0]!.id }]);
    await checkout(learner.token, [{ planId: plans[1]!.id }]);
    expect((await stored(first.id))?.status).toBe('CANCELED');
  });
});
