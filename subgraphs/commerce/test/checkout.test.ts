import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import {
  CHECKOUT,
  DECLINED_CARD,
  GOOD_CARD,
  NO_FUNDS_CARD,
  buy,
  course,
  createCoupon,
  emailOf,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';

const TS = course('course-ts', { title: 'TypeScript fundamentals' });
const ADV = course('course-adv', { title: 'Advanced types' });
const FREE = course('course-free');
const DRAFT = course('course-draft', { published: false });
const EURO = course('course-euro');

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
        currency
      }
      discount {
        amount
        currency
      }
      total {
        amount
        currency
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

describe.each(DATABASE_FLAVOURS)('checkout (%s)', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [TS, ADV, FREE, DRAFT, EURO] });
    await priceCourse(h, TS.id, 4900);
    await priceCourse(h, ADV.id, 7900);
    await priceCourse(h, DRAFT.id, 1000);
    await priceCourse(h, EURO.id, 1000, 'EUR');
    await createCoupon(h, 'WELCOME20', { kind: 'PERCENT', percentOff: 20 });
    await createCoupon(h, 'TENOFF', { kind: 'AMOUNT', amountOff: 1000, amountCurrency: 'USD' });
    await createCoupon(h, 'ALLFREE', { kind: 'PERCENT', percentOff: 100 });
    await createCoupon(h, 'OLD', {
      kind: 'PERCENT',
      percentOff: 10,
      validUntil: new Date('2026-02-01T00:00:00.000Z'),
    });
  });
  afterAll(() => h.close());

  const checkout = (token: string, input: Record<string, unknown>) =>
    h.gql(
      CHECKOUT,
      { input: { payment: { testCard: GOOD_CARD }, idempotencyKey: randomUUID(), ...input } },
      token,
    );

  it('a 20 % coupon on two courses discounts each line, rounded half up, and is paid at once', async () => {
    const learner = await h.learner();
    const result = await checkout(learner.token, {
      items: [{ courseId: TS.id }, { courseId: ADV.id }],
      couponCode: 'welcome20',
    });
    const order = result.data?.checkoutCreate.order;
    expect(result.data?.checkoutCreate.userErrors).toEqual([]);
    expect(order).toMatchObject({
      status: 'PAID',
      buyer: { id: learner.id },
      couponCode: 'WELCOME20',
      subtotal: { amount: 12800, currency: 'USD', formatted: '$128.00' },
      discount: { amount: 2560, currency: 'USD' },
      total: { amount: 10240, currency: 'USD', formatted: '$102.40' },
      payment: { provider: 'TEST', checkoutUrl: null, cardLast4: '4242', declineReason: null },
      refund: null,
    });
    expect(order.number).toMatch(/^LC-\d{6}$/);
    expect(order.receipt.number).toMatch(/^LC-R-\d{6}$/);
    expect(order.receipt.billedTo).toBe(emailOf(learner.id));
    expect(order.lines).toEqual([
      {
        title: 'TypeScript fundamentals',
        course: { id: TS.id },
        plan: null,
        unitPrice: { amount: 4900, currency: 'USD' },
        discount: { amount: 980, currency: 'USD' },
        total: { amount: 3920, currency: 'USD' },
      },
      {
        title: 'Advanced types',
        course: { id: ADV.id },
        plan: null,
        unitPrice: { amount: 7900, currency: 'USD' },
        discount: { amount: 1580, currency: 'USD' },
        total: { amount: 6320, currency: 'USD' },
      },
    ]);
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(2);
    expect(await h.count("SELECT redemption_count AS n FROM commerce.coupons WHERE code = 'WELCOME20'")).toBe(
      1,
    );
  });

  it('an amount coupon is spread over the lines in proportion and sums exactly', async () => {
    const learner = await h.learner();
    const quote = await h.gql(
      QUOTE,
      { input: { items: [{ courseId: TS.id }, { courseId: ADV.id }], couponCode: 'TENOFF' } },
      learner.token,
    );
    const lines = quote.data?.checkoutQuote.lines;
    expect(quote.data?.checkoutQuote).toMatchObject({
      subtotal: { amount: 12800, currency: 'USD' },
      discount: { amount: 1000, currency: 'USD' },
      total: { amount: 11800, currency: 'USD' },
      userErrors: [],
    });
    expect(lines.map((line: any) => line.discount.amount).reduce((a: number, b: number) => a + b, 0)).toBe(
      1000,
    );
    expect(await h.count('SELECT count(*) AS n FROM commerce.orders WHERE buyer_id = $1', [learner.id])).toBe(
      0,
    );
  });

  it('a 100 % coupon makes a free order that is paid without the provider', async () => {
    const learner = await h.learner();
    const result = await h.gql(
      CHECKOUT,
      { input: { items: [{ courseId: TS.id }], couponCode: 'ALLFREE', idempotencyKey: randomUUID() } },
      learner.token,
    );
    expect(result.data?.checkoutCreate.order).toMatchObject({
      status: 'PAID',
      total: { amount: 0, currency: 'USD' },
      payment: { cardLast4: null },
    });
  });

  it.each([
    ['a declined card', DECLINED_CARD, 'Your card was declined.'],
    ['a card without funds', NO_FUNDS_CARD, 'Your card has insufficient funds.'],
  ])('%s makes a DECLINED order, grants nothing and releases the coupon', async (_label, card, reason) => {
    const learner = await h.learner();
    const before = await h.count(
      "SELECT redemption_count AS n FROM commerce.coupons WHERE code = 'WELCOME20'",
    );
    const result = await checkout(learner.token, {
      items: [{ courseId: ADV.id }],
      couponCode: 'WELCOME20',
      payment: { testCard: card },
    });
    expect(result.data?.checkoutCreate.order).toMatchObject({
      status: 'DECLINED',
      paidAt: null,
      receipt: null,
      payment: { declineReason: reason },
    });
    expect(
      await h.count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learner.id]),
    ).toBe(0);
    expect(await h.count("SELECT redemption_count AS n FROM commerce.coupons WHERE code = 'WELCOME20'")).toBe(
      before,
    );
    // The coupon can be used again by the same learner with a good card.
    const retry = await checkout(learner.token, { items: [{ courseId: ADV.id }], couponCode: 'WELCOME20' });
    expect(retry.data?.checkoutCreate.order.status).toBe('PAID');
  });

  it('the same idempotency key replays the order; with other items it is IDEMPOTENCY_KEY_REUSED', async () => {
    const learner = await h.learner();
    const idempotencyKey = randomUUID();
    const first = await checkout(learner.token, { items: [{ courseId: TS.id }], idempotencyKey });
    const again = await checkout(learner.token, { items: [{ courseId: TS.id }], idempotencyKey });
    expect(again.data?.checkoutCreate).toEqual(first.data?.checkoutCreate);
    const other = await checkout(learner.token, { items: [{ courseId: ADV.id }], idempotencyKey });
    expect(other.data?.checkoutCreate).toEqual({
      order: null,
      userErrors: [
        {
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: 'This idempotency key was already used for another checkout.',
          field: ['input', 'idempotencyKey'],
        },
      ],
    });
    expect(await h.count('SELECT count(*) AS n FROM commerce.orders WHERE buyer_id = $1', [learner.id])).toBe(
      1,
    );
  });

  it.each([
    ['no items', [], 'INVALID_ITEMS', ['input', 'items']],
    ['an item with both ids', [{ courseId: TS.id, planId: 'p' }], 'INVALID_ITEM', ['input', 'items', '0']],
    [
      'a course twice',
      [{ courseId: TS.id }, { courseId: TS.id }],
      'DUPLICATE_ITEM',
      ['input', 'items', '1', 'courseId'],
    ],
    ['two plans', [{ planId: 'p1' }, { planId: 'p2' }], 'TOO_MANY_PLANS', ['input', 'items', '1', 'planId']],
    [
      '21 items',
      Array.from({ length: 21 }, (_, n) => ({ courseId: `c${n}` })),
      'INVALID_ITEMS',
      ['input', 'items'],
    ],
    ['an unknown plan', [{ planId: 'nope' }], 'PLAN_NOT_FOUND', ['input', 'items', '0', 'planId']],
    ['an unknown course', [{ courseId: 'nope' }], 'COURSE_NOT_FOUND', ['input', 'items', '0', 'courseId']],
    [
      'an unpublished course',
      [{ courseId: DRAFT.id }],
      'COURSE_NOT_FOUND',
      ['input', 'items', '0', 'courseId'],
    ],
    ['a free course', [{ courseId: FREE.id }], 'COURSE_FREE', ['input', 'items', '0', 'courseId']],
    ['two currencies', [{ courseId: TS.id }, { courseId: EURO.id }], 'MIXED_CURRENCIES', ['input', 'items']],
  ])('%s is refused and writes nothing', async (_label, items, code, field) => {
    const learner = await h.learner();
    const result = await checkout(learner.token, { items });
    expect(result.data?.checkoutCreate.order).toBeNull();
    expect(result.data?.checkoutCreate.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(await h.count('SELECT count(*) AS n FROM commerce.orders WHERE buyer_id = $1', [learner.id])).toBe(
      0,
    );
  });

  it('a course already bought is ALREADY_OWNED; a coupon used once is COUPON_ALREADY_USED', async () => {
    const learner = await h.learner();
    await buy(h, learner.token, [{ courseId: TS.id }], { couponCode: 'WELCOME20' });
    const owned = await checkout(learner.token, { items: [{ courseId: TS.id }] });
    expect(owned.data?.checkoutCreate.userErrors.map((error: any) => error.code)).toEqual(['ALREADY_OWNED']);
    const reused = await checkout(learner.token, { items: [{ courseId: ADV.id }], couponCode: 'WELCOME20' });
    expect(reused.data?.checkoutCreate.userErrors).toEqual([
      expect.objectContaining({ code: 'COUPON_ALREADY_USED', field: ['input', 'couponCode'] }),
    ]);
  });

  it('an expired coupon is COUPON_EXPIRED and an unknown one COUPON_NOT_FOUND', async () => {
    const learner = await h.learner();
    for (const [couponCode, code] of [
      ['OLD', 'COUPON_EXPIRED'],
      ['NOPE', 'COUPON_NOT_FOUND'],
    ]) {
      const result = await checkout(learner.token, { items: [{ courseId: TS.id }], couponCode });
      expect(result.data?.checkoutCreate.userErrors.map((error: any) => error.code)).toEqual([code]);
    }
  });

  it('a bad test card is refused on its field before anything is written', async () => {
    const learner = await h.learner();
    const result = await checkout(learner.token, {
      items: [{ courseId: TS.id }],
      payment: { testCard: { ...GOOD_CARD, number: '4242 4242 4242 4241' } },
    });
    expect(result.data?.checkoutCreate.userErrors).toEqual([
      expect.objectContaining({
        code: 'INVALID_CARD_NUMBER',
        field: ['input', 'payment', 'testCard', 'number'],
      }),
    ]);
    const noCard = await h.gql(
      CHECKOUT,
      { input: { items: [{ courseId: TS.id }], idempotencyKey: randomUUID() } },
      learner.token,
    );
    expect(noCard.data?.checkoutCreate.userErrors.map((error: any) => error.code)).toEqual(['CARD_REQUIRED']);
    expect(await h.count('SELECT count(*) AS n FROM commerce.orders WHERE buyer_id = $1', [learner.id])).toBe(
      0,
    );
  });

  it('a plan while subscribed is ALREADY_SUBSCRIBED, and courses are then covered', async () => {
    const learner = await h.learner();
    const { data } = await h.gql('{ plans { id code price { amount currency formatted } } }');
    expect(data?.plans.map((plan: any) => [plan.code, plan.price.formatted])).toEqual([
      ['all-access-monthly', '$19.00'],
      ['team-annual', '$150.00'],
      ['all-access-yearly', '$190.00'],
    ]);
    const [monthly, , yearly] = data?.plans ?? [];
    expect((await buy(h, learner.token, [{ planId: monthly.id }])).order.status).toBe('PAID');
    const again = await checkout(learner.token, { items: [{ planId: yearly.id }] });
    expect(again.data?.checkoutCreate.userErrors.map((error: any) => error.code)).toEqual([
      'ALREADY_SUBSCRIBED',
    ]);
    const covered = await checkout(learner.token, { items: [{ courseId: ADV.id }] });
    expect(covered.data?.checkoutCreate.userErrors.map((error: any) => error.code)).toEqual([
      'ALREADY_OWNED',
    ]);
  });

  it('when identity does not answer, the checkout is still paid and its receipt is billed to the user id', async () => {
    const learner = await h.learner();
    h.identity.down = true;
    try {
      const payload = await buy(h, learner.token, [{ courseId: ADV.id }]);
      expect(payload.userErrors).toEqual([]);
      expect(payload.order.status).toBe('PAID');
      expect(payload.order.receipt.billedTo).toBe(learner.id);
    } finally {
      h.identity.down = false;
    }
  });

  it('an anonymous checkout or quote is UNAUTHENTICATED', async () => {
    const result = await h.gql(CHECKOUT, {
      input: { items: [{ courseId: TS.id }], idempotencyKey: randomUUID() },
    });
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const quote = await h.gql(QUOTE, { input: { items: [{ courseId: TS.id }] } });
    expect(quote.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  if (flavour === 'postgres') {
    it('20 concurrent checkouts for the last redemption of a coupon: exactly one succeeds', async () => {
      await createCoupon(h, 'LASTONE', { kind: 'PERCENT', percentOff: 50, maxRedemptions: 5 });
      await h.test.db.query("UPDATE commerce.coupons SET redemption_count = 4 WHERE code = 'LASTONE'");
      const learners = await Promise.all(Array.from({ length: 20 }, () => h.learner()));
      const results = await Promise.all(
        learners.map((learner) =>
          checkout(learner.token, { items: [{ courseId: ADV.id }], couponCode: 'LASTONE' }),
        ),
      );
      const paid = results.filter((result) => result.data?.checkoutCreate.order?.status === 'PAID');
      const codes = results.flatMap((result) =>
        result.data?.checkoutCreate.userErrors.map((error: any) => error.code),
      );
      expect(paid).toHaveLength(1);
      expect(codes).toEqual(Array.from({ length: 19 }, () => 'COUPON_EXHAUSTED'));
      expect(await h.count("SELECT redemption_count AS n FROM commerce.coupons WHERE code = 'LASTONE'")).toBe(
        5,
      );
    });
  }
});
