import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import {
  CO_INSTRUCTOR_ID,
  INSTRUCTOR_ID,
  REFUND,
  buy,
  course,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';

const SHARED = course('course-shared', { instructorIds: [INSTRUCTOR_ID, CO_INSTRUCTOR_ID] });
const SOLO = course('course-solo', { instructorIds: [INSTRUCTOR_ID] });

const EARNINGS = /* GraphQL */ `
  query Earnings($id: ID!) {
    _entities(representations: [{ __typename: "User", id: $id }]) {
      ... on User {
        earnings {
          totals {
            amount
            currency
            formatted
          }
          salesCount
          entries(first: 10) {
            totalCount
            edges {
              node {
                amount {
                  amount
                }
                course {
                  id
                }
                order {
                  id
                }
              }
            }
          }
        }
      }
    }
  }
`;

const PAYOUTS = /* GraphQL */ `
  query Payouts($from: DateTime!, $to: DateTime!) {
    payoutsReport(from: $from, to: $to) {
      from
      to
      payouts {
        instructor {
          id
        }
        amount {
          amount
          currency
        }
        salesCount
        refundCount
      }
      grossSales {
        amount
        currency
      }
      platformShare {
        amount
        currency
      }
    }
  }
`;

describe.each(DATABASE_FLAVOURS)('earnings and payouts (%s)', (flavour) => {
  let h: Harness;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [SHARED, SOLO] });
    await priceCourse(h, SHARED.id, 4900);
    await priceCourse(h, SOLO.id, 7900);
    admin = await h.token('admin-1', ['LEARNER', 'ADMIN']);
    const learner = await h.learner();
    await buy(h, learner.token, [{ courseId: SHARED.id }]);
    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    const solo = await buy(h, learner.token, [{ courseId: SOLO.id }]);
    h.clock.now = new Date(h.clock.now.getTime() + 3_600_000);
    const refunded = await h.gql(
      REFUND,
      { input: { orderId: solo.order.id, reason: 'duplicate purchase', idempotencyKey: randomUUID() } },
      learner.token,
    );
    expect(refunded.data?.orderRefund.order.status).toBe('REFUNDED');
  });
  afterAll(() => h.close());

  it('a shared course’s 70 % is split equally; a refund reverses the share', async () => {
    const own = await h.gql(EARNINGS, { id: INSTRUCTOR_ID }, await h.token(INSTRUCTOR_ID, ['INSTRUCTOR']));
    const earnings = own.data?._entities[0].earnings;
    expect(earnings.totals).toEqual([{ amount: 1715, currency: 'USD', formatted: '$17.15' }]);
    expect(earnings.salesCount).toBe(1);
    expect(earnings.entries.totalCount).toBe(3);
    expect(earnings.entries.edges.map((edge: any) => [edge.node.course.id, edge.node.amount.amount])).toEqual(
      [
        [SOLO.id, -5530],
        [SOLO.id, 5530],
        [SHARED.id, 1715],
      ],
    );
    const co = await h.gql(EARNINGS, { id: CO_INSTRUCTOR_ID }, admin);
    expect(co.data?._entities[0].earnings).toMatchObject({
      totals: [{ amount: 1715, currency: 'USD' }],
      salesCount: 1,
    });
  });

  it('an instructor sees an earning’s order number but not the buyer’s receipt, card or purchases', async () => {
    const instructor = await h.token(INSTRUCTOR_ID, ['INSTRUCTOR']);
    const orderOf = (fields: string) => /* GraphQL */ `
      query ($id: ID!) {
        _entities(representations: [{ __typename: "User", id: $id }]) {
          ... on User { earnings { entries(first: 1) { edges { node { order { ${fields} } } } } } }
        }
      }
    `;
    const seen = await h.gql(orderOf('number status'), { id: INSTRUCTOR_ID }, instructor);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?._entities[0].earnings.entries.edges[0].node.order).toEqual({
      number: expect.stringMatching(/^LC-\d{6}$/),
      status: 'REFUNDED',
    });
    const hidden = await h.gql(
      orderOf('receipt { billedTo } refund { reason } couponCode'),
      { id: INSTRUCTOR_ID },
      instructor,
    );
    expect(hidden.errors?.map((error) => error.extensions?.code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
    ]);
    expect(hidden.data?._entities[0].earnings.entries.edges[0].node.order).toEqual({
      receipt: null,
      refund: null,
      couponCode: null,
    });
    expect(JSON.stringify(hidden)).not.toContain('@example.com');
    for (const field of ['payment { cardLast4 }', 'lines { title }', 'total { amount }', 'buyer { id }']) {
      const refused = await h.gql(orderOf(field), { id: INSTRUCTOR_ID }, instructor);
      expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('someone else’s earnings are FORBIDDEN', async () => {
    const other = await h.learner(['INSTRUCTOR']);
    const result = await h.gql(EARNINGS, { id: INSTRUCTOR_ID }, other.token);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('the payouts report adds up: gross minus refunds minus instructor shares is the platform’s', async () => {
    const from = '2026-03-01T00:00:00.000Z';
    const to = '2026-04-01T00:00:00.000Z';
    const result = await h.gql(PAYOUTS, { from, to }, admin);
    expect(result.data?.payoutsReport).toEqual({
      from,
      to,
      payouts: [
        {
          instructor: { id: INSTRUCTOR_ID },
          amount: { amount: 1715, currency: 'USD' },
          salesCount: 2,
          refundCount: 1,
        },
        {
          instructor: { id: CO_INSTRUCTOR_ID },
          amount: { amount: 1715, currency: 'USD' },
          salesCount: 1,
          refundCount: 0,
        },
      ],
      grossSales: [{ amount: 12800, currency: 'USD' }],
      platformShare: [{ amount: 12800 - 7900 - 1715 - 1715, currency: 'USD' }],
    });
  });

  it('the report is for ADMINs, over at most 366 days', async () => {
    const instructor = await h.token(INSTRUCTOR_ID, ['INSTRUCTOR']);
    const forbidden = await h.gql(
      PAYOUTS,
      { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
      instructor,
    );
    expect(forbidden.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const long = await h.gql(
      PAYOUTS,
      { from: '2025-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' },
      admin,
    );
    expect(long.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const year = await h.gql(
      PAYOUTS,
      { from: '2025-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
      admin,
    );
    expect(year.errors).toBeUndefined();
  });
});
