import { INSTRUCTOR_ID, OTHER_COURSE, WEB_COURSE, type FixtureCourse } from './support/catalogFixture';
import { COMPLETE, ENROLL, startHarness, type Harness } from './support/harness';

const BULK: FixtureCourse[] = Array.from({ length: 50 }, (_, index) => ({
  id: `bulk-${index}`,
  published: true,
  instructorIds: [],
  lessons: [
    { id: `bulk-${index}-reading`, kind: 'READING', durationSeconds: 0, quiz: null },
    { id: `bulk-${index}-video`, kind: 'VIDEO', durationSeconds: 100, quiz: null },
  ],
}));

const ENROLLMENTS = /* GraphQL */ `
  query ($reps: [_Any!]!, $first: Int, $after: String) {
    _entities(representations: $reps) {
      ... on User {
        enrollments(first: $first, after: $after) {
          totalCount
          pageInfo {
            hasNextPage
            hasPreviousPage
            startCursor
            endCursor
          }
          edges {
            cursor
            node {
              id
              progressPercent
              course {
                id
              }
            }
          }
        }
      }
    }
  }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('User.enrollments', () => {
  let h: Harness;
  beforeAll(async () => {
    // The outbox relay sweeps only when kicked here, so its queries never fall into a count below.
    h = await startHarness([WEB_COURSE, OTHER_COURSE, ...BULK], { env: { OUTBOX_INTERVAL_MS: '60000' } });
  });
  afterAll(() => h.close());

  const read = (userId: string, token: string | undefined, first?: number, after?: string) =>
    h.gql(ENROLLMENTS, { reps: [{ __typename: 'User', id: userId }], first, after }, token);

  it('pages newest first with totalCount and cursors', async () => {
    const learner = await h.learner();
    const ids: string[] = [];
    for (const courseId of [WEB_COURSE.id, OTHER_COURSE.id, 'bulk-0']) {
      ids.push((await h.gql(ENROLL, { courseId }, learner.token)).data?.courseEnroll.enrollment.id);
      await sleep(5);
    }
    const first = (await read(learner.id, learner.token, 2)).data?._entities[0].enrollments;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((edge: { node: { course: { id: string } } }) => edge.node.course.id)).toEqual([
      'bulk-0',
      OTHER_COURSE.id,
    ]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = (await read(learner.id, learner.token, 2, first.pageInfo.endCursor)).data?._entities[0]
      .enrollments;
    expect(second.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[0]]);
    expect(second).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false, hasPreviousPage: true } });
  });

  it("another learner's enrollments are FORBIDDEN; an ADMIN may read them; anonymous is UNAUTHENTICATED", async () => {
    const owner = await h.learner();
    const other = await h.learner();
    const admin = await h.learner(['LEARNER', 'ADMIN']);
    await h.gql(ENROLL, { courseId: WEB_COURSE.id }, owner.token);
    const forbidden = await read(owner.id, other.token, 5);
    expect(forbidden.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([
      ['FORBIDDEN', "You may not read another user's enrollments."],
    ]);
    expect((await read(owner.id, admin.token, 5)).data?._entities[0].enrollments.totalCount).toBe(1);
    expect((await read(owner.id, undefined, 5)).errors?.map((error) => error.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  it('a malformed cursor is BAD_USER_INPUT', async () => {
    const learner = await h.learner();
    const result = await read(learner.id, learner.token, 5, 'not-a-cursor');
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('an enrollment is readable by its learner and the course instructor, FORBIDDEN to others', async () => {
    const learner = await h.learner();
    const stranger = await h.learner();
    const instructor = { id: INSTRUCTOR_ID, token: await h.token(INSTRUCTOR_ID, ['LEARNER', 'INSTRUCTOR']) };
    const id = (await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token)).data?.courseEnroll.enrollment
      .id;
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Enrollment { id user { id } } } }`;
    const reps = { reps: [{ __typename: 'Enrollment', id }] };
    expect((await h.gql(query, reps, learner.token)).data?._entities).toEqual([
      { id, user: { id: learner.id } },
    ]);
    expect((await h.gql(query, reps, instructor.token)).data?._entities).toEqual([
      { id, user: { id: learner.id } },
    ]);
    expect((await h.gql(query, reps, stranger.token)).errors?.map((error) => error.extensions?.code)).toEqual(
      ['FORBIDDEN'],
    );
  });

  it('50 enrollments with progress cost the same constant SQL queries and catalog calls as 5', async () => {
    const learner = await h.learner();
    for (const [index, course] of BULK.entries()) {
      await h.gql(ENROLL, { courseId: course.id }, learner.token);
      if (index % 2 === 0) await h.gql(COMPLETE, { lessonId: `${course.id}-reading` }, learner.token);
    }
    await h.server.outbox.drain(); // the events of those enrollments and completions are out
    const measure = async (first: number) => {
      const queries = h.test.metrics.get('db_queries_total');
      const calls = h.catalog.requests.length;
      const result = await read(learner.id, learner.token, first);
      return {
        result,
        queries: h.test.metrics.get('db_queries_total') - queries,
        calls: h.catalog.requests.slice(calls).map((request) => [request.path, request.ids.length]),
      };
    };
    const fifty = await measure(50);
    const five = await measure(5);
    const edges = fifty.result.data?._entities[0].enrollments.edges as {
      node: { progressPercent: number };
    }[];
    expect(edges).toHaveLength(50);
    expect(edges.filter((edge) => edge.node.progressPercent === 50)).toHaveLength(25);
    expect(edges.filter((edge) => edge.node.progressPercent === 0)).toHaveLength(25);
    // One page query, one count, one completed-lessons query; one batched catalog call.
    expect(fifty.queries).toBe(3);
    expect(fifty.calls).toEqual([['/internal/courses', 50]]);
    expect(five.queries).toBe(3);
    expect(five.calls).toEqual([['/internal/courses', 5]]);
  });
});
