/**
 * Course access (commerce) in ai: tutorAsk and labHintRequest answer PAYMENT_REQUIRED for a paid
 * course without access and store nothing; a purchase announced by `entitlement.changed` is seen
 * by the next question; ACCESS_UNAVAILABLE when commerce cannot answer.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@learncraft/kit';
import {
  announceEntitlementChanged,
  createTestDatabase,
  serveFakeCommerce,
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  type FakeCommerce,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { createTestTokenIssuer, type TestTokenIssuer } from '@learncraft/identity';
import { loadConfig } from '../src/config';
import type { CourseContent } from '../src/domain/content';
import { startAiSubgraph, type RunningAiSubgraph } from '../src/server';
import type { CatalogClient } from '../src/stores/catalogClient';

const SECRET = 'test-internal-secret-0123456789';
const PAID = 'course-paid';
const COURSE: CourseContent = {
  id: PAID,
  version: 1,
  title: 'Paid course',
  published: true,
  instructorIds: ['instructor-1'],
  lessons: [
    {
      id: 'lesson-1',
      title: 'Introduction',
      kind: 'READING',
      moduleId: 'module-1',
      moduleTitle: 'Basics',
      markdown: '# Introduction\n\nA pod wraps one or more containers.',
      transcriptVtt: null,
      lab: null,
      quiz: null,
    },
  ],
};
const catalog: CatalogClient = {
  courseContent: (ids) => Promise.resolve(ids.includes(PAID) ? [COURSE] : []),
  courseVersions: () => Promise.resolve([]),
  courses: () => Promise.resolve([]),
  lessons: () => Promise.resolve([]),
  appendQuizQuestions: () => Promise.reject(new Error('not in this test')),
};

const ASK = /* GraphQL */ `
  mutation ($input: TutorAskInput!) {
    tutorAsk(input: $input) {
      message {
        id
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;
const HINT = /* GraphQL */ `
  mutation ($input: LabHintRequestInput!) {
    labHintRequest(input: $input) {
      message {
        id
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;
const paymentRequired = (field: string[]) => ({
  code: 'PAYMENT_REQUIRED',
  message: 'This course is paid: buy it or subscribe to a plan to take it.',
  field,
});

describe('course access in ai', () => {
  let commerce: FakeCommerce;
  let test: TestDatabase;
  let issuer: TestTokenIssuer;
  let server: RunningAiSubgraph;
  let dataDir: string;
  beforeAll(async () => {
    commerce = await serveFakeCommerce({ secret: SECRET, paid: [PAID] });
    test = await createTestDatabase('pglite');
    issuer = await createTestTokenIssuer();
    dataDir = await mkdtemp(join(tmpdir(), 'lc-ai-access-'));
    server = await startAiSubgraph({
      config: loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
        INTERNAL_API_SECRET: SECRET,
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
        COMMERCE_INTERNAL_URL: commerce.url,
        AI_OFFLINE_PACE_MS: '0',
      }),
      db: test.db,
      verifier: issuer.verifier,
      catalog,
      progress: { learnerCourseStatus: () => Promise.resolve({ enrolled: true, passedQuizLessonIds: [] }) },
      labs: {
        hintContext: ({ sessionId }) =>
          Promise.resolve({
            session: {
              id: sessionId,
              lessonId: 'lesson-1',
              courseId: PAID,
              status: 'READY',
              labTitle: 'Lab',
            },
            step: {
              id: 'step-1',
              title: 'Create a pod',
              instructions: 'Create a pod.',
              authorHint: null,
              status: 'PENDING',
              lastOutput: null,
              checkCommand: 'true',
            },
            recentInput: '',
          }),
      },
      logger: createLogger('ai-access-test', 'silent'),
    });
  });
  afterAll(async () => {
    await server.close();
    await test.dispose();
    await commerce.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  afterEach(() => {
    commerce.failWith = null;
  });

  const learner = async () => {
    const id = randomUUID();
    return { id, token: await issuer.issueAccessToken(id, ['LEARNER']) };
  };
  const gql = async (query: string, input: Record<string, unknown>, token: string) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...TEST_GATEWAY_HEADERS,
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables: { input } }),
    });
    return (await response.json()) as { data?: Record<string, any> };
  };
  const conversationsOf = async (userId: string) => {
    const [row] = await test.db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM ai.conversations WHERE user_id = $1',
      [userId],
    );
    return Number(row?.n ?? 0);
  };

  it('a learner without access to a paid course cannot ask its tutor, and nothing is stored', async () => {
    const { id, token } = await learner();
    const result = await gql(ASK, { courseId: PAID, question: 'What is a pod?' }, token);
    expect(result.data?.tutorAsk).toEqual({
      message: null,
      userErrors: [paymentRequired(['input', 'courseId'])],
    });
    expect(await conversationsOf(id)).toBe(0);
  });

  it('a learner without access cannot ask for a lab hint', async () => {
    const { id, token } = await learner();
    const result = await gql(HINT, { sessionId: randomUUID(), stepId: 'step-1' }, token);
    expect(result.data?.labHintRequest).toEqual({
      message: null,
      userErrors: [paymentRequired(['input', 'sessionId'])],
    });
    expect(await conversationsOf(id)).toBe(0);
  });

  it('a learner who bought the course asks and gets a reply', async () => {
    const { id, token } = await learner();
    commerce.grant(id, PAID);
    const asked = await gql(ASK, { courseId: PAID, question: 'What is a pod?' }, token);
    expect(asked.data?.tutorAsk.userErrors).toEqual([]);
    const hint = await gql(HINT, { sessionId: randomUUID(), stepId: 'step-1' }, token);
    expect(hint.data?.labHintRequest.userErrors).toEqual([]);
    expect(await conversationsOf(id)).toBe(2);
  });

  it('a purchase announced by entitlement.changed is seen by the next question', async () => {
    const { id, token } = await learner();
    const refused = await gql(ASK, { courseId: PAID, question: 'What is a pod?' }, token);
    expect(refused.data?.tutorAsk.userErrors).toEqual([paymentRequired(['input', 'courseId'])]);
    commerce.grant(id, PAID);
    await announceEntitlementChanged(server.url, SECRET, { userId: id, courseIds: [PAID] });
    const asked = await gql(ASK, { courseId: PAID, question: 'What is a pod?' }, token);
    expect(asked.data?.tutorAsk.userErrors).toEqual([]);
  });

  it('a paid lesson’s summary is null for anonymous callers and learners without access, shown to buyers', async () => {
    await test.db.query(
      `INSERT INTO ai.lesson_summaries
         (lesson_id, course_id, summary, key_points, offline, model, generated_by, generated_at)
       VALUES ('lesson-1', $1, 'Pods wrap containers.', '["A pod wraps containers."]', true, 'offline',
               'instructor-1', '2026-01-01T00:00:00.000Z')`,
      [PAID],
    );
    const SUMMARY = /* GraphQL */ `
      query {
        _entities(representations: [{ __typename: "Lesson", id: "lesson-1" }]) {
          ... on Lesson {
            summary {
              summary
              keyPoints
            }
          }
        }
      }
    `;
    const summaryAs = async (token: string | null) => {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...TEST_GATEWAY_HEADERS,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query: SUMMARY }),
      });
      const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data?._entities[0].summary;
    };
    expect(await summaryAs(null)).toBeNull();
    const stranger = await learner();
    expect(await summaryAs(stranger.token)).toBeNull();
    const buyer = await learner();
    commerce.grant(buyer.id, PAID);
    expect(await summaryAs(buyer.token)).toEqual({
      summary: 'Pods wrap containers.',
      keyPoints: ['A pod wraps containers.'],
    });
    commerce.failWith = 502;
    expect(await summaryAs(stranger.token)).toBeNull();
  });

  it('when commerce cannot answer, tutorAsk is ACCESS_UNAVAILABLE', async () => {
    const { token } = await learner();
    commerce.failWith = 502;
    const result = await gql(ASK, { courseId: PAID, question: 'What is a pod?' }, token);
    expect(result.data?.tutorAsk.userErrors).toEqual([
      {
        code: 'ACCESS_UNAVAILABLE',
        message: 'Course access cannot be checked right now; please try again shortly.',
        field: ['input', 'courseId'],
      },
    ]);
  });
});
