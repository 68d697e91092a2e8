/**
 * Commerce through the gateway on embedded defaults (PGlite, the built-in test payment provider,
 * events pushed over HTTP): a paid course is priced and closed, enrolment, labs and the tutor
 * refuse it, a checkout with a coupon through the test provider opens it, a refund closes it
 * again, and an all-access plan opens every paid course while it is active.
 */
import { randomUUID } from 'node:crypto';
import { startPlatform, type Platform } from './platform';

const PAID_SLUG = 'advanced-typescript-types';
const OTHER_PAID_SLUG = 'typescript-fundamentals';
const GOOD_CARD = { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2099, cvc: '123' };
const DECLINED_CARD = { ...GOOD_CARD, number: '4000 0000 0000 0002' };

const COURSE = /* GraphQL */ `
  query ($slug: String!) {
    course(slug: $slug) {
      id
      price {
        amount
        currency
        formatted
      }
      viewerAccess {
        hasAccess
        reason
        expiresAt
      }
      modules {
        lessons {
          id
          kind
          preview
        }
      }
    }
  }
`;
const LESSON_CONTENT = /* GraphQL */ `
  query ($slug: String!, $id: ID!) {
    course(slug: $slug) {
      lesson(id: $id) {
        content {
          __typename
          ... on LockedContent {
            reason
          }
        }
      }
    }
  }
`;
const ENROLL = `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { enrollment { id } userErrors { code field } } }`;
const LAB_START = `mutation ($id: ID!) { labStart(input: { lessonId: $id }) { session { id } userErrors { code } } }`;
const TUTOR_ASK = `mutation ($id: ID!) { tutorAsk(input: { courseId: $id, question: "What is a mapped type?" }) { question { id } userErrors { code } } }`;
const LESSON_COMPLETE = `mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { lessonProgress { completedAt } userErrors { code } } }`;
const QUOTE = /* GraphQL */ `
  query ($input: CheckoutQuoteInput!) {
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
      }
      total {
        amount
        formatted
      }
      userErrors {
        code
        field
      }
    }
  }
`;
const CHECKOUT = /* GraphQL */ `
  mutation ($input: CheckoutCreateInput!) {
    checkoutCreate(input: $input) {
      order {
        id
        number
        status
        total {
          amount
          currency
        }
        discount {
          amount
        }
        couponCode
        payment {
          provider
          cardLast4
          declineReason
          checkoutUrl
        }
        receipt {
          number
        }
      }
      userErrors {
        code
        field
      }
    }
  }
`;
const REFUND = /* GraphQL */ `
  mutation ($input: OrderRefundInput!) {
    orderRefund(input: $input) {
      order {
        id
        status
        refund {
          amount {
            amount
          }
          reason
        }
      }
      userErrors {
        code
      }
    }
  }
`;

interface CourseView {
  id: string;
  price: { amount: number; currency: string; formatted: string } | null;
  viewerAccess: { hasAccess: boolean; reason: string; expiresAt: string | null };
  modules: { lessons: { id: string; kind: string; preview: boolean }[] }[];
}

describe('commerce through the gateway', () => {
  let platform: Platform;
  let learner: string;
  let subscriber: string;

  const course = async (slug: string, token?: string) => {
    const result = await platform.graphql<{ course: CourseView }>(COURSE, { slug }, token);
    expect(result.errors).toBeUndefined();
    return result.data!.course;
  };
  const register = async (email: string) => {
    await platform.graphql(
      `mutation ($email: String!) { userRegister(input: { email: $email, password: "a-long-test-password", displayName: "Buyer" }) { userErrors { code } } }`,
      { email },
    );
    return platform.login(email, 'a-long-test-password');
  };
  /** Commerce seeds the demo prices once catalog answers, in the background of its start. */
  const pricedCourse = async (slug: string, token?: string) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const view = await course(slug, token);
      if (view.price) return view;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${slug} never got its demo price`);
  };
  /** Entitlement changes reach the enforcing subgraphs as events, within moments. */
  const eventually = async <T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> => {
    let value = await read();
    for (let attempt = 0; attempt < 50 && !accept(value); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = await read();
    }
    return value;
  };
  const lessonsOf = (view: CourseView) => view.modules.flatMap((module) => module.lessons);

  beforeAll(async () => {
    platform = await startPlatform();
    learner = await register('buyer@example.com');
    subscriber = await register('subscriber@example.com');
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('shows a paid course with its price, closed to a learner who has not bought it', async () => {
    const view = await pricedCourse(PAID_SLUG, learner);
    expect(view.price).toEqual({ amount: 7900, currency: 'USD', formatted: '$79.00' });
    expect(view.viewerAccess).toEqual({ hasAccess: false, reason: 'PAYMENT_REQUIRED', expiresAt: null });
    const anonymous = await course(PAID_SLUG);
    expect(anonymous.viewerAccess).toEqual({ hasAccess: false, reason: 'SIGN_IN_REQUIRED', expiresAt: null });
    const free = await course('kubernetes-basics', learner);
    expect(free.price).toBeNull();
    expect(free.viewerAccess).toEqual({ hasAccess: true, reason: 'FREE', expiresAt: null });
  });

  it('refuses enrolment, labs, the tutor and locked lessons of a paid course without access', async () => {
    const view = await pricedCourse(PAID_SLUG, learner);
    const enroll = await platform.graphql(ENROLL, { id: view.id }, learner);
    expect(enroll.data?.courseEnroll).toEqual({
      enrollment: null,
      userErrors: [{ code: 'PAYMENT_REQUIRED', field: ['input', 'courseId'] }],
    });
    const lab = lessonsOf(view).find((lesson) => lesson.kind === 'LAB')!;
    const started = await platform.graphql(LAB_START, { id: lab.id }, learner);
    expect(started.data?.labStart.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'PAYMENT_REQUIRED',
    ]);
    const asked = await platform.graphql(TUTOR_ASK, { id: view.id }, learner);
    expect(asked.data?.tutorAsk.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'PAYMENT_REQUIRED',
    ]);
    const [first, second] = lessonsOf(view);
    expect(first!.preview).toBe(true);
    expect(second!.preview).toBe(false);
    const preview = await platform.graphql(LESSON_CONTENT, { slug: PAID_SLUG, id: first!.id }, learner);
    expect(preview.data?.course.lesson.content.__typename).not.toBe('LockedContent');
    const locked = await platform.graphql(LESSON_CONTENT, { slug: PAID_SLUG, id: second!.id }, learner);
    expect(locked.data?.course.lesson.content).toEqual({
      __typename: 'LockedContent',
      reason: 'PAYMENT_REQUIRED',
    });
  });

  it('quotes a coupon exactly and refuses unknown coupons and free courses', async () => {
    const view = await pricedCourse(PAID_SLUG, learner);
    const quoted = await platform.graphql(
      QUOTE,
      { input: { items: [{ courseId: view.id }], couponCode: 'welcome20' } },
      learner,
    );
    expect(quoted.data?.checkoutQuote).toEqual({
      lines: [
        {
          title: 'Advanced TypeScript Types',
          unitPrice: { amount: 7900 },
          discount: { amount: 1580 },
          total: { amount: 6320 },
        },
      ],
      subtotal: { amount: 7900, currency: 'USD' },
      discount: { amount: 1580 },
      total: { amount: 6320, formatted: '$63.20' },
      userErrors: [],
    });
    const unknown = await platform.graphql(
      QUOTE,
      { input: { items: [{ courseId: view.id }], couponCode: 'NOPE-NOT-A-CODE' } },
      learner,
    );
    expect(unknown.data?.checkoutQuote.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'COUPON_NOT_FOUND',
    ]);
    const free = await course('kubernetes-basics', learner);
    const freeCheckout = await platform.graphql(
      CHECKOUT,
      {
        input: {
          items: [{ courseId: free.id }],
          idempotencyKey: randomUUID(),
          payment: { testCard: GOOD_CARD },
        },
      },
      learner,
    );
    expect(freeCheckout.data?.checkoutCreate.order).toBeNull();
    expect(freeCheckout.data?.checkoutCreate.userErrors.map((error: { code: string }) => error.code)).toEqual(
      ['COURSE_FREE'],
    );
  });

  it('declines a declined card, then sells the course with a coupon, once per idempotency key', async () => {
    const view = await pricedCourse(PAID_SLUG, learner);
    const declined = await platform.graphql(
      CHECKOUT,
      {
        input: {
          items: [{ courseId: view.id }],
          couponCode: 'WELCOME20',
          idempotencyKey: randomUUID(),
          payment: { testCard: DECLINED_CARD },
        },
      },
      learner,
    );
    expect(declined.data?.checkoutCreate.order).toMatchObject({
      status: 'DECLINED',
      payment: { provider: 'TEST', declineReason: 'Your card was declined.', checkoutUrl: null },
      receipt: null,
    });
    expect((await course(PAID_SLUG, learner)).viewerAccess.hasAccess).toBe(false);

    const key = randomUUID();
    const input = {
      items: [{ courseId: view.id }],
      couponCode: 'WELCOME20',
      idempotencyKey: key,
      payment: { testCard: GOOD_CARD },
    };
    const paid = await platform.graphql(CHECKOUT, { input }, learner);
    expect(paid.data?.checkoutCreate.userErrors).toEqual([]);
    const order = paid.data?.checkoutCreate.order;
    expect(order).toMatchObject({
      status: 'PAID',
      total: { amount: 6320, currency: 'USD' },
      discount: { amount: 1580 },
      couponCode: 'WELCOME20',
      payment: { provider: 'TEST', cardLast4: '4242', declineReason: null, checkoutUrl: null },
    });
    expect(order.number).toMatch(/^LC-\d{6}$/);
    expect(order.receipt.number).toMatch(/^LC-R-\d{6}$/);

    const replay = await platform.graphql(CHECKOUT, { input }, learner);
    expect(replay.data?.checkoutCreate.order).toEqual(order);
    const reused = await platform.graphql(CHECKOUT, { input: { ...input, couponCode: null } }, learner);
    expect(reused.data?.checkoutCreate.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'IDEMPOTENCY_KEY_REUSED',
    ]);
    const twice = await platform.graphql(
      CHECKOUT,
      { input: { ...input, couponCode: null, idempotencyKey: randomUUID() } },
      learner,
    );
    expect(twice.data?.checkoutCreate.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'ALREADY_OWNED',
    ]);

    expect((await course(PAID_SLUG, learner)).viewerAccess).toEqual({
      hasAccess: true,
      reason: 'PURCHASED',
      expiresAt: null,
    });
    const enroll = await platform.graphql(ENROLL, { id: view.id }, learner);
    expect(enroll.data?.courseEnroll.userErrors).toEqual([]);
    expect(enroll.data?.courseEnroll.enrollment.id).toEqual(expect.any(String));
    const second = lessonsOf(view)[1]!;
    const open = await platform.graphql(LESSON_CONTENT, { slug: PAID_SLUG, id: second.id }, learner);
    expect(open.data?.course.lesson.content.__typename).not.toBe('LockedContent');

    const orders = await platform.graphql(
      `{ me { orders(first: 10) { totalCount edges { node { id status total { amount } } } } } }`,
      {},
      learner,
    );
    expect(orders.data?.me.orders.totalCount).toBe(2);
    expect(orders.data?.me.orders.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { id: order.id, status: 'PAID', total: { amount: 6320 } },
      { id: declined.data?.checkoutCreate.order.id, status: 'DECLINED', total: { amount: 6320 } },
    ]);
  });

  it('refunds the order, revoking access, and refuses a second refund', async () => {
    const view = await pricedCourse(PAID_SLUG, learner);
    const orders = await platform.graphql(
      `{ me { orders(first: 10) { edges { node { id status refundEligibility { eligible } } } } } }`,
      {},
      learner,
    );
    const paid = orders.data?.me.orders.edges.find(
      (edge: { node: { status: string } }) => edge.node.status === 'PAID',
    ).node;
    expect(paid.refundEligibility).toEqual({ eligible: true });
    const input = { orderId: paid.id, reason: 'Bought the wrong course.', idempotencyKey: randomUUID() };
    const refunded = await platform.graphql(REFUND, { input }, learner);
    expect(refunded.data?.orderRefund).toEqual({
      order: {
        id: paid.id,
        status: 'REFUNDED',
        refund: { amount: { amount: 6320 }, reason: 'Bought the wrong course.' },
      },
      userErrors: [],
    });
    expect((await course(PAID_SLUG, learner)).viewerAccess.reason).toBe('PAYMENT_REQUIRED');
    const lesson = lessonsOf(view)[1]!;
    const completed = await eventually(
      () => platform.graphql(LESSON_COMPLETE, { id: lesson.id }, learner),
      (result) => result.data?.lessonComplete.userErrors.length > 0,
    );
    expect(completed.errors).toBeUndefined();
    expect(completed.data?.lessonComplete.userErrors).toEqual([{ code: 'PAYMENT_REQUIRED' }]);
    const again = await platform.graphql(
      REFUND,
      { input: { ...input, idempotencyKey: randomUUID() } },
      learner,
    );
    expect(again.data?.orderRefund.userErrors).toEqual([{ code: 'ALREADY_REFUNDED' }]);
    const someoneElse = await platform.graphql(
      REFUND,
      { input: { ...input, idempotencyKey: randomUUID() } },
      subscriber,
    );
    expect(someoneElse.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('opens every paid course to an active all-access subscriber', async () => {
    const plans = await platform.graphql<{
      plans: { id: string; code: string; price: { amount: number } }[];
    }>(`{ plans { id code interval price { amount currency } } }`);
    expect(plans.data?.plans.map((plan) => plan.code)).toEqual([
      'all-access-monthly',
      'team-annual',
      'all-access-yearly',
    ]);
    const monthly = plans.data!.plans[0]!;
    const bought = await platform.graphql(
      CHECKOUT,
      {
        input: {
          items: [{ planId: monthly.id }],
          idempotencyKey: randomUUID(),
          payment: { testCard: GOOD_CARD },
        },
      },
      subscriber,
    );
    expect(bought.data?.checkoutCreate.order).toMatchObject({
      status: 'PAID',
      total: { amount: 1900, currency: 'USD' },
    });
    for (const slug of [PAID_SLUG, OTHER_PAID_SLUG]) {
      const view = await pricedCourse(slug, subscriber);
      expect(view.viewerAccess.hasAccess).toBe(true);
      expect(view.viewerAccess.reason).toBe('SUBSCRIPTION');
      const days = (Date.parse(view.viewerAccess.expiresAt!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(27);
      expect(days).toBeLessThan(32);
      const enroll = await platform.graphql(ENROLL, { id: view.id }, subscriber);
      expect(enroll.data?.courseEnroll.userErrors).toEqual([]);
    }
    const subscription = await platform.graphql(
      `{ me { planSubscription { status plan { code } } } }`,
      {},
      subscriber,
    );
    expect(subscription.data?.me.planSubscription).toEqual({
      status: 'ACTIVE',
      plan: { code: 'all-access-monthly' },
    });
  });
});
