import { createLogger } from '@learncraft/kit';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { createTestPaymentProvider } from '../src/providers/testProvider';
import type { PaymentProvider, SavedChargeRequest } from '../src/providers/types';
import { Sweeper } from '../src/services/subscriptions';
import {
  ACCESS,
  GOOD_CARD,
  ORDER_FIELDS,
  buy,
  course,
  emailOf,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';
import { redirectProvider } from './support/redirectProvider';

const TS = course('course-ts');

const SUBSCRIPTION = /* GraphQL */ `
  query Subscription($id: ID!) {
    _entities(representations: [{ __typename: "User", id: $id }]) {
      ... on User {
        planSubscription {
          id
          status
          renews
          currentPeriodStart
          currentPeriodEnd
          plan {
            code
          }
        }
      }
    }
  }
`;

const CANCEL = /* GraphQL */ `
  mutation Cancel($id: ID!) {
    planSubscriptionCancel(input: { subscriptionId: $id }) {
      planSubscription {
        id
        status
        renews
      }
      userErrors {
        code
        field
      }
    }
  }
`;

const ORDERS = /* GraphQL */ `
  query Orders($id: ID!) {
    _entities(representations: [{ __typename: "User", id: $id }]) {
      ... on User {
        orders { totalCount edges { node { ${ORDER_FIELDS} } } }
      }
    }
  }
`;

/** Pays now but its saved payment method declines the renewal. */
const DECLINES_LATER_CARD = { ...GOOD_CARD, number: '4000 0000 0000 0341' };

/** The test provider, recording the saved-method charges it is asked for. */
function countingProvider(now: () => Date): PaymentProvider & { saved: SavedChargeRequest[] } {
  const base = createTestPaymentProvider({ now });
  const saved: SavedChargeRequest[] = [];
  return {
    ...base,
    saved,
    chargeSaved(request) {
      saved.push(request);
      return base.chargeSaved!(request);
    },
  };
}

describe.each(DATABASE_FLAVOURS)('plan subscriptions (%s)', (flavour) => {
  let h: Harness;
  /** The outbox holds the revocation of the user's plan grant. */
  async function expectRevocationAnnounced(userId: string) {
    const [revoked] = await h.test.db.query<{ payload: unknown }>(
      "SELECT payload FROM commerce.outbox WHERE topic = 'entitlement.changed' AND payload->>'userId' = $1 AND payload->>'change' = 'REVOKED'",
      [userId],
    );
    expect(revoked?.payload).toEqual({
      entitlementId: expect.any(String),
      userId,
      courseIds: null,
      change: 'REVOKED',
    });
  }
  const provider = countingProvider(() => h.clock.now);
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [TS], provider });
    await priceCourse(h, TS.id, 4900);
  });
  afterAll(() => h.close());

  it('a canceled subscription keeps access until the period end, then the sweep ends it', async () => {
    const learner = await h.learner();
    const plans = await h.gql('{ plans { id code } }');
    const monthly = plans.data?.plans.find((plan: { code: string }) => plan.code === 'all-access-monthly');
    await buy(h, learner.token, [{ planId: monthly.id }]);
    const start = h.clock.now;
    const current = (await h.gql(SUBSCRIPTION, { id: learner.id }, learner.token)).data?._entities[0]
      .planSubscription;
    expect(current).toEqual({
      id: expect.any(String),
      status: 'ACTIVE',
      renews: true,
      currentPeriodStart: start.toISOString(),
      currentPeriodEnd: '2026-04-02T10:00:00.000Z',
      plan: { code: 'all-access-monthly' },
    });

    const other = await h.learner();
    const refused = await h.gql(CANCEL, { id: current.id }, other.token);
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);

    const canceled = await h.gql(CANCEL, { id: current.id }, learner.token);
    expect(canceled.data?.planSubscriptionCancel).toEqual({
      planSubscription: { id: current.id, status: 'CANCELED', renews: false },
      userErrors: [],
    });
    const twice = await h.gql(CANCEL, { id: current.id }, learner.token);
    expect(twice.data?.planSubscriptionCancel.userErrors).toEqual([
      { code: 'ALREADY_CANCELED', field: ['input', 'subscriptionId'] },
    ]);
    const access = () =>
      h.gql(ACCESS, { representations: [{ __typename: 'Course', id: TS.id }] }, learner.token);
    expect((await access()).data?._entities[0].viewerAccess.reason).toBe('SUBSCRIPTION');

    h.clock.now = new Date('2026-04-02T10:00:00.000Z');
    try {
      expect((await h.server.sweeper.sweep()).endedSubscriptions).toBe(1);
      expect((await access()).data?._entities[0].viewerAccess.reason).toBe('PAYMENT_REQUIRED');
      expect(
        (await h.gql(SUBSCRIPTION, { id: learner.id }, learner.token)).data?._entities[0].planSubscription,
      ).toBeNull();
      await expectRevocationAnnounced(learner.id);
      expect((await h.server.sweeper.sweep()).endedSubscriptions).toBe(0);
    } finally {
      h.clock.now = start;
    }
  });

  const MONTH_END = new Date('2026-04-02T10:00:00.000Z');

  async function subscribe(card = GOOD_CARD) {
    const learner = await h.learner();
    const monthly = (await h.server.store.plans()).find((plan) => plan.code === 'all-access-monthly')!;
    const payload = await buy(h, learner.token, [{ planId: monthly.id }], {
      payment: { testCard: card },
    });
    expect(payload.order.status).toBe('PAID');
    const subscription = (await h.gql(SUBSCRIPTION, { id: learner.id }, learner.token)).data?._entities[0]
      .planSubscription;
    return { learner, subscription, firstOrder: payload.order };
  }
  const subscriptionOf = async (learner: { id: string; token: string }) =>
    (await h.gql(SUBSCRIPTION, { id: learner.id }, learner.token)).data?._entities[0].planSubscription;
  const ordersOf = async (learner: { id: string; token: string }) =>
    (await h.gql(ORDERS, { id: learner.id }, learner.token)).data?._entities[0].orders;
  const accessOf = async (learner: { token: string }) =>
    (await h.gql(ACCESS, { representations: [{ __typename: 'Course', id: TS.id }] }, learner.token)).data
      ?._entities[0].viewerAccess.reason;
  const chargesOf = (subscriptionId: string) =>
    provider.saved.filter((request) => request.idempotencyKey.startsWith(`renewal:${subscriptionId}:`));
  const atMonthEnd = async (work: () => Promise<void>) => {
    const start = h.clock.now;
    h.clock.now = MONTH_END;
    try {
      await work();
    } finally {
      h.clock.now = start;
    }
  };

  it('a monthly plan renews at its period end: a second PAID order, a new period, access goes on', async () => {
    const { learner, subscription, firstOrder } = await subscribe();
    await atMonthEnd(async () => {
      const report = await h.server.sweeper.sweep();
      expect(report.renewedSubscriptions).toBeGreaterThanOrEqual(1);
      expect(await subscriptionOf(learner)).toEqual({
        id: subscription.id,
        status: 'ACTIVE',
        renews: true,
        currentPeriodStart: '2026-04-02T10:00:00.000Z',
        currentPeriodEnd: '2026-05-02T10:00:00.000Z',
        plan: { code: 'all-access-monthly' },
      });
      expect(await accessOf(learner)).toBe('SUBSCRIPTION');
      expect(chargesOf(subscription.id)).toEqual([
        {
          paymentMethodId: expect.stringMatching(/^test_pm_ok_[0-9a-f-]{36}$/),
          amount: { amount: 1900, currency: 'USD' },
          idempotencyKey: `renewal:${subscription.id}:2026-04-02T10:00:00.000Z`,
          description: expect.stringMatching(/^All-access monthly, LC-\d{6}$/),
        },
      ]);
      const orders = await ordersOf(learner);
      expect(orders.totalCount).toBe(2);
      const renewal = orders.edges[0].node;
      expect(orders.edges[1].node.id).toBe(firstOrder.id);
      expect(renewal).toMatchObject({
        status: 'PAID',
        buyer: { id: learner.id },
        lines: [
          {
            title: 'All-access monthly',
            course: null,
            plan: { code: 'all-access-monthly' },
            unitPrice: { amount: 1900, currency: 'USD' },
            discount: { amount: 0, currency: 'USD' },
            total: { amount: 1900, currency: 'USD' },
          },
        ],
        total: { amount: 1900, currency: 'USD', formatted: '$19.00' },
        couponCode: null,
        payment: { provider: 'TEST', checkoutUrl: null, cardLast4: '4242', declineReason: null },
        paidAt: '2026-04-02T10:00:00.000Z',
        receipt: { issuedAt: '2026-04-02T10:00:00.000Z', billedTo: emailOf(learner.id) },
        refund: null,
      });
      expect(
        await h.count(
          "SELECT count(*) AS n FROM commerce.outbox WHERE topic = 'entitlement.changed' AND payload->>'userId' = $1 AND payload->>'change' = 'GRANTED'",
          [learner.id],
        ),
      ).toBe(2);
      expect(
        await h.count('SELECT count(*) AS n FROM commerce.earnings WHERE order_id = $1', [renewal.id]),
      ).toBe(0);

      // The same instant again: nothing is due, nothing is charged.
      await h.server.sweeper.sweep();
      expect(chargesOf(subscription.id)).toHaveLength(1);
      expect((await ordersOf(learner)).totalCount).toBe(2);
    });
    h.clock.now = new Date('2026-04-20T10:00:00.000Z');
    try {
      expect(await accessOf(learner)).toBe('SUBSCRIPTION');
    } finally {
      h.clock.now = new Date('2026-03-02T10:00:00.000Z');
    }
  });

  it('a declined renewal ends the subscription and access', async () => {
    const { learner, subscription } = await subscribe(DECLINES_LATER_CARD);
    expect(subscription).toMatchObject({ status: 'ACTIVE', renews: true });
    await atMonthEnd(async () => {
      expect((await h.server.sweeper.sweep()).endedSubscriptions).toBeGreaterThanOrEqual(1);
      expect(await subscriptionOf(learner)).toBeNull();
      expect(await accessOf(learner)).toBe('PAYMENT_REQUIRED');
      const orders = await ordersOf(learner);
      expect(orders.totalCount).toBe(2);
      expect(orders.edges[0].node).toMatchObject({
        status: 'DECLINED',
        total: { amount: 1900, currency: 'USD' },
        payment: { provider: 'TEST', declineReason: 'Your card was declined.' },
        receipt: null,
      });
      expect(
        await h.count(
          "SELECT count(*) AS n FROM commerce.plan_subscriptions WHERE id = $1 AND status = 'ENDED'",
          [subscription.id],
        ),
      ).toBe(1);
      await expectRevocationAnnounced(learner.id);
      await h.server.sweeper.sweep();
      expect(chargesOf(subscription.id)).toHaveLength(1);
    });
  });

  it('a canceled subscription ends at its period end without a charge', async () => {
    const { learner, subscription } = await subscribe();
    const canceled = await h.gql(CANCEL, { id: subscription.id }, learner.token);
    expect(canceled.data?.planSubscriptionCancel.userErrors).toEqual([]);
    await atMonthEnd(async () => {
      await h.server.sweeper.sweep();
      expect(await subscriptionOf(learner)).toBeNull();
      expect(await accessOf(learner)).toBe('PAYMENT_REQUIRED');
      expect(chargesOf(subscription.id)).toEqual([]);
      expect((await ordersOf(learner)).totalCount).toBe(1);
    });
  });

  if (flavour === 'postgres') {
    it('two sweeps at once (two replicas) renew once and charge once', async () => {
      const { learner, subscription } = await subscribe();
      const replica = new Sweeper({
        store: h.server.store,
        relay: h.server.outbox,
        provider,
        logger: createLogger('commerce-test', 'silent'),
        now: () => h.clock.now,
        intervalMs: 60_000,
      });
      await atMonthEnd(async () => {
        await Promise.all([h.server.sweeper.sweep(), replica.sweep()]);
        expect(chargesOf(subscription.id)).toHaveLength(1);
        const orders = await ordersOf(learner);
        expect(orders.edges.map((edge: { node: { status: string } }) => edge.node.status)).toEqual([
          'PAID',
          'PAID',
        ]);
        expect((await subscriptionOf(learner)).currentPeriodEnd).toBe('2026-05-02T10:00:00.000Z');
      });
    });
  }
});

describe('plan subscriptions paid on Stripe', () => {
  let h: Harness;
  const provider = redirectProvider();
  beforeAll(async () => {
    h = await startHarness({ courses: [TS], provider });
  });
  afterAll(() => h.close());

  it('are sold as one period: renews is false and the sweep ends them without a charge', async () => {
    const learner = await h.learner();
    const monthly = (await h.server.store.plans()).find((plan) => plan.code === 'all-access-monthly')!;
    const result = await h.gql(
      /* GraphQL */ `
        mutation Checkout($input: CheckoutCreateInput!) {
          checkoutCreate(input: $input) {
            order {
              id
            }
            userErrors {
              code
            }
          }
        }
      `,
      {
        input: {
          items: [{ planId: monthly.id }],
          payment: { returnUrl: 'https://app.example/orders' },
          idempotencyKey: 'stripe-plan-once',
        },
      },
      learner.token,
    );
    const orderId = result.data?.checkoutCreate.order.id;
    expect(
      await h.server.payments.confirm({
        type: 'payment.succeeded',
        eventId: 'evt_plan_once',
        paymentId: 'pi_plan_once',
        orderId,
        amount: { amount: 1900, currency: 'USD' },
        cardLast4: '4242',
        occurredAt: h.clock.now,
      }),
    ).toBe('PAID');
    expect(provider.charges.at(-1)?.savePaymentMethod).toBe(true);
    expect(
      (await h.gql(SUBSCRIPTION, { id: learner.id }, learner.token)).data?._entities[0].planSubscription,
    ).toMatchObject({ status: 'ACTIVE', renews: false, currentPeriodEnd: '2026-04-02T10:00:00.000Z' });
    h.clock.now = new Date('2026-04-02T10:00:00.000Z');
    expect(await h.server.sweeper.sweep()).toEqual({
      expiredOrders: 0,
      renewedSubscriptions: 0,
      endedSubscriptions: 1,
    });
    expect(provider.charges).toHaveLength(1);
    expect(await h.count('SELECT count(*) AS n FROM commerce.orders WHERE buyer_id = $1', [learner.id])).toBe(
      1,
    );
  });
});
