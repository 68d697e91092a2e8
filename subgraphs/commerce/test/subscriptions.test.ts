import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { ACCESS, buy, course, priceCourse, startHarness, type Harness } from './support/harness';

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

describe.each(DATABASE_FLAVOURS)('plan subscriptions (%s)', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [TS] });
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
      const [revoked] = await h.test.db.query<{ payload: unknown }>(
        "SELECT payload FROM commerce.outbox WHERE topic = 'entitlement.changed' AND payload->>'userId' = $1 AND payload->>'change' = 'REVOKED'",
        [learner.id],
      );
      expect(revoked?.payload).toEqual({
        entitlementId: expect.any(String),
        userId: learner.id,
        courseIds: null,
        change: 'REVOKED',
      });
      expect((await h.server.sweeper.sweep()).endedSubscriptions).toBe(0);
    } finally {
      h.clock.now = start;
    }
  });
});
