/**
 * Federation-wide guarantees through the gateway, on real PostgreSQL databases: list fields and
 * entity references are batched (a page of 50 costs what a page of 5 costs), bad input changes
 * nothing, abusive operations are refused, and a subgraph that is down yields partial data.
 */
import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { startPlatform, type Platform } from './platform';

const ENROLLMENTS_QUERY = /* GraphQL */ `
  query ($first: Int!) {
    me {
      displayName
      enrollments(first: $first) {
        totalCount
        edges {
          node {
            progressPercent
            course {
              title
              instructors {
                displayName
              }
            }
          }
        }
      }
    }
  }
`;

describe('the supergraph on PostgreSQL', () => {
  let platform: Platform;
  let admin: string;
  let learner: string;

  beforeAll(async () => {
    // The gateway's revoked-session poll queries identity's database in the background; a poll
    // once a minute keeps it out of the windows in which this suite counts queries per request.
    platform = await startPlatform({ flavour: 'postgres', gatewayEnv: { REVOCATION_POLL_MS: '60000' } });
    const adminAccount = DEMO_ACCOUNTS.find((account) => account.roles.includes('ADMIN'))!;
    admin = await platform.login(adminAccount.email, adminAccount.password);
    await platform.graphql(
      `mutation { userRegister(input: { email: "many@example.com", password: "plenty-of-courses-pass", displayName: "Many" }) { userErrors { code } } }`,
    );
    learner = await platform.login('many@example.com', 'plenty-of-courses-pass');
  });
  afterAll(async () => {
    await platform?.close();
  });

  async function createPublishedCourse(index: number): Promise<string> {
    const created = await platform.graphql(
      `mutation ($input: CourseCreateInput!) { courseCreate(input: $input) { course { id } userErrors { code message } } }`,
      {
        input: {
          title: `Batching course ${index}`,
          summary: 'A course made by the batching test.',
          description: 'Made to enrol in many courses.',
          level: 'BEGINNER',
          categorySlug: 'programming',
          language: 'en',
        },
      },
      admin,
    );
    const courseId = created.data?.courseCreate.course?.id as string;
    if (!courseId) throw new Error(JSON.stringify(created));
    const module = await platform.graphql(
      `mutation ($input: ModuleCreateInput!) { moduleCreate(input: $input) { module { id } userErrors { code } } }`,
      { input: { courseId, title: 'Only module' } },
      admin,
    );
    await platform.graphql(
      `mutation ($input: LessonCreateInput!) { lessonCreate(input: $input) { lesson { id } userErrors { code } } }`,
      {
        input: {
          moduleId: module.data?.moduleCreate.module.id,
          title: 'Only lesson',
          kind: 'READING',
          durationSeconds: 120,
          reading: { markdown: '# Read me' },
        },
      },
      admin,
    );
    const published = await platform.graphql(
      `mutation ($id: ID!) { coursePublish(input: { courseId: $id }) { course { published } userErrors { code } } }`,
      { id: courseId },
      admin,
    );
    expect(published.data?.coursePublish).toEqual({ course: { published: true }, userErrors: [] });
    return courseId;
  }

  function counters() {
    const { identity, catalog, progress, databases } = platform;
    return {
      fetches: {
        identity: identity.metrics.get('graphql_requests_total'),
        catalog: catalog.metrics.get('graphql_requests_total'),
        progress: progress.metrics.get('graphql_requests_total'),
      },
      queries: {
        identity: databases.identity.metrics.get('db_queries_total'),
        catalog: databases.catalog.metrics.get('db_queries_total'),
        progress: databases.progress.metrics.get('db_queries_total'),
      },
    };
  }

  async function measure(first: number) {
    const before = counters();
    const result = await platform.graphql(ENROLLMENTS_QUERY, { first }, learner);
    const after = counters();
    expect(result.errors).toBeUndefined();
    expect(result.data?.me.enrollments.edges).toHaveLength(first);
    const diff = (kind: 'fetches' | 'queries') =>
      Object.fromEntries(
        Object.entries(after[kind]).map(([name, value]) => [
          name,
          value - before[kind][name as keyof typeof before.fetches],
        ]),
      );
    return { fetches: diff('fetches'), queries: diff('queries') };
  }

  /**
   * What one query costs. Background work shares the counters — the gateway's poll of revoked
   * sessions (every 2 s) and identity's webhook dispatcher (every second) each run an identity query
   * — and only ever adds to them, so the cost is the least of three runs, counter by counter.
   */
  async function costOf(first: number) {
    await platform.graphql(ENROLLMENTS_QUERY, { first }, learner); // warm caches and plans
    const runs = [await measure(first), await measure(first), await measure(first)];
    const least = (kind: 'fetches' | 'queries') =>
      Object.fromEntries(
        Object.keys(runs[0]![kind]).map((name) => [
          name,
          Math.min(...runs.map((run) => run[kind][name] ?? 0)),
        ]),
      );
    return { fetches: least('fetches'), queries: least('queries') };
  }

  it('costs the same subgraph fetches and database queries for 50 enrollments as for 5', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 50; index++) ids.push(await createPublishedCourse(index));
    for (const id of ids) {
      const enrolled = await platform.graphql(
        `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }`,
        { id },
        learner,
      );
      expect(enrolled.data?.courseEnroll.userErrors).toEqual([]);
    }
    const five = await costOf(5);
    const fifty = await costOf(50);
    console.log(
      `cost of 5 enrollments: ${JSON.stringify(five)}\ncost of 50 enrollments: ${JSON.stringify(fifty)}`,
    );
    expect(fifty).toEqual(five);
    // One fetch per subgraph that owns part of the answer: identity (me, then instructors), progress, catalog.
    expect(fifty.fetches).toEqual({ identity: 2, progress: 1, catalog: 1 });
  });

  it('refuses a 1 MB course title with a userError and writes nothing', async () => {
    const before = await platform.graphql(`{ courses { totalCount } }`, {}, admin);
    const result = await platform.graphql(
      `mutation ($input: CourseCreateInput!) { courseCreate(input: $input) { course { id } userErrors { code field } } }`,
      {
        input: {
          title: 'x'.repeat(1024 * 1024),
          summary: 's',
          description: 'd',
          level: 'BEGINNER',
          categorySlug: 'programming',
          language: 'en',
        },
      },
      admin,
    );
    expect(result.data?.courseCreate).toEqual({
      course: null,
      userErrors: [{ code: 'TOO_LONG', field: ['input', 'title'] }],
    });
    const after = await platform.graphql(`{ courses { totalCount } }`, {}, admin);
    expect(after.data?.courses.totalCount).toBe(before.data?.courses.totalCount);
  });

  it('refuses alias bombs and deep queries before touching a subgraph', async () => {
    const before = counters();
    const aliases = Array.from({ length: 200 }, (_, index) => `a${index}: categories { slug }`).join(' ');
    const bomb = await platform.graphql(`{ ${aliases} }`);
    expect(bomb.status).toBe(400);
    expect(bomb.errors?.[0]?.extensions?.code).toBe('OPERATION_TOO_COMPLEX');
    const deep = await platform.graphql(
      `{ me { enrollments { edges { node { course { modules { lessons { course { modules { lessons { course { modules { title } } } } } } } } } } } } }`,
    );
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0]?.extensions?.code).toBe('OPERATION_TOO_COMPLEX');
    expect(counters().fetches).toEqual(before.fetches);
  });

  it('refuses a forged token with 401 UNAUTHENTICATED', async () => {
    const [header, payload] = learner.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not a signature').toString('base64url')}`;
    const result = await platform.graphql(`{ me { displayName } }`, {}, forged);
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers with partial data and an error naming the subgraph that is down', async () => {
    await platform.progress.close();
    const result = await platform.graphql(`{ me { displayName enrollments { totalCount } } }`, {}, learner);
    expect(result.data).toEqual({ me: { displayName: 'Many', enrollments: null } });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      serviceName: 'progress',
    });
    expect(result.errors?.[0]?.message).toContain('progress');
  });
});
