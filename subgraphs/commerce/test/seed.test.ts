import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { course, startHarness, type Harness } from './support/harness';

const ADA = DEMO_ACCOUNTS.find((account) => account.email === 'ada@learncraft.dev')!.id;

describe('seeding', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('plans are always there; without SEED_DEMO nothing else is seeded', async () => {
    h = await startHarness();
    const plans = await h.gql('{ plans { code name interval price { amount currency } } }');
    expect(plans.data?.plans).toEqual([
      {
        code: 'all-access-monthly',
        name: 'All-access monthly',
        interval: 'MONTH',
        price: { amount: 1900, currency: 'USD' },
      },
      {
        code: 'team-annual',
        name: 'Team, yearly',
        interval: 'YEAR',
        price: { amount: 15000, currency: 'USD' },
      },
      {
        code: 'all-access-yearly',
        name: 'All-access yearly',
        interval: 'YEAR',
        price: { amount: 19000, currency: 'USD' },
      },
    ]);
    expect(await h.count('SELECT count(*) AS n FROM commerce.coupons')).toBe(0);
  });

  it('SEED_DEMO prices the two TypeScript courses once catalog has them, and never overwrites a price', async () => {
    h = await startHarness({
      env: { SEED_DEMO: 'true' },
      courses: [
        course('id-ts', { slug: 'typescript-fundamentals', instructorIds: [ADA] }),
        course('id-k8s', { slug: 'kubernetes-basics' }),
      ],
    });
    // Catalog knows only one of the two demo courses at first: the seeding keeps trying.
    h.catalog.add(course('id-adv', { slug: 'advanced-typescript-types', instructorIds: [ADA] }));
    await h.server.seeded;
    const prices = await h.server.store.pricesByCourses(['id-ts', 'id-adv', 'id-k8s']);
    expect(prices.map((price) => [price.courseId, price.amount, price.currency]).sort()).toEqual([
      ['id-adv', 7900, 'USD'],
      ['id-ts', 4900, 'USD'],
    ]);
    const coupon = await h.server.store.couponByCode('WELCOME20');
    expect(coupon).toMatchObject({
      kind: 'PERCENT',
      percentOff: 20,
      validUntil: null,
      maxRedemptions: 1000,
      courseIds: [],
      planIds: [],
    });
    // An instructor changes a price; a second start keeps it and adds nothing.
    await h.server.store.setPrice('id-ts', { amount: 3900, currency: 'USD' }, ADA, h.clock.now);
    await h.restart();
    await h.server.seeded;
    expect((await h.server.store.pricesByCourses(['id-ts']))[0]?.amount).toBe(3900);
    expect(await h.count('SELECT count(*) AS n FROM commerce.coupons')).toBe(1);
    expect(await h.count('SELECT count(*) AS n FROM commerce.plans')).toBe(3);
  });
});
