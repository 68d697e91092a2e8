import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import {
  ACCESS,
  INSTRUCTOR_ID,
  INTERNAL_SECRET,
  SET_PRICE,
  buy,
  course,
  priceCourse,
  startHarness,
  type Harness,
} from './support/harness';

const PAID = course('course-paid');
const FREE = course('course-free');
const OTHER_TEACHER = course('course-other', { instructorIds: ['someone-else'] });

describe.each(DATABASE_FLAVOURS)('prices and course access (%s)', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [PAID, FREE, OTHER_TEACHER] });
    await priceCourse(h, PAID.id, 4900);
  });
  afterAll(() => h.close());

  const accessOf = async (courseIds: string[], token?: string) =>
    (await h.gql(ACCESS, { representations: courseIds.map((id) => ({ __typename: 'Course', id })) }, token))
      .data?._entities;

  it('an instructor sets the price of their course and sees it formatted', async () => {
    const token = await h.token(INSTRUCTOR_ID, ['LEARNER', 'INSTRUCTOR']);
    const result = await h.gql(
      SET_PRICE,
      { input: { courseId: FREE.id, price: { amount: 1250, currency: 'eur' } } },
      token,
    );
    expect(result.data?.coursePriceSet).toEqual({
      course: { id: FREE.id, price: { amount: 1250, currency: 'EUR', formatted: '€12.50' } },
      userErrors: [],
    });
    const cleared = await h.gql(SET_PRICE, { input: { courseId: FREE.id, price: null } }, token);
    expect(cleared.data?.coursePriceSet).toEqual({ course: { id: FREE.id, price: null }, userErrors: [] });
  });

  it.each([
    ['a zero amount', { amount: 0, currency: 'USD' }, 'INVALID_AMOUNT', 'amount'],
    ['an unknown currency', { amount: 100, currency: 'XYZ' }, 'UNKNOWN_CURRENCY', 'currency'],
  ])('a price with %s is refused and changes nothing', async (_label, price, code, field) => {
    const token = await h.token(INSTRUCTOR_ID, ['LEARNER', 'INSTRUCTOR']);
    const result = await h.gql(SET_PRICE, { input: { courseId: PAID.id, price } }, token);
    expect(result.data?.coursePriceSet.course).toBeNull();
    expect(result.data?.coursePriceSet.userErrors).toEqual([
      expect.objectContaining({ code, field: ['input', 'price', field] }),
    ]);
    expect((await accessOf([PAID.id]))?.[0].price).toEqual({ amount: 4900, currency: 'USD' });
  });

  it('someone who does not teach the course gets FORBIDDEN, an unknown course NOT_FOUND', async () => {
    const other = await h.learner(['LEARNER', 'INSTRUCTOR']);
    const forbidden = await h.gql(SET_PRICE, { input: { courseId: PAID.id, price: null } }, other.token);
    expect(forbidden.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const unknown = await h.gql(SET_PRICE, { input: { courseId: 'nope', price: null } }, other.token);
    expect(unknown.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('a free course is FREE for everyone; a paid one asks anonymous callers to sign in', async () => {
    expect(await accessOf([FREE.id, PAID.id])).toEqual([
      { id: FREE.id, price: null, viewerAccess: { hasAccess: true, reason: 'FREE', expiresAt: null } },
      {
        id: PAID.id,
        price: { amount: 4900, currency: 'USD' },
        viewerAccess: { hasAccess: false, reason: 'SIGN_IN_REQUIRED', expiresAt: null },
      },
    ]);
  });

  it('a learner needs to pay, its instructor teaches it, an ADMIN may, a buyer PURCHASED it', async () => {
    const learner = await h.learner();
    expect((await accessOf([PAID.id], learner.token))?.[0].viewerAccess.reason).toBe('PAYMENT_REQUIRED');
    const teacher = await h.token(INSTRUCTOR_ID, ['LEARNER', 'INSTRUCTOR']);
    expect((await accessOf([PAID.id], teacher))?.[0].viewerAccess.reason).toBe('INSTRUCTOR');
    const admin = await h.learner(['LEARNER', 'ADMIN']);
    expect((await accessOf([PAID.id], admin.token))?.[0].viewerAccess.reason).toBe('ADMIN');
    await buy(h, learner.token, [{ courseId: PAID.id }]);
    expect((await accessOf([PAID.id], learner.token))?.[0].viewerAccess).toEqual({
      hasAccess: true,
      reason: 'PURCHASED',
      expiresAt: null,
    });
  });

  it('a plan subscriber has SUBSCRIPTION access to every paid course until the period end', async () => {
    const learner = await h.learner();
    await priceCourse(h, OTHER_TEACHER.id, 2000);
    const plans = await h.gql('{ plans { id code } }');
    const monthly = plans.data?.plans.find((plan: { code: string }) => plan.code === 'all-access-monthly');
    const bought = await buy(h, learner.token, [{ planId: monthly.id }]);
    expect(bought.order.status).toBe('PAID');
    const end = new Date(h.clock.now);
    end.setUTCMonth(end.getUTCMonth() + 1);
    expect(
      (await accessOf([PAID.id, OTHER_TEACHER.id, FREE.id], learner.token))?.map(
        (entry: any) => entry.viewerAccess,
      ),
    ).toEqual([
      { hasAccess: true, reason: 'SUBSCRIPTION', expiresAt: end.toISOString() },
      { hasAccess: true, reason: 'SUBSCRIPTION', expiresAt: end.toISOString() },
      { hasAccess: true, reason: 'FREE', expiresAt: null },
    ]);
  });

  it('the access of a page of courses costs one catalog call', async () => {
    const learner = await h.learner();
    h.catalog.calls.length = 0;
    await accessOf([PAID.id, OTHER_TEACHER.id, FREE.id], learner.token);
    expect(h.catalog.calls).toHaveLength(1);
  });

  describe('POST /internal/course-access', () => {
    const call = (body: unknown, secret: string | null = INTERNAL_SECRET) =>
      h.post(
        '/internal/course-access',
        JSON.stringify(body),
        secret ? { 'x-learncraft-internal': secret } : {},
      );

    it('answers the decisions in request order', async () => {
      const teacher = await call({
        userId: INSTRUCTOR_ID,
        roles: ['INSTRUCTOR'],
        courseIds: [PAID.id, FREE.id],
      });
      expect(teacher).toEqual({
        status: 200,
        body: {
          decisions: [
            { courseId: PAID.id, hasAccess: true, reason: 'INSTRUCTOR', expiresAt: null },
            { courseId: FREE.id, hasAccess: true, reason: 'FREE', expiresAt: null },
          ],
        },
      });
      const anonymous = await call({ userId: null, roles: [], courseIds: [PAID.id] });
      expect(anonymous.body.decisions).toEqual([
        { courseId: PAID.id, hasAccess: false, reason: 'SIGN_IN_REQUIRED', expiresAt: null },
      ]);
    });

    it('refuses callers without the internal secret and bodies of the wrong shape', async () => {
      expect((await call({ userId: null, roles: [], courseIds: [PAID.id] }, null)).status).toBe(403);
      expect(
        (await call({ userId: null, roles: [], courseIds: [PAID.id] }, 'wrong-secret-0123456789')).status,
      ).toBe(403);
      expect((await call({ userId: null, roles: [], courseIds: [] })).status).toBe(400);
      expect((await call({ userId: null, roles: ['KING'], courseIds: [PAID.id] })).status).toBe(400);
      const tooMany = Array.from({ length: 101 }, (_, index) => `c${index}`);
      expect((await call({ userId: null, roles: [], courseIds: tooMany })).status).toBe(400);
    });
  });
});
