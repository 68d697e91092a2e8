import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { ACCESS, REFUND, buy, course, priceCourse, startHarness, type Harness } from './support/harness';
import { redirectProvider } from './support/redirectProvider';

const TS = course('course-ts');

const ELIGIBILITY = /* GraphQL */ `
  query Eligibility($id: ID!) {
    order(id: $id) {
      id
      refundEligibility {
        eligible
        reason
        deadline
      }
    }
  }
`;

describe.each(DATABASE_FLAVOURS)('orderRefund (%s)', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [TS] });
    await priceCourse(h, TS.id, 4900);
  });
  afterAll(() => h.close());

  const refund = (token: string, orderId: string, extra: Record<string, unknown> = {}) =>
    h.gql(
      REFUND,
      { input: { orderId, reason: 'Not what I expected', idempotencyKey: randomUUID(), ...extra } },
      token,
    );

  const codesOf = (result: Awaited<ReturnType<typeof refund>>) =>
    result.data?.orderRefund.userErrors.map((error: { code: string }) => error.code);

  it('the buyer refunds within the window: access is revoked and the events are written', async () => {
    const learner = await h.learner();
    const { order } = await buy(h, learner.token, [{ courseId: TS.id }]);
    const eligibility = await h.gql(ELIGIBILITY, { id: order.id }, learner.token);
    expect(eligibility.data?.order.refundEligibility).toEqual({
      eligible: true,
      reason: null,
      deadline: new Date(h.clock.now.getTime() + 14 * 86_400_000).toISOString(),
    });
    const result = await refund(learner.token, order.id);
    expect(result.data?.orderRefund).toEqual({
      order: {
        id: order.id,
        status: 'REFUNDED',
        refund: { amount: { amount: 4900, currency: 'USD' }, reason: 'Not what I expected' },
      },
      userErrors: [],
    });
    const access = await h.gql(
      ACCESS,
      { representations: [{ __typename: 'Course', id: TS.id }] },
      learner.token,
    );
    expect(access.data?._entities[0].viewerAccess.reason).toBe('PAYMENT_REQUIRED');
    const topics = await h.test.db.query<{ topic: string; change: string | null }>(
      "SELECT topic, payload->>'change' AS change FROM commerce.outbox WHERE payload->>'userId' = $1 OR payload->>'buyerId' = $1 ORDER BY sequence",
      [learner.id],
    );
    expect(topics.map((row) => [row.topic, row.change])).toEqual([
      ['entitlement.changed', 'GRANTED'],
      ['order.paid', null],
      ['entitlement.changed', 'REVOKED'],
      ['order.refunded', null],
    ]);
  });

  it('refunding twice is ALREADY_REFUNDED; the same key replays the first result', async () => {
    const learner = await h.learner();
    const { order } = await buy(h, learner.token, [{ courseId: TS.id }]);
    const idempotencyKey = randomUUID();
    const first = await refund(learner.token, order.id, { idempotencyKey });
    const replay = await refund(learner.token, order.id, { idempotencyKey });
    expect(replay.data).toEqual(first.data);
    const reused = await refund(learner.token, order.id, { idempotencyKey, reason: 'Something else' });
    expect(codesOf(reused)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
    const twice = await refund(learner.token, order.id);
    expect(twice.data?.orderRefund).toEqual({
      order: null,
      userErrors: [{ code: 'ALREADY_REFUNDED', message: expect.any(String), field: ['input', 'orderId'] }],
    });
    expect(await h.count('SELECT count(*) AS n FROM commerce.refunds WHERE order_id = $1', [order.id])).toBe(
      1,
    );
  });

  it('after the window it is REFUND_WINDOW_CLOSED for the buyer, while an ADMIN still may', async () => {
    const learner = await h.learner();
    const { order } = await buy(h, learner.token, [{ courseId: TS.id }]);
    const paidAt = h.clock.now;
    h.clock.now = new Date(paidAt.getTime() + 14 * 86_400_000);
    try {
      expect(codesOf(await refund(learner.token, order.id))).toEqual(['REFUND_WINDOW_CLOSED']);
      const admin = await h.learner(['LEARNER', 'ADMIN']);
      expect((await refund(admin.token, order.id)).data?.orderRefund.order.status).toBe('REFUNDED');
    } finally {
      h.clock.now = paidAt;
    }
  });

  it('with 30 % of the course completed it is TOO_MUCH_COMPLETED; at 29 % it is refunded', async () => {
    const learner = await h.learner();
    const { order } = await buy(h, learner.token, [{ courseId: TS.id }]);
    h.progress.percents.set(`${learner.id}:${TS.id}`, 30);
    expect(codesOf(await refund(learner.token, order.id))).toEqual(['TOO_MUCH_COMPLETED']);
    h.progress.percents.set(`${learner.id}:${TS.id}`, 29);
    expect((await refund(learner.token, order.id)).data?.orderRefund.order.status).toBe('REFUNDED');
  });

  it('someone else’s order is NOT_FOUND, as an unknown id is, and stays paid', async () => {
    const buyer = await h.learner();
    const { order } = await buy(h, buyer.token, [{ courseId: TS.id }]);
    const other = await h.learner();
    const result = await refund(other.token, order.id);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    const unknown = await refund(other.token, randomUUID());
    expect(unknown.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    expect((await h.gql(ELIGIBILITY, { id: order.id }, other.token)).data?.order).toBeNull();
    expect((await h.server.store.ordersByIds([order.id]))[0]?.status).toBe('PAID');
  });

  it('refunding a plan ends the subscription and its access', async () => {
    const learner = await h.learner();
    const plans = await h.gql('{ plans { id code } }');
    const { order } = await buy(h, learner.token, [{ planId: plans.data?.plans[0].id }]);
    expect((await refund(learner.token, order.id)).data?.orderRefund.order.status).toBe('REFUNDED');
    expect(
      await h.count(
        "SELECT count(*) AS n FROM commerce.plan_subscriptions WHERE user_id = $1 AND status = 'ENDED'",
        [learner.id],
      ),
    ).toBe(1);
    const access = await h.gql(
      ACCESS,
      { representations: [{ __typename: 'Course', id: TS.id }] },
      learner.token,
    );
    expect(access.data?._entities[0].viewerAccess.reason).toBe('PAYMENT_REQUIRED');
  });

  it('a pending order cannot be refunded: NOT_PAID', async () => {
    const pending = await startHarness({ flavour: 'pglite', courses: [TS], provider: redirectProvider() });
    try {
      await priceCourse(pending, TS.id, 4900);
      const learner = await pending.learner();
      const created = await pending.gql(
        `mutation($input: CheckoutCreateInput!) { checkoutCreate(input: $input) { order { id status } } }`,
        { input: { items: [{ courseId: TS.id }], idempotencyKey: randomUUID() } },
        learner.token,
      );
      const orderId = created.data?.checkoutCreate.order.id;
      const result = await pending.gql(
        REFUND,
        { input: { orderId, reason: 'changed my mind', idempotencyKey: randomUUID() } },
        learner.token,
      );
      expect(result.data?.orderRefund.userErrors.map((error: { code: string }) => error.code)).toEqual([
        'NOT_PAID',
      ]);
    } finally {
      await pending.close();
    }
  });
});
