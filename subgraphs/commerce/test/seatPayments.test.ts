import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { createStripePaymentProvider } from '../src/providers/stripe';
import { createTestPaymentProvider } from '../src/providers/testProvider';
import type {
  ChargeRequest,
  PaymentEvent,
  PaymentProvider,
  SavedChargeRequest,
} from '../src/providers/types';
import {
  CHECKOUT,
  GOOD_CARD,
  INTERNAL_SECRET,
  course,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';
import { redirectProvider } from './support/redirectProvider';
import { startStripeTestServer } from './support/stripeServer';

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('the Stripe adapter: team plan lines', () => {
  const SECRET_KEY = 'sk_test_learncraft';
  const WEBHOOK_SECRET = 'whsec_learncraft_test';
  const request = (amount: number, quantity: number, title: string): ChargeRequest => ({
    orderId: `order-${randomUUID()}`,
    orderNumber: 'LC-000007',
    amount: usd(amount),
    lines: [{ title, amount: usd(amount), quantity }],
    buyerEmail: 'owner@example.com',
    idempotencyKey: randomUUID(),
    returnUrl: 'http://127.0.0.1:5173/checkout/done',
  });

  it('sends the seats as the quantity at the price per seat, and one line of the whole amount when it does not divide', async () => {
    const server = await startStripeTestServer({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
    try {
      const stripe = createStripePaymentProvider({
        secretKey: SECRET_KEY,
        webhookSecret: WEBHOOK_SECRET,
        apiUrl: server.url,
      });
      const even = await stripe.charge(request(75000, 5, 'Team, yearly × 5 seats'));
      expect(server.requests.at(-1)?.params).toMatchObject({
        line_items: [
          {
            quantity: '5',
            price_data: {
              currency: 'usd',
              unit_amount: '15000',
              product_data: { name: 'Team, yearly × 5 seats' },
            },
          },
        ],
      });
      expect(server.sessions.get(even.kind === 'redirect' ? even.paymentId : '')?.amount_total).toBe(75000);
      // 7 seats with a coupon of one cent: 104 999 is no whole number of cents per seat.
      const uneven = await stripe.charge(request(104999, 7, 'Team, yearly × 7 seats'));
      expect(server.requests.at(-1)?.params).toMatchObject({
        line_items: [
          {
            quantity: '1',
            price_data: {
              currency: 'usd',
              unit_amount: '104999',
              product_data: { name: 'Team, yearly × 7 seats' },
            },
          },
        ],
      });
      expect(server.sessions.get(uneven.kind === 'redirect' ? uneven.paymentId : '')?.amount_total).toBe(
        104999,
      );
    } finally {
      await server.close();
    }
  });
});

/** The test provider, recording the charges it is asked for. */
function recordingProvider(now: () => Date) {
  const base = createTestPaymentProvider({ now });
  const charges: ChargeRequest[] = [];
  const saved: SavedChargeRequest[] = [];
  const provider: PaymentProvider = {
    ...base,
    charge(request) {
      charges.push(request);
      return base.charge(request);
    },
    chargeSaved(request) {
      saved.push(request);
      return base.chargeSaved!(request);
    },
  };
  return Object.assign(provider, { charges, saved });
}

const PAID = course('course-paid');
const DECLINES_LATER_CARD = { ...GOOD_CARD, number: '4000 0000 0000 0341' };

describe.each(DATABASE_FLAVOURS)('team plan payments and renewals (%s)', (flavour) => {
  let h: Harness;
  let provider: ReturnType<typeof recordingProvider>;
  let teamPlanId: string;
  beforeEach(async () => {
    provider = recordingProvider(() => h.clock.now);
    h = await startHarness({ flavour, courses: [PAID], provider });
    await priceCourse(h, PAID.id, 4900);
    teamPlanId = (await h.server.store.plans()).find((plan) => plan.code === 'team-annual')!.id;
  });
  afterEach(() => h.close());

  async function teamWithHolder(seats: number, card = GOOD_CARD) {
    const organizationId = randomUUID();
    const owner = await h.learner();
    const holder = await h.learner();
    h.organizations.set(organizationId, owner.id, 'OWNER');
    h.organizations.set(organizationId, holder.id, 'MEMBER');
    const result = await h.gql(
      CHECKOUT,
      {
        input: {
          items: [{ planId: teamPlanId, seats }],
          organizationId,
          payment: { testCard: card },
          idempotencyKey: randomUUID(),
        },
      },
      owner.token,
    );
    expect(result.data?.checkoutCreate.order.status).toBe('PAID');
    const assigned = await h.post(
      '/internal/organization-seats/assign',
      JSON.stringify({ organizationId, userId: holder.id }),
      { 'x-learncraft-internal': INTERNAL_SECRET },
    );
    expect(assigned.status).toBe(200);
    return { organizationId, owner, holder };
  }

  const reasonOf = async (userId: string) => {
    const answer = await h.post(
      '/internal/course-access',
      JSON.stringify({ userId, roles: ['LEARNER'], courseIds: [PAID.id] }),
      { 'x-learncraft-internal': INTERNAL_SECRET },
    );
    const [decision] = answer.body.decisions;
    return [decision.reason, decision.expiresAt];
  };

  const seatsOf = async (organizationId: string, token: string) =>
    (
      await h.gql(
        `query($id: ID!) { _entities(representations: [{ __typename: "Organization", id: $id }]) { ... on Organization { seats { total used available expiresAt } } } }`,
        { id: organizationId },
        token,
      )
    ).data?._entities[0].seats;

  it('charges the provider one line of the plan for the seats, saving the card for renewals', async () => {
    await teamWithHolder(5);
    expect(provider.charges.map((charge) => [charge.amount, charge.lines, charge.savePaymentMethod])).toEqual(
      [[usd(75000), [{ title: 'Team, yearly × 5 seats', amount: usd(75000), quantity: 5 }], true]],
    );
  });

  it('renews every seat at the price per seat at the period end; holders keep their seats', async () => {
    const { organizationId, owner, holder } = await teamWithHolder(3);
    h.clock.now = new Date('2027-03-02T10:00:00.000Z');
    expect((await h.server.sweeper.sweep()).renewedSubscriptions).toBe(1);
    expect(provider.saved.map((charge) => charge.amount)).toEqual([usd(45000)]);
    const [renewal] = await h.test.db.query<{
      title: string;
      total: number;
      quantity: number;
      organization_id: string;
    }>(
      `SELECT l.title, l.total, l.quantity, o.organization_id FROM commerce.orders o
         JOIN commerce.order_lines l ON l.order_id = o.id
        WHERE o.idempotency_key LIKE 'renewal:%'`,
    );
    expect(renewal).toEqual({
      title: 'Team, yearly × 3 seats',
      total: 45000,
      quantity: 3,
      organization_id: organizationId,
    });
    expect(await seatsOf(organizationId, owner.token)).toEqual({
      total: 3,
      used: 1,
      available: 2,
      expiresAt: '2028-03-02T10:00:00.000Z',
    });
    expect(await reasonOf(holder.id)).toEqual(['ORGANIZATION_SEAT', '2028-03-02T10:00:00.000Z']);
  });

  it('a declined renewal ends the seats: the holder is told and needs to pay again', async () => {
    const { organizationId, owner, holder } = await teamWithHolder(2, DECLINES_LATER_CARD);
    h.clock.now = new Date('2027-03-02T10:00:00.000Z');
    expect((await h.server.sweeper.sweep()).endedSubscriptions).toBe(1);
    expect(await seatsOf(organizationId, owner.token)).toEqual({
      total: 0,
      used: 1,
      available: 0,
      expiresAt: null,
    });
    expect(await reasonOf(holder.id)).toEqual(['PAYMENT_REQUIRED', null]);
    const revoked = await h.count(
      "SELECT count(*) AS n FROM commerce.outbox WHERE topic = 'entitlement.changed' AND payload->>'userId' = $1 AND payload->>'change' = 'REVOKED'",
      [holder.id],
    );
    expect(revoked).toBe(1);
    const assign = await h.post(
      '/internal/organization-seats/assign',
      JSON.stringify({ organizationId, userId: holder.id }),
      { 'x-learncraft-internal': INTERNAL_SECRET },
    );
    expect(assign).toEqual({ status: 409, body: { error: 'NO_SEATS' } });
  });
});

describe.each(DATABASE_FLAVOURS)('team plans on a hosted checkout (%s)', (flavour) => {
  let h: Harness;
  const provider = redirectProvider();
  let teamPlanId: string;
  let monthlyPlanId: string;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [PAID], provider });
    const plans = await h.server.store.plans();
    teamPlanId = plans.find((plan) => plan.code === 'team-annual')!.id;
    monthlyPlanId = plans.find((plan) => plan.code === 'all-access-monthly')!.id;
  });
  afterAll(() => h.close());

  const checkout = async (token: string, input: Record<string, unknown>) => {
    const result = await h.gql(
      CHECKOUT,
      {
        input: {
          payment: { returnUrl: 'https://app.example/orders' },
          idempotencyKey: randomUUID(),
          ...input,
        },
      },
      token,
    );
    expect(result.errors).toBeUndefined();
    return result.data?.checkoutCreate;
  };
  const paid = (orderId: string, amount: number) =>
    ({
      type: 'payment.succeeded',
      eventId: `evt_${randomUUID()}`,
      paymentId: `pi_${randomUUID()}`,
      orderId,
      amount: usd(amount),
      cardLast4: '4242',
      occurredAt: h.clock.now,
    }) satisfies PaymentEvent;
  const statusOf = async (orderId: string) => (await h.server.store.ordersByIds([orderId]))[0]?.status;

  it('seats stay PENDING until the webhook, a second team checkout replaces neither it nor a pending plan, and both pay into the seats', async () => {
    const organizationId = randomUUID();
    const owner = await h.learner();
    h.organizations.set(organizationId, owner.id, 'OWNER');
    const own = (await checkout(owner.token, { items: [{ planId: monthlyPlanId }] })).order;
    const first = (await checkout(owner.token, { items: [{ planId: teamPlanId, seats: 2 }], organizationId }))
      .order;
    const second = (
      await checkout(owner.token, { items: [{ planId: teamPlanId, seats: 3 }], organizationId })
    ).order;
    expect([first.status, second.status]).toEqual(['PENDING', 'PENDING']);
    expect(await statusOf(own.id)).toBe('PENDING');
    expect(provider.charges.at(-1)?.lines).toEqual([
      { title: 'Team, yearly × 3 seats', amount: usd(45000), quantity: 3 },
    ]);
    expect(await h.server.payments.confirm(paid(first.id, 30000))).toBe('PAID');
    expect(await h.server.payments.confirm(paid(second.id, 45000))).toBe('PAID');
    expect(await h.server.store.teamSeats(organizationId, h.clock.now)).toEqual({
      total: 5,
      expiresAt: new Date('2027-03-02T10:00:00.000Z'),
    });
    // The owner's own plan is still theirs to pay: seats are not a plan of their own.
    expect(await h.server.payments.confirm(paid(own.id, 1900))).toBe('PAID');
    expect((await h.server.store.currentSubscription(owner.id, h.clock.now))?.planId).toBe(monthlyPlanId);
    // Sold as one period on a hosted checkout: the seats do not renew.
    const [row] = await h.test.db.query<{ renews: boolean }>(
      'SELECT bool_or(renews) AS renews FROM commerce.plan_subscriptions WHERE organization_id = $1',
      [organizationId],
    );
    expect(row?.renews).toBe(false);
  });

  it('the same idempotency key replays the seats checkout; with other seats it is IDEMPOTENCY_KEY_REUSED', async () => {
    const organizationId = randomUUID();
    const owner = await h.learner();
    h.organizations.set(organizationId, owner.id, 'OWNER');
    const idempotencyKey = randomUUID();
    const input = { items: [{ planId: teamPlanId, seats: 4 }], organizationId, idempotencyKey };
    const once = await checkout(owner.token, input);
    const again = await checkout(owner.token, input);
    expect(again.order.id).toBe(once.order.id);
    const other = await checkout(owner.token, { ...input, items: [{ planId: teamPlanId, seats: 5 }] });
    expect(other.userErrors.map((error: { code: string }) => error.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
  });
});
