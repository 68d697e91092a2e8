import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { CO_INSTRUCTOR_ID, INSTRUCTOR_ID, course, startHarness, type Harness } from './support/harness';

const MINE = course('course-mine', { instructorIds: [INSTRUCTOR_ID] });
const THEIRS = course('course-theirs', { instructorIds: [CO_INSTRUCTOR_ID] });

const CREATE = /* GraphQL */ `
  mutation Create($input: CouponCreateInput!) {
    couponCreate(input: $input) {
      coupon {
        id
        code
        kind
        percentOff
        amountOff {
          amount
          currency
          formatted
        }
        validFrom
        validUntil
        maxRedemptions
        redemptionCount
        courses {
          id
        }
        plans {
          id
        }
        active
        createdAt
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

const DEACTIVATE = /* GraphQL */ `
  mutation Deactivate($input: CouponDeactivateInput!) {
    couponDeactivate(input: $input) {
      coupon {
        id
        active
      }
      userErrors {
        code
        field
      }
    }
  }
`;

const LIST = /* GraphQL */ `
  query List($first: Int) {
    coupons(first: $first) {
      totalCount
      edges {
        node {
          code
        }
      }
    }
  }
`;

describe.each(DATABASE_FLAVOURS)('coupons (%s)', (flavour) => {
  let h: Harness;
  let instructor: string;
  let admin: string;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [MINE, THEIRS] });
    instructor = await h.token(INSTRUCTOR_ID, ['LEARNER', 'INSTRUCTOR']);
    admin = await h.token('admin-1', ['LEARNER', 'INSTRUCTOR', 'ADMIN']);
  });
  afterAll(() => h.close());

  const create = (token: string, input: Record<string, unknown>) => h.gql(CREATE, { input }, token);
  const errorOf = async (token: string, input: Record<string, unknown>) =>
    (await create(token, input)).data?.couponCreate.userErrors.map((error: any) => [error.code, error.field]);

  it('an instructor creates an upper-cased percent coupon for their course', async () => {
    const result = await create(instructor, {
      code: 'spring-25',
      percentOff: 25,
      courseIds: [MINE.id],
      maxRedemptions: 10,
    });
    expect(result.data?.couponCreate).toEqual({
      coupon: {
        id: expect.any(String),
        code: 'SPRING-25',
        kind: 'PERCENT',
        percentOff: 25,
        amountOff: null,
        validFrom: h.clock.now.toISOString(),
        validUntil: null,
        maxRedemptions: 10,
        redemptionCount: 0,
        courses: [{ id: MINE.id }],
        plans: [],
        active: true,
        createdAt: h.clock.now.toISOString(),
      },
      userErrors: [],
    });
  });

  it('an ADMIN creates a global amount coupon', async () => {
    const result = await create(admin, { code: 'FIVE_OFF', amountOff: { amount: 500, currency: 'usd' } });
    expect(result.data?.couponCreate.coupon).toMatchObject({
      code: 'FIVE_OFF',
      kind: 'AMOUNT',
      percentOff: null,
      amountOff: { amount: 500, currency: 'USD', formatted: '$5.00' },
      courses: [],
    });
  });

  it.each([
    ['a code too short', { code: 'AB', percentOff: 5 }, 'INVALID_CODE', ['input', 'code']],
    ['a code with spaces', { code: 'TWO WORDS', percentOff: 5 }, 'INVALID_CODE', ['input', 'code']],
    [
      'both kinds',
      { code: 'BOTH1', percentOff: 5, amountOff: { amount: 100, currency: 'USD' } },
      'COUPON_KIND',
      ['input', 'percentOff'],
    ],
    ['neither kind', { code: 'NONE1' }, 'COUPON_KIND', ['input', 'percentOff']],
    ['101 percent', { code: 'MUCH1', percentOff: 101 }, 'INVALID_PERCENT', ['input', 'percentOff']],
    [
      'an end before its start',
      {
        code: 'WIN1',
        percentOff: 5,
        validFrom: '2026-05-01T00:00:00.000Z',
        validUntil: '2026-04-01T00:00:00.000Z',
      },
      'INVALID_WINDOW',
      ['input', 'validUntil'],
    ],
    [
      'zero redemptions',
      { code: 'ZERO1', percentOff: 5, maxRedemptions: 0 },
      'INVALID_MAX_REDEMPTIONS',
      ['input', 'maxRedemptions'],
    ],
  ])('an ADMIN’s coupon with %s is refused', async (_label, input, code, field) => {
    expect(await errorOf(admin, input)).toEqual([[code, field]]);
  });

  it('a taken code is CODE_TAKEN, whatever its case', async () => {
    await create(admin, { code: 'ONCE', percentOff: 5 });
    expect(await errorOf(admin, { code: 'once', percentOff: 10 })).toEqual([
      ['CODE_TAKEN', ['input', 'code']],
    ]);
  });

  it('an instructor may not make coupons for others’ courses, for plans, or for everything', async () => {
    expect(await errorOf(instructor, { code: 'THEIRS1', percentOff: 5, courseIds: [THEIRS.id] })).toEqual([
      ['NOT_YOUR_COURSE', ['input', 'courseIds', '0']],
    ]);
    expect(await errorOf(instructor, { code: 'GLOBAL1', percentOff: 5 })).toEqual([
      ['NOT_YOUR_COURSE', ['input', 'courseIds']],
    ]);
    const plans = await h.gql('{ plans { id } }');
    expect(
      await errorOf(instructor, {
        code: 'PLAN1',
        percentOff: 5,
        courseIds: [MINE.id],
        planIds: [plans.data?.plans[0].id],
      }),
    ).toEqual([['NOT_YOUR_COURSE', ['input', 'planIds']]]);
  });

  it('a learner gets FORBIDDEN', async () => {
    const learner = await h.learner();
    expect(
      (await create(learner.token, { code: 'LEARN1', percentOff: 5 })).errors?.map(
        (error) => error.extensions?.code,
      ),
    ).toEqual(['FORBIDDEN']);
    expect((await h.gql(LIST, {}, learner.token)).errors?.map((error) => error.extensions?.code)).toEqual([
      'FORBIDDEN',
    ]);
  });

  it('an instructor lists their coupons, an ADMIN all, newest first', async () => {
    const mine = await h.gql(LIST, {}, instructor);
    expect(mine.data?.coupons).toEqual({ totalCount: 1, edges: [{ node: { code: 'SPRING-25' } }] });
    const all = await h.gql(LIST, { first: 100 }, admin);
    expect(all.data?.coupons.totalCount).toBe(3);
  });

  it('a coupon is deactivated by its course’s instructor; another instructor cannot see it', async () => {
    const created = await create(admin, { code: 'FORMINE', percentOff: 5, courseIds: [MINE.id] });
    const couponId = created.data?.couponCreate.coupon.id;
    const other = await h.token(CO_INSTRUCTOR_ID, ['LEARNER', 'INSTRUCTOR']);
    const refused = await h.gql(DEACTIVATE, { input: { couponId } }, other);
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    const done = await h.gql(DEACTIVATE, { input: { couponId } }, instructor);
    expect(done.data?.couponDeactivate).toEqual({ coupon: { id: couponId, active: false }, userErrors: [] });
    const again = await h.gql(DEACTIVATE, { input: { couponId } }, instructor);
    expect(again.data?.couponDeactivate.userErrors).toEqual([
      { code: 'ALREADY_INACTIVE', field: ['input', 'couponId'] },
    ]);
  });
});
