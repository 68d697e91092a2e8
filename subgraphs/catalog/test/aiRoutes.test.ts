/**
 * The internal routes the ai service relies on (course content without answer keys, every course's
 * version, appending quiz questions for an instructor) and the `course.changed` event catalog
 * pushes after each committed course write.
 */
import { randomUUID } from 'node:crypto';
import { createLogger, HttpEventBus, type DomainEvent, type EventBus } from '@learncraft/kit';
import { serveTestRoutes } from '@learncraft/kit/testing';
import type { CourseDocument } from '../src/domain/course';
import { labLesson, makeCourse, module, quizLesson, readingLesson } from './support/courses';
import { INTERNAL_SECRET, startTestCatalog, type TestCatalog } from './support/server';

const INES = randomUUID();
const APPEND = '/internal/quiz-questions/append';

/** A service consuming catalog's events over HTTP push, as the ai subgraph does. */
async function startEventConsumer() {
  const bus = new HttpEventBus({
    subscriberUrls: [],
    secret: INTERNAL_SECRET,
    logger: createLogger('ai-test', 'silent'),
    service: 'ai',
  });
  const events: DomainEvent<{ courseId: string; version: number }>[] = [];
  await bus.consume<{ courseId: string; version: number }>('course.changed', 'ai-indexer', (event) => {
    events.push(event);
    return Promise.resolve();
  });
  const served = await serveTestRoutes(bus.routes());
  return {
    url: served.url,
    events,
    /** Waits until an event for `courseId` at `version` arrived and returns the payloads for the course. */
    async until(courseId: string, version: number) {
      for (let i = 0; i < 500; i++) {
        if (events.some((event) => event.payload.courseId === courseId && event.payload.version === version))
          break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return events.filter((event) => event.payload.courseId === courseId).map((event) => event.payload);
    },
    async close() {
      await bus.close();
      await served.close();
    },
  };
}

let catalog: TestCatalog;
let consumer: Awaited<ReturnType<typeof startEventConsumer>>;
let course: CourseDocument;
let draft: CourseDocument;

beforeAll(async () => {
  consumer = await startEventConsumer();
  catalog = await startTestCatalog({ EVENT_SUBSCRIBER_URLS: consumer.url });
  const video = readingLesson('Watch', {
    kind: 'VIDEO',
    content: {
      kind: 'VIDEO',
      url: 'https://cdn.example/v.mp4',
      durationSeconds: 60,
      transcriptVtt: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello',
    },
  });
  course = await catalog.server.courseStore.create(
    makeCourse({
      instructorIds: [INES],
      modules: [
        module('One', [readingLesson('Read'), quizLesson('Quiz')]),
        module('Two', [video, labLesson('Lab')]),
      ],
    }),
  );
  draft = await catalog.server.courseStore.create(makeCourse({ published: false, instructorIds: [INES] }));
});

afterAll(async () => {
  await catalog?.close();
  await consumer?.close();
});

describe('POST /internal/course-content', () => {
  test('answers 403 without the internal secret', async () => {
    expect(await catalog.internal('/internal/course-content', { ids: [course.id] }, null)).toEqual({
      status: 403,
      body: { error: 'forbidden' },
    });
  });

  test('returns each known course in request order with its lessons as a learner may read them', async () => {
    const [one, two] = course.modules;
    const [read, quiz] = one!.lessons;
    const [video, lab] = two!.lessons;
    if (quiz!.content.kind !== 'QUIZ' || lab!.content.kind !== 'LAB') throw new Error('fixture');
    const question = quiz!.content.questions[0]!;
    const step = lab!.content.steps[0]!;
    const response = await catalog.internal('/internal/course-content', {
      ids: [draft.id, randomUUID(), course.id, course.id],
    });
    const lesson = (
      moduleDoc: typeof one,
      doc: typeof read,
      content: Partial<Record<'markdown' | 'transcriptVtt' | 'lab' | 'quiz', unknown>>,
    ) => ({
      id: doc!.id,
      title: doc!.title,
      kind: doc!.kind,
      moduleId: moduleDoc!.id,
      moduleTitle: moduleDoc!.title,
      markdown: null,
      transcriptVtt: null,
      lab: null,
      quiz: null,
      ...content,
    });
    expect(response.status).toBe(200);
    expect(response.body.courses.map((entry: { id: string }) => entry.id)).toEqual([draft.id, course.id]);
    expect(response.body.courses[1]).toEqual({
      id: course.id,
      version: 1,
      title: course.title,
      published: true,
      instructorIds: [INES],
      lessons: [
        lesson(one, read, { markdown: '# Read' }),
        lesson(one, quiz, {
          quiz: {
            questions: [
              {
                id: question.id,
                prompt: 'Which one?',
                options: question.options.map((option) => ({ id: option.id, label: option.label })),
                explanation: 'Because B.',
              },
            ],
          },
        }),
        lesson(two, video, { transcriptVtt: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello' }),
        lesson(two, lab, {
          lab: {
            instructions: '# Lab',
            steps: [{ id: step.id, title: 'Write it', instructions: 'Write the file.' }],
          },
        }),
      ],
    });
    expect(response.body.courses[0]).toMatchObject({ id: draft.id, published: false, version: 1 });
    const text = JSON.stringify(response.body);
    for (const secret of [
      'correct',
      'checkCommand',
      'setupScript',
      'hint',
      'Use an editor.',
      'deployment.yaml',
    ])
      expect(text).not.toContain(secret);
  });

  test('rejects more than 50 ids with 400', async () => {
    const ids = Array.from({ length: 51 }, () => randomUUID());
    expect(await catalog.internal('/internal/course-content', { ids })).toEqual({
      status: 400,
      body: { error: 'The body must be {"ids": [...]} with at most 50 string ids.' },
    });
  });
});

describe('POST /internal/course-versions', () => {
  test('pages through every course, drafts too, in id order until next is null', async () => {
    const seen: { id: string; version: number }[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const response = await catalog.internal('/internal/course-versions', { after, limit: 1 });
      expect(response.status).toBe(200);
      seen.push(...response.body.courses);
      after = response.body.next;
      pages += 1;
    } while (after !== null && pages < 10);
    const expected = [course, draft]
      .map((doc) => ({ id: doc.id, version: doc.version }))
      .sort((a, b) => a.id.localeCompare(b.id));
    // The last full page has a cursor; the page after it is empty.
    expect(pages).toBe(3);
    expect(seen.filter((entry) => expected.some((doc) => doc.id === entry.id))).toEqual(expected);
  });

  test('without a body cursor or limit it answers the first 1000 courses and no next page', async () => {
    const response = await catalog.internal('/internal/course-versions', {});
    expect(response.body.next).toBeNull();
    expect(response.body.courses).toEqual(
      expect.arrayContaining([{ id: course.id, version: expect.any(Number) }]),
    );
  });

  test('rejects a limit outside 1..1000 or a cursor that is not a course id with 400', async () => {
    const error = {
      status: 400,
      body: { error: 'The body must be {"after"?: course id | null, "limit"?: 1..1000}.' },
    };
    expect(await catalog.internal('/internal/course-versions', { limit: 0 })).toEqual(error);
    expect(await catalog.internal('/internal/course-versions', { limit: 1001 })).toEqual(error);
    expect(await catalog.internal('/internal/course-versions', { after: 'junk' })).toEqual(error);
  });
});

describe('POST /internal/quiz-questions/append', () => {
  let target: CourseDocument;
  let quizId: string;
  beforeEach(async () => {
    target = await catalog.server.courseStore.create(
      makeCourse({
        instructorIds: [INES],
        modules: [module('Quiz', [quizLesson('Check'), readingLesson('R')])],
      }),
    );
    quizId = target.modules[0]!.lessons[0]!.id;
  });
  const question = (prompt: string, labels: [string, boolean][]) => ({
    prompt,
    multiple: false,
    options: labels.map(([label, correct]) => ({ label, correct })),
    explanation: null,
  });
  const stored = async () => {
    const [doc] = await catalog.server.courseStore.byIds([target.id]);
    const content = doc!.modules[0]!.lessons[0]!.content;
    if (content.kind !== 'QUIZ') throw new Error('fixture');
    return { doc: doc!, content };
  };

  test('appends the questions after the existing ones, keeping their ids, and publishes course.changed', async () => {
    const existing = (await stored()).content.questions[0]!;
    const response = await catalog.internal(APPEND, {
      lessonId: quizId,
      actor: { id: INES, roles: ['INSTRUCTOR'] },
      questions: [
        question('  What is 2 + 2?  ', [
          ['3', false],
          ['4', true],
        ]),
      ],
    });
    const { doc, content } = await stored();
    expect(response).toEqual({
      status: 200,
      body: { ok: true, questionIds: [content.questions[1]!.id], version: 2 },
    });
    expect(doc.version).toBe(2);
    expect(content.questions[0]).toEqual(existing);
    expect(content.questions[1]).toEqual({
      id: expect.any(String),
      prompt: 'What is 2 + 2?',
      multiple: false,
      explanation: null,
      options: [
        { id: expect.any(String), label: '3', correct: false },
        { id: expect.any(String), label: '4', correct: true },
      ],
    });
    expect(await consumer.until(target.id, 2)).toEqual([{ courseId: target.id, version: 2 }]);
  });

  test('an admin who does not teach the course may append', async () => {
    const response = await catalog.internal(APPEND, {
      lessonId: quizId,
      actor: { id: randomUUID(), roles: ['ADMIN'] },
      questions: [
        question('Admin?', [
          ['yes', true],
          ['no', false],
        ]),
      ],
    });
    expect(response.body).toMatchObject({ ok: true, version: 2 });
  });

  test('validation failures are user errors pointing into questions, with lessonUpdate codes, and write nothing', async () => {
    const response = await catalog.internal(APPEND, {
      lessonId: quizId,
      actor: { id: INES, roles: ['INSTRUCTOR'] },
      questions: [
        question('Fine?', [
          ['yes', true],
          ['no', false],
        ]),
        question(' ', [
          ['a', false],
          ['b', false],
        ]),
        question('One option', [['only', true]]),
      ],
    });
    expect(response).toEqual({
      status: 200,
      body: {
        ok: false,
        userErrors: [
          { code: 'REQUIRED', message: 'The prompt must not be blank.', field: ['questions', '1', 'prompt'] },
          {
            code: 'QUIZ_NO_CORRECT_OPTION',
            message: 'A question needs at least one correct option.',
            field: ['questions', '1', 'options'],
          },
          {
            code: 'QUIZ_TOO_FEW_OPTIONS',
            message: 'A question needs at least two options.',
            field: ['questions', '2', 'options'],
          },
        ],
      },
    });
    expect((await stored()).doc.version).toBe(1);
  });

  test('an unknown lesson is 404, a non-quiz lesson 400, and an actor who may not edit the course 403', async () => {
    const body = {
      actor: { id: INES, roles: ['INSTRUCTOR'] },
      questions: [
        question('Q', [
          ['a', true],
          ['b', false],
        ]),
      ],
    };
    expect(await catalog.internal(APPEND, { ...body, lessonId: randomUUID() })).toEqual({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    expect(await catalog.internal(APPEND, { ...body, lessonId: target.modules[0]!.lessons[1]!.id })).toEqual({
      status: 400,
      body: { error: 'NOT_A_QUIZ' },
    });
    for (const actor of [
      { id: randomUUID(), roles: ['INSTRUCTOR'] },
      // Listed as the course's instructor, but no longer holding the role.
      { id: INES, roles: ['LEARNER'] },
      { id: INES, roles: ['SUPERUSER'] },
    ]) {
      expect(await catalog.internal(APPEND, { ...body, actor, lessonId: quizId })).toEqual({
        status: 403,
        body: { error: 'FORBIDDEN' },
      });
    }
    expect((await stored()).doc.version).toBe(1);
  });

  test('a body of the wrong shape, or without questions, is 400', async () => {
    const bad = await catalog.internal(APPEND, { lessonId: quizId, questions: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^The body must be \{"lessonId": string, "actor"/);
    expect(
      (
        await catalog.internal(APPEND, {
          lessonId: quizId,
          actor: { id: INES, roles: ['INSTRUCTOR'] },
          questions: [],
        })
      ).status,
    ).toBe(400);
  });

  test('answers 403 without the internal secret', async () => {
    expect((await catalog.internal(APPEND, {}, null)).status).toBe(403);
  });
});

describe('course.changed', () => {
  const userErrors = `userErrors { code field }`;
  const MUTATIONS = {
    courseCreate: `mutation ($input: CourseCreateInput!) { courseCreate(input: $input) { course { id } ${userErrors} } }`,
    courseUpdate: `mutation ($input: CourseUpdateInput!) { courseUpdate(input: $input) { course { id } ${userErrors} } }`,
    moduleCreate: `mutation ($input: ModuleCreateInput!) { moduleCreate(input: $input) { module { id } ${userErrors} } }`,
    lessonCreate: `mutation ($input: LessonCreateInput!) { lessonCreate(input: $input) { lesson { id } ${userErrors} } }`,
    lessonUpdate: `mutation ($input: LessonUpdateInput!) { lessonUpdate(input: $input) { lesson { id } ${userErrors} } }`,
    coursePublish: `mutation ($input: CoursePublishInput!) { coursePublish(input: $input) { course { id } ${userErrors} } }`,
  };

  test('every committed authoring write publishes the course id and its saved version, once', async () => {
    const token = await catalog.token(INES, ['INSTRUCTOR']);
    const run = async (name: keyof typeof MUTATIONS, input: Record<string, unknown>) => {
      const result = await catalog.gql<Record<string, any>>(MUTATIONS[name], { input }, token);
      expect(result.data?.[name].userErrors).toEqual([]);
      return result.data![name];
    };
    const created = await run('courseCreate', {
      title: 'Evented',
      summary: 'S',
      description: 'D',
      level: 'BEGINNER',
      categorySlug: 'programming',
      language: 'en',
    });
    const courseId = created.course.id as string;
    await run('courseUpdate', { courseId, title: 'Evented again' });
    const moduleId = (await run('moduleCreate', { courseId, title: 'M' })).module.id as string;
    const lessonId = (
      await run('lessonCreate', { moduleId, title: 'L', kind: 'READING', reading: { markdown: '# L' } })
    ).lesson.id as string;
    await run('lessonUpdate', { lessonId, title: 'L2' });
    await run('coursePublish', { courseId });
    // Publishing again changes nothing, so it publishes nothing.
    await run('coursePublish', { courseId });
    // A refused write publishes nothing either.
    const refused = await catalog.gql(MUTATIONS.courseUpdate, { input: { courseId, title: ' ' } }, token);
    expect(refused.data?.courseUpdate.userErrors).toEqual([{ code: 'REQUIRED', field: ['input', 'title'] }]);
    await catalog.internal(APPEND, {
      lessonId: quizLessonId(await catalogQuiz(courseId, token)),
      actor: { id: INES, roles: ['INSTRUCTOR'] },
      questions: [
        {
          prompt: 'Q',
          multiple: false,
          options: [
            { label: 'a', correct: true },
            { label: 'b', correct: false },
          ],
          explanation: null,
        },
      ],
    });
    // HTTP push delivers concurrently, so arrival order is not publication order.
    const received = (await consumer.until(courseId, 8)).sort((a, b) => a.version - b.version);
    expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((version) => ({ courseId, version })));
  });

  test('a bus that cannot publish is logged and the saved change is still answered as saved', async () => {
    const failing: EventBus = {
      publish: () => Promise.reject(new Error('broker down')),
      consume: () => Promise.reject(new Error('unused')),
      routes: () => ({}),
      close: () => Promise.resolve(),
    };
    const isolated = await startTestCatalog({}, { eventBus: failing });
    try {
      const token = await isolated.token(INES, ['INSTRUCTOR']);
      const result = await isolated.gql<Record<string, any>>(
        MUTATIONS.courseCreate,
        {
          input: {
            title: 'Still saved',
            summary: 'S',
            description: 'D',
            level: 'BEGINNER',
            categorySlug: 'programming',
            language: 'en',
          },
        },
        token,
      );
      expect(result.data?.courseCreate.userErrors).toEqual([]);
      const [saved] = await isolated.server.courseStore.byIds([result.data?.courseCreate.course.id]);
      expect(saved?.title).toBe('Still saved');
    } finally {
      await isolated.close();
    }
  });

  /** Adds a QUIZ lesson to the course's first module (version +1) and returns its lesson payload. */
  async function catalogQuiz(courseId: string, token: string) {
    const [doc] = await catalog.server.courseStore.byIds([courseId]);
    const result = await catalog.gql<Record<string, any>>(
      MUTATIONS.lessonCreate,
      {
        input: {
          moduleId: doc!.modules[0]!.id,
          title: 'Q',
          kind: 'QUIZ',
          quiz: {
            passPercent: 50,
            questions: [
              {
                prompt: 'P',
                multiple: false,
                options: [
                  { label: 'x', correct: true },
                  { label: 'y', correct: false },
                ],
              },
            ],
          },
        },
      },
      token,
    );
    return result.data!.lessonCreate;
  }

  function quizLessonId(payload: { lesson: { id: string } }) {
    return payload.lesson.id;
  }
});
