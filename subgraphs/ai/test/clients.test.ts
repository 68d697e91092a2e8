/**
 * The ai service's clients against the real catalog, progress and labs servers (each on its own
 * in-memory database, wired to one another as in production): exact typed answers, null on a
 * missing lab session, and clear errors when a service cannot be reached.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, type Role } from '@learncraft/kit';
import {
  createTestDatabase,
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { createTestTokenIssuer, type TestTokenIssuer } from '@learncraft/identity';
import {
  loadConfig as loadCatalogConfig,
  startCatalogSubgraph,
  type CourseDocument,
  type RunningCatalog,
} from '@learncraft/catalog';
import {
  loadConfig as loadProgressConfig,
  startProgressSubgraph,
  type RunningProgressSubgraph,
} from '@learncraft/progress';
import {
  loadConfig as loadLabsConfig,
  startLabsSubgraph,
  type LabRuntime,
  type RunningLabsSubgraph,
} from '@learncraft/labs';
import { createHttpCatalogClient, type CatalogClient } from '../src/stores/catalogClient';
import { createHttpLabsClient, type LabsClient } from '../src/stores/labsClient';
import { createHttpProgressClient, type ProgressClient } from '../src/stores/progressClient';

const SECRET = 'test-internal-secret-0123456789';
const INSTRUCTOR = randomUUID();
const logger = createLogger('ai-clients-test', 'silent');
const env = {
  PORT: '0',
  LOG_LEVEL: 'silent',
  INTERNAL_API_SECRET: SECRET,
  GATEWAY_SECRET: TEST_GATEWAY_SECRET,
};

/** Labs without sandboxes: sessions are written to its store directly, so nothing is provisioned. */
const idleRuntime: LabRuntime = {
  kind: 'local',
  availability: () => Promise.resolve({ ok: true }),
  provision: () => Promise.reject(new Error('no sandboxes in this test')),
  exec: () => Promise.reject(new Error('no sandboxes in this test')),
  attach: () => Promise.reject(new Error('no sandboxes in this test')),
  destroy: () => Promise.resolve(),
  list: () => Promise.resolve([]),
  close: () => Promise.resolve(),
};

const ids = {
  course: randomUUID(),
  draft: randomUUID(),
  module: randomUUID(),
  reading: randomUUID(),
  quiz: randomUUID(),
  question: randomUUID(),
  right: randomUUID(),
  wrong: randomUUID(),
  lab: randomUUID(),
};

function course(overrides: Partial<CourseDocument> = {}): CourseDocument {
  const at = '2025-01-01T00:00:00.000Z';
  return {
    id: ids.course,
    slug: `course-${randomUUID().slice(0, 8)}`,
    title: 'Shell basics',
    summary: 'S',
    description: 'D',
    level: 'BEGINNER',
    categorySlug: 'programming',
    language: 'en',
    thumbnailUrl: null,
    instructorIds: [INSTRUCTOR],
    published: true,
    publishedAt: at,
    createdAt: at,
    updatedAt: at,
    version: 0,
    modules: [
      {
        id: ids.module,
        title: 'Start',
        summary: '',
        lessons: [
          {
            id: ids.reading,
            title: 'Read me',
            kind: 'READING',
            durationSeconds: 60,
            content: { kind: 'READING', markdown: '# Files' },
          },
          {
            id: ids.quiz,
            title: 'Check yourself',
            kind: 'QUIZ',
            durationSeconds: 60,
            content: {
              kind: 'QUIZ',
              passPercent: 100,
              questions: [
                {
                  id: ids.question,
                  prompt: 'Which command creates a file?',
                  multiple: false,
                  explanation: 'touch creates it.',
                  options: [
                    { id: ids.right, label: 'touch', correct: true },
                    { id: ids.wrong, label: 'cd', correct: false },
                  ],
                },
              ],
            },
          },
          {
            id: ids.lab,
            title: 'Make a file',
            kind: 'LAB',
            durationSeconds: 600,
            content: {
              kind: 'LAB',
              image: 'learncraft/lab-linux:1',
              instructions: '# Make a file',
              timeLimitMinutes: 10,
              setupScript: 'echo secret-setup',
              steps: [
                {
                  id: 'make',
                  title: 'Create hello.txt',
                  instructions: 'Create `hello.txt`.',
                  checkCommand: 'test -f hello.txt',
                  hint: 'Try touch.',
                },
              ],
            },
          },
        ],
      },
    ],
    ...overrides,
  };
}

let issuer: TestTokenIssuer;
const databases: TestDatabase[] = [];
let catalogServer: RunningCatalog;
let progressServer: RunningProgressSubgraph;
let labsServer: RunningLabsSubgraph;
let catalog: CatalogClient;
let progress: ProgressClient;
let labs: LabsClient;

const baseOf = (server: { port: number }) => `http://127.0.0.1:${server.port}`;
const database = async () => {
  const test = await createTestDatabase('pglite');
  databases.push(test);
  return test.db;
};

beforeAll(async () => {
  issuer = await createTestTokenIssuer();
  catalogServer = await startCatalogSubgraph({
    config: loadCatalogConfig(env),
    db: await database(),
    verifier: issuer.verifier,
  });
  await catalogServer.courseStore.upsertCategories([
    { id: randomUUID(), slug: 'programming', name: 'Programming', description: 'Code.' },
  ]);
  await catalogServer.courseStore.create(course());
  await catalogServer.courseStore.create(
    course({ id: ids.draft, title: 'Draft', published: false, publishedAt: null, modules: [] }),
  );
  progressServer = await startProgressSubgraph({
    config: loadProgressConfig({ ...env, CATALOG_INTERNAL_URL: baseOf(catalogServer) }),
    db: await database(),
    verifier: issuer.verifier,
    logger,
  });
  labsServer = await startLabsSubgraph({
    config: loadLabsConfig({
      ...env,
      CATALOG_INTERNAL_URL: baseOf(catalogServer),
      PROGRESS_INTERNAL_URL: baseOf(progressServer),
      LAB_TERMINAL_SECRET: 'test-terminal-secret-0123456789-abcdef',
      LAB_SWEEP_INTERVAL_MS: '0',
      LAB_NODE_ID: `test-node-${randomUUID()}`,
    }),
    db: await database(),
    runtime: idleRuntime,
    verifier: issuer.verifier,
    logger,
  });
  catalog = createHttpCatalogClient({ baseUrl: baseOf(catalogServer), secret: SECRET, logger });
  progress = createHttpProgressClient({ baseUrl: baseOf(progressServer), secret: SECRET, logger });
  labs = createHttpLabsClient({ baseUrl: baseOf(labsServer), secret: SECRET, logger });
});

afterAll(async () => {
  await labsServer?.close();
  await progressServer?.close();
  await catalogServer?.close();
  for (const test of databases) await test.dispose();
});

async function gql(
  server: { url: string },
  query: string,
  variables: Record<string, unknown>,
  token: string,
) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...TEST_GATEWAY_HEADERS,
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
}

const token = (userId: string, roles: Role[] = ['LEARNER']) => issuer.issueAccessToken(userId, roles);

describe('the catalog client', () => {
  test('courseContent returns the typed content of each known course, without answer keys or lab secrets', async () => {
    const contents = await catalog.courseContent([ids.draft, randomUUID(), ids.course]);
    expect(contents.map((content) => content.id)).toEqual([ids.draft, ids.course]);
    expect(contents[1]).toEqual({
      id: ids.course,
      version: 1,
      title: 'Shell basics',
      published: true,
      instructorIds: [INSTRUCTOR],
      lessons: [
        {
          id: ids.reading,
          title: 'Read me',
          kind: 'READING',
          moduleId: ids.module,
          moduleTitle: 'Start',
          markdown: '# Files',
          transcriptVtt: null,
          lab: null,
          quiz: null,
        },
        {
          id: ids.quiz,
          title: 'Check yourself',
          kind: 'QUIZ',
          moduleId: ids.module,
          moduleTitle: 'Start',
          markdown: null,
          transcriptVtt: null,
          lab: null,
          quiz: {
            questions: [
              {
                id: ids.question,
                prompt: 'Which command creates a file?',
                options: [
                  { id: ids.right, label: 'touch' },
                  { id: ids.wrong, label: 'cd' },
                ],
                explanation: 'touch creates it.',
              },
            ],
          },
        },
        {
          id: ids.lab,
          title: 'Make a file',
          kind: 'LAB',
          moduleId: ids.module,
          moduleTitle: 'Start',
          markdown: null,
          transcriptVtt: null,
          lab: {
            instructions: '# Make a file',
            steps: [{ id: 'make', title: 'Create hello.txt', instructions: 'Create `hello.txt`.' }],
          },
          quiz: null,
        },
      ],
    });
    expect(JSON.stringify(contents)).not.toMatch(/correct|checkCommand|secret-setup|Try touch/);
  });

  test('courseContent asks in chunks of 50 ids', async () => {
    const many = [...Array.from({ length: 120 }, () => randomUUID()), ids.course];
    expect((await catalog.courseContent(many)).map((content) => content.id)).toEqual([ids.course]);
  });

  test('courseVersions returns every course, drafts too', async () => {
    expect(await catalog.courseVersions()).toEqual(
      [
        { id: ids.course, version: expect.any(Number) },
        { id: ids.draft, version: 1 },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  test('courses and lessons return the typed facts the service decides with', async () => {
    expect(await catalog.courses([ids.course, randomUUID()])).toEqual([
      {
        id: ids.course,
        published: true,
        instructorIds: [INSTRUCTOR],
        lessonIds: [ids.reading, ids.quiz, ids.lab],
      },
    ]);
    expect(await catalog.lessons([ids.quiz, ids.reading])).toEqual([
      {
        id: ids.quiz,
        courseId: ids.course,
        kind: 'QUIZ',
        coursePublished: true,
        quiz: {
          questions: [
            {
              id: ids.question,
              optionIds: [ids.right, ids.wrong],
              correctOptionIds: [ids.right],
              explanation: 'touch creates it.',
            },
          ],
        },
      },
      { id: ids.reading, courseId: ids.course, kind: 'READING', coursePublished: true, quiz: null },
    ]);
  });

  test('appendQuizQuestions reports appended ids and version, user errors, and refusals as typed results', async () => {
    const question = {
      prompt: 'Which command lists files?',
      multiple: false,
      options: [
        { label: 'ls', correct: true },
        { label: 'rm', correct: false },
      ],
      explanation: null,
    };
    const actor = { id: INSTRUCTOR, roles: ['INSTRUCTOR'] };
    const appended = await catalog.appendQuizQuestions({ lessonId: ids.quiz, actor, questions: [question] });
    expect(appended).toEqual({ kind: 'APPENDED', questionIds: [expect.any(String)], version: 2 });
    expect(
      await catalog.appendQuizQuestions({
        lessonId: ids.quiz,
        actor,
        questions: [
          {
            ...question,
            options: [
              { label: 'ls', correct: false },
              { label: 'rm', correct: false },
            ],
          },
        ],
      }),
    ).toEqual({
      kind: 'INVALID',
      userErrors: [
        {
          code: 'QUIZ_NO_CORRECT_OPTION',
          message: 'A question needs at least one correct option.',
          field: ['questions', '0', 'options'],
        },
      ],
    });
    expect(
      await catalog.appendQuizQuestions({ lessonId: randomUUID(), actor, questions: [question] }),
    ).toEqual({
      kind: 'NOT_FOUND',
    });
    expect(
      await catalog.appendQuizQuestions({
        lessonId: ids.quiz,
        actor: { id: randomUUID(), roles: ['INSTRUCTOR'] },
        questions: [question],
      }),
    ).toEqual({ kind: 'FORBIDDEN' });
    expect(
      await catalog.appendQuizQuestions({ lessonId: ids.reading, actor, questions: [question] }),
    ).toEqual({
      kind: 'NOT_A_QUIZ',
    });
    const [content] = await catalog.courseContent([ids.course]);
    expect(content!.lessons[1]!.quiz!.questions.map((entry) => entry.id)).toEqual([
      ids.question,
      ...(appended.kind === 'APPENDED' ? appended.questionIds : []),
    ]);
  });
});

describe('the progress client', () => {
  test('learnerCourseStatus tells enrolment and the quizzes passed', async () => {
    const learner = randomUUID();
    expect(await progress.learnerCourseStatus(learner, ids.course)).toEqual({
      enrolled: false,
      passedQuizLessonIds: [],
    });
    const bearer = await token(learner);
    const enrolled = await gql(
      progressServer,
      'mutation ($courseId: ID!) { courseEnroll(input: { courseId: $courseId }) { userErrors { code } } }',
      { courseId: ids.course },
      bearer,
    );
    expect(enrolled.data?.courseEnroll.userErrors).toEqual([]);
    expect(await progress.learnerCourseStatus(learner, ids.course)).toEqual({
      enrolled: true,
      passedQuizLessonIds: [],
    });
    const [current] = await catalog.lessons([ids.quiz]);
    const answers = current!.quiz!.questions.map((question) => ({
      questionId: question.id,
      optionIds: question.correctOptionIds,
    }));
    const submitted = await gql(
      progressServer,
      `mutation ($lessonId: ID!, $answers: [QuizAnswerInput!]!) {
        quizSubmit(input: { lessonId: $lessonId, answers: $answers }) { attempt { passed } userErrors { code } }
      }`,
      { lessonId: ids.quiz, answers },
      bearer,
    );
    expect(submitted.data?.quizSubmit).toEqual({ attempt: { passed: true }, userErrors: [] });
    expect(await progress.learnerCourseStatus(learner, ids.course)).toEqual({
      enrolled: true,
      passedQuizLessonIds: [ids.quiz],
    });
  });
});

describe('the labs client', () => {
  test('hintContext returns the session, the step and its check command, and null for another learner', async () => {
    const learner = randomUUID();
    const at = new Date();
    const created = await labsServer.store.createSession({
      userId: learner,
      lessonId: ids.lab,
      courseId: ids.course,
      template: {
        profile: 'linux',
        image: 'learncraft/lab-linux:1',
        setupScript: null,
        timeLimitMinutes: 10,
        idleTimeoutMinutes: 10,
      },
      steps: [{ id: 'make', title: 'Create hello.txt', checkCommand: 'test -f hello.txt' }],
      nodeId: labsServer.nodeId,
      maxSandboxes: 10,
      at,
      expiresAt: new Date(at.getTime() + 600_000),
    });
    if (created.kind !== 'created') throw new Error(`session not created: ${created.kind}`);
    const sessionId = created.session.id;
    expect(await labs.hintContext({ sessionId, stepId: 'make', userId: learner })).toEqual({
      session: {
        id: sessionId,
        lessonId: ids.lab,
        courseId: ids.course,
        status: created.session.status,
        labTitle: 'Make a file',
      },
      step: {
        id: 'make',
        title: 'Create hello.txt',
        instructions: 'Create `hello.txt`.',
        authorHint: 'Try touch.',
        status: 'PENDING',
        lastOutput: null,
        checkCommand: 'test -f hello.txt',
      },
      recentInput: '',
    });
    expect(await labs.hintContext({ sessionId, stepId: 'make', userId: randomUUID() })).toBeNull();
  });
});

describe('failures', () => {
  test('a service that cannot be reached, or refuses the secret, is a clear Error', async () => {
    const nowhere = 'http://127.0.0.1:9';
    await expect(
      createHttpProgressClient({ baseUrl: nowhere, secret: SECRET, logger }).learnerCourseStatus('u', 'c'),
    ).rejects.toThrow(/^progress did not answer POST \/internal\/learner-course-status: /);
    await expect(
      createHttpLabsClient({ baseUrl: nowhere, secret: SECRET, logger }).hintContext({
        sessionId: 's',
        stepId: 'x',
        userId: 'u',
      }),
    ).rejects.toThrow(/^labs did not answer POST \/internal\/hint-context: /);
    const wrongSecret = createHttpCatalogClient({
      baseUrl: baseOf(catalogServer),
      secret: 'wrong-secret-wrong-secret-1234',
      logger,
    });
    await expect(wrongSecret.courseVersions()).rejects.toThrow(
      'catalog answered POST /internal/course-versions with HTTP 403',
    );
    await expect(
      wrongSecret.appendQuizQuestions({ lessonId: ids.quiz, actor: { id: 'a', roles: [] }, questions: [] }),
    ).rejects.toThrow('catalog answered POST /internal/quiz-questions/append with HTTP 403');
  });
});
