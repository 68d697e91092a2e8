import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import {
  CHECKOUT,
  GOOD_CARD,
  INTERNAL_SECRET,
  REFUND,
  course,
  createCoupon,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';

const PAID = course('course-paid');
const OTHER = course('course-other');
const PER_SEAT = 15000;

const SEATS = /* GraphQL */ `
  query Seats($id: ID!) {
    _entities(representations: [{ __typename: "Organization", id: $id }]) {
      ... on Organization {
        id
        seats {
          total
          used
          available
          expiresAt
        }
      }
    }
  }
`;

const QUOTE = /* GraphQL */ `
  query Quote($input: CheckoutQuoteInput!) {
    checkoutQuote(input: $input) {
      lines {
        title
        unitPrice {
          amount
        }
        discount {
          amount
        }
        total {
          amount
        }
      }
      subtotal {
        amount
      }
      total {
        amount
      }
      userErrors {
        code
        field
      }
    }
  }
`;

describe.each(DATABASE_FLAVOURS)('organization seats (%s)', (flavour) => {
  let h: Harness;
  let teamPlanId: string;
  let monthlyPlanId: string;

  beforeEach(async () => {
    h = await startHarness({ flavour, courses: [PAID, OTHER] });
    await priceCourse(h, PAID.id, 4900);
    await priceCourse(h, OTHER.id, 7900);
    const plans = await h.server.store.plans();
    teamPlanId = plans.find((plan) => plan.code === 'team-annual')!.id;
    monthlyPlanId = plans.find((plan) => plan.code === 'all-access-monthly')!.id;
  });
  afterEach(() => h.close());

  /** A new organization with a new OWNER (signed in). */
  async function organization() {
    const id = randomUUID();
    const owner = await h.learner();
    h.organizations.set(id, owner.id, 'OWNER');
    return { id, owner };
  }

  async function member(organizationId: string, role: 'MEMBER' | 'MANAGER' = 'MEMBER') {
    const person = await h.learner();
    h.organizations.set(organizationId, person.id, role);
    return person;
  }

  async function buySeats(
    token: string,
    organizationId: string | null,
    seats: number | null,
    extra: Record<string, unknown> = {},
  ) {
    const result = await h.gql(
      CHECKOUT,
      {
        input: {
          items: [{ planId: teamPlanId, ...(seats === null ? {} : { seats }) }],
          payment: { testCard: GOOD_CARD },
          idempotencyKey: randomUUID(),
          ...(organizationId === null ? {} : { organizationId }),
          ...extra,
        },
      },
      token,
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data?.checkoutCreate;
  }

  const assign = (organizationId: string, userId: string) =>
    h.post('/internal/organization-seats/assign', JSON.stringify({ organizationId, userId }), {
      'x-learncraft-internal': INTERNAL_SECRET,
    });

  const seatsOf = async (organizationId: string, token?: string) =>
    h.gql(SEATS, { id: organizationId }, token);

  async function accessOf(userId: string, courseIds: string[] = [PAID.id]) {
    const answer = await h.post(
      '/internal/course-access',
      JSON.stringify({ userId, roles: ['LEARNER'], courseIds }),
      { 'x-learncraft-internal': INTERNAL_SECRET },
    );
    expect(answer.status).toBe(200);
    return answer.body.decisions;
  }

  const A_YEAR_LATER = '2027-03-02T10:00:00.000Z';

  it('the team plan is listed per seat, the all-access plans are not', async () => {
    const plans = await h.gql('{ plans { code name interval perSeat price { amount currency } } }');
    expect(plans.data?.plans).toEqual([
      {
        code: 'all-access-monthly',
        name: 'All-access monthly',
        interval: 'MONTH',
        perSeat: false,
        price: { amount: 1900, currency: 'USD' },
      },
      {
        code: 'team-annual',
        name: 'Team, yearly',
        interval: 'YEAR',
        perSeat: true,
        price: { amount: PER_SEAT, currency: 'USD' },
      },
      {
        code: 'all-access-yearly',
        name: 'All-access yearly',
        interval: 'YEAR',
        perSeat: false,
        price: { amount: 19000, currency: 'USD' },
      },
    ]);
  });

  it('an owner buys 5 seats: one line of the plan for 5 seats at 5 × the price per seat, and the organization has 5 seats for a year', async () => {
    const { id, owner } = await organization();
    const payload = await buySeats(owner.token, id, 5);
    expect(payload.userErrors).toEqual([]);
    expect(payload.order).toMatchObject({
      status: 'PAID',
      lines: [
        {
          title: 'Team, yearly × 5 seats',
          course: null,
          plan: { id: teamPlanId, code: 'team-annual' },
          unitPrice: { amount: 75000, currency: 'USD' },
          discount: { amount: 0, currency: 'USD' },
          total: { amount: 75000, currency: 'USD' },
        },
      ],
      subtotal: { amount: 75000, currency: 'USD', formatted: '$750.00' },
      discount: { amount: 0, currency: 'USD' },
      total: { amount: 75000, currency: 'USD', formatted: '$750.00' },
    });
    expect(await h.count('SELECT quantity AS n FROM commerce.order_lines')).toBe(5);
    const seats = await seatsOf(id, owner.token);
    expect(seats.errors).toBeUndefined();
    expect(seats.data?._entities[0].seats).toEqual({
      total: 5,
      used: 0,
      available: 5,
      expiresAt: A_YEAR_LATER,
    });
    // The seats are the organization's: the buyer has no all-access plan of their own.
    expect(await accessOf(owner.id)).toEqual([
      { courseId: PAID.id, hasAccess: false, reason: 'PAYMENT_REQUIRED', expiresAt: null },
    ]);
    const own = await h.gql(
      `query($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) { ... on User { planSubscription { id } } } }`,
      { id: owner.id },
      owner.token,
    );
    expect(own.data?._entities[0].planSubscription).toBeNull();
  });

  it('buying seats again adds to the organization’s seats', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 2);
    await buySeats(owner.token, id, 3);
    expect((await seatsOf(id, owner.token)).data?._entities[0].seats).toEqual({
      total: 5,
      used: 0,
      available: 5,
      expiresAt: A_YEAR_LATER,
    });
  });

  it('answers the seats of several organizations in one request, each its own', async () => {
    const admin = await h.learner(['ADMIN']);
    const first = await organization();
    const second = await organization();
    const third = await organization();
    await buySeats(first.owner.token, first.id, 2);
    await buySeats(second.owner.token, second.id, 3);
    expect((await assign(second.id, (await member(second.id)).id)).status).toBe(200);
    const answer = await h.gql(
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Organization { id seats { total used available expiresAt } } } }`,
      { representations: [first.id, second.id, third.id].map((id) => ({ __typename: 'Organization', id })) },
      admin.token,
    );
    expect(answer.data?._entities).toEqual([
      { id: first.id, seats: { total: 2, used: 0, available: 2, expiresAt: A_YEAR_LATER } },
      { id: second.id, seats: { total: 3, used: 1, available: 2, expiresAt: A_YEAR_LATER } },
      { id: third.id, seats: { total: 0, used: 0, available: 0, expiresAt: null } },
    ]);
  });

  it('checkoutQuote prices the seats, and a 10 % coupon discounts the whole line', async () => {
    await createCoupon(h, 'TEAM10', { percentOff: 10 });
    const { owner } = await organization();
    const quote = await h.gql(
      QUOTE,
      { input: { items: [{ planId: teamPlanId, seats: 7 }], couponCode: 'team10' } },
      owner.token,
    );
    expect(quote.data?.checkoutQuote).toEqual({
      lines: [
        {
          title: 'Team, yearly × 7 seats',
          unitPrice: { amount: 105000 },
          discount: { amount: 10500 },
          total: { amount: 94500 },
        },
      ],
      subtotal: { amount: 105000 },
      total: { amount: 94500 },
      userErrors: [],
    });
    const noSeats = await h.gql(QUOTE, { input: { items: [{ planId: teamPlanId }] } }, owner.token);
    expect(noSeats.data?.checkoutQuote.userErrors).toEqual([
      { code: 'SEATS_REQUIRED', field: ['input', 'items', '0', 'seats'] },
    ]);
  });

  it('refuses team plan checkouts that are not an owner’s, lack seats or an organization, or put seats elsewhere, writing nothing', async () => {
    const { id, owner } = await organization();
    const manager = await member(id, 'MANAGER');
    const stranger = await h.learner();
    const refusal = async (token: string, input: Record<string, unknown>) => {
      const result = await h.gql(
        CHECKOUT,
        { input: { payment: { testCard: GOOD_CARD }, idempotencyKey: randomUUID(), ...input } },
        token,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.checkoutCreate.order).toBeNull();
      return result.data?.checkoutCreate.userErrors.map((error: { code: string; field: string[] }) => [
        error.code,
        error.field.join('.'),
      ]);
    };
    const team = (seats?: number) => [{ planId: teamPlanId, ...(seats === undefined ? {} : { seats }) }];
    expect(await refusal(manager.token, { items: team(3), organizationId: id })).toEqual([
      ['NOT_ORGANIZATION_OWNER', 'input.organizationId'],
    ]);
    expect(await refusal(stranger.token, { items: team(3), organizationId: id })).toEqual([
      ['NOT_ORGANIZATION_OWNER', 'input.organizationId'],
    ]);
    expect(await refusal(owner.token, { items: team(3) })).toEqual([
      ['ORGANIZATION_REQUIRED', 'input.organizationId'],
    ]);
    expect(await refusal(owner.token, { items: team(), organizationId: id })).toEqual([
      ['SEATS_REQUIRED', 'input.items.0.seats'],
    ]);
    for (const seats of [0, -1, 1001])
      expect(await refusal(owner.token, { items: team(seats), organizationId: id })).toEqual([
        ['INVALID_SEATS', 'input.items.0.seats'],
      ]);
    expect(await refusal(owner.token, { items: [{ courseId: PAID.id, seats: 2 }] })).toEqual([
      ['SEATS_NOT_ALLOWED', 'input.items.0.seats'],
    ]);
    expect(await refusal(owner.token, { items: [{ planId: monthlyPlanId, seats: 2 }] })).toEqual([
      ['SEATS_NOT_ALLOWED', 'input.items.0.seats'],
    ]);
    expect(await refusal(owner.token, { items: [{ courseId: PAID.id }], organizationId: id })).toEqual([
      ['ORGANIZATION_NOT_ALLOWED', 'input.organizationId'],
    ]);
    expect(
      await refusal(owner.token, { items: [...team(2), { courseId: PAID.id }], organizationId: id }),
    ).toEqual([['TEAM_PLAN_ALONE', 'input.items']]);
    h.organizations.down = true;
    expect(await refusal(owner.token, { items: team(3), organizationId: id })).toEqual([
      ['ORGANIZATION_UNAVAILABLE', 'input.organizationId'],
    ]);
    expect(await h.count('SELECT count(*) AS n FROM commerce.orders')).toBe(0);
    expect(await h.count('SELECT count(*) AS n FROM commerce.plan_subscriptions')).toBe(0);
  });

  it('hands out seats until they are exhausted; a holder keeps theirs; non-members get none', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 2);
    const [ann, bob, cat] = [await member(id), await member(id), await member(id)];
    expect(await assign(id, ann.id)).toEqual({
      status: 200,
      body: { seats: { total: 2, used: 1, available: 1 } },
    });
    expect(await assign(id, ann.id)).toEqual({
      status: 200,
      body: { seats: { total: 2, used: 1, available: 1 } },
    });
    expect(await assign(id, bob.id)).toEqual({
      status: 200,
      body: { seats: { total: 2, used: 2, available: 0 } },
    });
    expect(await assign(id, cat.id)).toEqual({ status: 409, body: { error: 'SEATS_EXHAUSTED' } });
    const outsider = await h.learner();
    expect(await assign(id, outsider.id)).toEqual({ status: 409, body: { error: 'NOT_A_MEMBER' } });
    expect(await h.count('SELECT count(*) AS n FROM commerce.organization_seat_assignments')).toBe(2);
    expect((await seatsOf(id, owner.token)).data?._entities[0].seats).toEqual({
      total: 2,
      used: 2,
      available: 0,
      expiresAt: A_YEAR_LATER,
    });
    // The seat is announced, so the services' cached decisions about the learner drop.
    await h.server.outbox.drain();
    const granted = h.bus.published.filter(
      (event) => event.topic === 'entitlement.changed' && event.payload.userId === ann.id,
    );
    expect(granted.map((event) => [event.payload.change, event.payload.courseIds])).toEqual([
      ['GRANTED', null],
    ]);
  });

  it('of concurrent assignments for the last seat exactly one wins', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 3);
    for (let i = 0; i < 2; i += 1) expect((await assign(id, (await member(id)).id)).status).toBe(200);
    const racers = await Promise.all(Array.from({ length: 6 }, () => member(id)));
    const answers = await Promise.all(racers.map((racer) => assign(id, racer.id)));
    expect(answers.filter((answer) => answer.status === 200)).toEqual([
      { status: 200, body: { seats: { total: 3, used: 3, available: 0 } } },
    ]);
    expect(answers.filter((answer) => answer.status === 409).map((answer) => answer.body)).toEqual(
      Array.from({ length: 5 }, () => ({ error: 'SEATS_EXHAUSTED' })),
    );
    expect(await h.count('SELECT count(*) AS n FROM commerce.organization_seat_assignments')).toBe(3);
  });

  it('answers NO_SEATS without a team plan, and after the plan’s order is refunded', async () => {
    const { id, owner } = await organization();
    const ann = await member(id);
    const bob = await member(id);
    expect(await assign(id, ann.id)).toEqual({ status: 409, body: { error: 'NO_SEATS' } });
    const order = (await buySeats(owner.token, id, 2)).order;
    expect((await assign(id, ann.id)).status).toBe(200);
    expect((await accessOf(ann.id))[0].reason).toBe('ORGANIZATION_SEAT');
    h.bus.published.length = 0;
    const refund = await h.gql(
      REFUND,
      { input: { orderId: order.id, reason: 'Wrong team size', idempotencyKey: randomUUID() } },
      owner.token,
    );
    expect(refund.data?.orderRefund.userErrors).toEqual([]);
    expect(refund.data?.orderRefund.order.status).toBe('REFUNDED');
    expect(await assign(id, bob.id)).toEqual({ status: 409, body: { error: 'NO_SEATS' } });
    expect(await assign(id, ann.id)).toEqual({ status: 409, body: { error: 'NO_SEATS' } });
    expect(await accessOf(ann.id)).toEqual([
      { courseId: PAID.id, hasAccess: false, reason: 'PAYMENT_REQUIRED', expiresAt: null },
    ]);
    expect((await seatsOf(id, owner.token)).data?._entities[0].seats).toEqual({
      total: 0,
      used: 1,
      available: 0,
      expiresAt: null,
    });
    // The seat holder's cached decisions drop with the refund.
    await h.server.outbox.drain();
    expect(
      h.bus.published
        .filter((event) => event.topic === 'entitlement.changed' && event.payload.userId === ann.id)
        .map((event) => event.payload.change),
    ).toEqual(['REVOKED']);
  });

  it('a removed member’s seat frees up without any call, and the next assignment drops it', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 1);
    const ann = await member(id);
    const bob = await member(id);
    expect((await assign(id, ann.id)).status).toBe(200);
    expect(await assign(id, bob.id)).toEqual({ status: 409, body: { error: 'SEATS_EXHAUSTED' } });
    h.organizations.remove(id, ann.id);
    expect((await seatsOf(id, owner.token)).data?._entities[0].seats).toEqual({
      total: 1,
      used: 0,
      available: 1,
      expiresAt: A_YEAR_LATER,
    });
    expect(await assign(id, bob.id)).toEqual({
      status: 200,
      body: { seats: { total: 1, used: 1, available: 0 } },
    });
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.organization_seat_assignments WHERE user_id = $1', [
        ann.id,
      ]),
    ).toBe(0);
  });

  it('gives ORGANIZATION_SEAT to a seat holder until the period end, and PAYMENT_REQUIRED once they leave', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 2);
    const ann = await member(id);
    const bob = await member(id);
    expect((await assign(id, ann.id)).status).toBe(200);
    expect(await accessOf(ann.id, [PAID.id, OTHER.id, 'course-free'])).toEqual([
      { courseId: PAID.id, hasAccess: true, reason: 'ORGANIZATION_SEAT', expiresAt: A_YEAR_LATER },
      { courseId: OTHER.id, hasAccess: true, reason: 'ORGANIZATION_SEAT', expiresAt: A_YEAR_LATER },
      { courseId: 'course-free', hasAccess: true, reason: 'FREE', expiresAt: null },
    ]);
    // A member without a seat has none.
    expect((await accessOf(bob.id))[0]).toEqual({
      courseId: PAID.id,
      hasAccess: false,
      reason: 'PAYMENT_REQUIRED',
      expiresAt: null,
    });
    const viewer = await h.gql(
      `query($id: ID!) { _entities(representations: [{ __typename: "Course", id: $id }]) { ... on Course { viewerAccess { hasAccess reason expiresAt } } } }`,
      { id: PAID.id },
      ann.token,
    );
    expect(viewer.data?._entities[0].viewerAccess).toEqual({
      hasAccess: true,
      reason: 'ORGANIZATION_SEAT',
      expiresAt: A_YEAR_LATER,
    });
    h.organizations.remove(id, ann.id);
    expect(await accessOf(ann.id)).toEqual([
      { courseId: PAID.id, hasAccess: false, reason: 'PAYMENT_REQUIRED', expiresAt: null },
    ]);
  });

  it('a seat ends with the period: PAYMENT_REQUIRED and NO_SEATS after it', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 1);
    const ann = await member(id);
    expect((await assign(id, ann.id)).status).toBe(200);
    h.clock.now = new Date('2027-03-02T10:00:01.000Z');
    expect((await accessOf(ann.id))[0].reason).toBe('PAYMENT_REQUIRED');
    expect(await assign(id, ann.id)).toEqual({ status: 409, body: { error: 'NO_SEATS' } });
  });

  it('answers 503 when identity cannot say who the members are, and 400 or 403 to bad calls', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 1);
    const ann = await member(id);
    h.organizations.down = true;
    expect((await assign(id, ann.id)).status).toBe(503);
    h.organizations.down = false;
    expect(
      (
        await h.post('/internal/organization-seats/assign', JSON.stringify({ organizationId: id }), {
          'x-learncraft-internal': INTERNAL_SECRET,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await h.post(
          '/internal/organization-seats/assign',
          JSON.stringify({ organizationId: id, userId: ann.id }),
        )
      ).status,
    ).toBe(403);
    expect(await h.count('SELECT count(*) AS n FROM commerce.organization_seat_assignments')).toBe(0);
  });

  it('Organization.seats: owners, managers and keys with members:read see them; members, other organizations’ keys and anonymous callers do not', async () => {
    const { id, owner } = await organization();
    await buySeats(owner.token, id, 4);
    const manager = await member(id, 'MANAGER');
    const plain = await member(id);
    const expected = { total: 4, used: 0, available: 4, expiresAt: A_YEAR_LATER };
    for (const token of [owner.token, manager.token, await h.keyToken(id, ['members:read'])]) {
      const seen = await seatsOf(id, token);
      expect(seen.errors).toBeUndefined();
      expect(seen.data?._entities[0].seats).toEqual(expected);
    }
    const codeOf = async (token?: string) => (await seatsOf(id, token)).errors?.[0]?.extensions?.code;
    expect(await codeOf(plain.token)).toBe('FORBIDDEN');
    expect(await codeOf((await h.learner()).token)).toBe('FORBIDDEN');
    expect(await codeOf(await h.keyToken(randomUUID(), ['members:read']))).toBe('FORBIDDEN');
    expect(await codeOf(await h.keyToken(id, ['progress:read']))).toBe('FORBIDDEN');
    expect(await codeOf(undefined)).toBe('UNAUTHENTICATED');
    // ADMINs see any organization's seats.
    const admin = await h.learner(['ADMIN']);
    expect((await seatsOf(id, admin.token)).data?._entities[0].seats).toEqual(expected);
  });
});
