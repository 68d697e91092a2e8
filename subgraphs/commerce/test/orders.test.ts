import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { buy, course, priceCourse, startHarness, type Harness } from './support/harness';

const ONE = course('course-one');
const TWO = course('course-two');

const ORDERS = /* GraphQL */ `
  query Orders($representations: [_Any!]!, $first: Int) {
    _entities(representations: $representations) {
      ... on User {
        id
        orders(first: $first) {
          totalCount
          pageInfo {
            hasNextPage
          }
          edges {
            node {
              number
              lines {
                course {
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

describe.each(DATABASE_FLAVOURS)('User.orders (%s)', (flavour) => {
  let h: Harness;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [ONE, TWO] });
    await priceCourse(h, ONE.id, 1000);
    await priceCourse(h, TWO.id, 2000);
    alice = await h.learner();
    bob = await h.learner();
    await buy(h, alice.token, [{ courseId: ONE.id }]);
    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    await buy(h, alice.token, [{ courseId: TWO.id }]);
    await buy(h, bob.token, [{ courseId: ONE.id }]);
  });
  afterAll(() => h.close());

  const ordersOf = (ids: string[], token: string, first = 20) =>
    h.gql(ORDERS, { representations: ids.map((id) => ({ __typename: 'User', id })), first }, token);

  it('a learner sees their orders, newest first, a page at a time', async () => {
    const result = await ordersOf([alice.id], alice.token, 1);
    expect(result.data?._entities[0].orders).toEqual({
      totalCount: 2,
      pageInfo: { hasNextPage: true },
      edges: [{ node: { number: expect.stringMatching(/^LC-\d{6}$/), lines: [{ course: { id: TWO.id } }] } }],
    });
  });

  it('someone else’s orders are FORBIDDEN; an ADMIN sees anyone’s, several users in one query', async () => {
    const refused = await ordersOf([bob.id], alice.token);
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    const admin = await h.learner(['LEARNER', 'ADMIN']);
    // The outbox relay's polling would count too.
    await h.server.outbox.stop();
    const before = h.test.metrics.get('db_queries_total');
    const both = await ordersOf([alice.id, bob.id], admin.token);
    expect(both.data?._entities.map((user: any) => [user.id, user.orders.totalCount])).toEqual([
      [alice.id, 2],
      [bob.id, 1],
    ]);
    // For both users together: one query for the pages, one for the counts, one for the lines.
    expect(h.test.metrics.get('db_queries_total') - before).toBe(3);
  });
});
