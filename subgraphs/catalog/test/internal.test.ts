/**
 * The internal routes progress relies on: guarded by the shared secret, exact payloads with the
 * quiz answer keys that the public schema never shows.
 */
import { randomUUID } from 'node:crypto';
import type { CourseDocument } from '../src/domain/course';
import { labLesson, makeCourse, module, quizLesson, readingLesson } from './support/courses';
import { startTestCatalog, type TestCatalog } from './support/server';

let catalog: TestCatalog;
let published: CourseDocument;
let draft: CourseDocument;

beforeAll(async () => {
  catalog = await startTestCatalog();
  published = await catalog.server.courseStore.create(
    makeCourse({
      instructorIds: ['u-1', 'u-2'],
      modules: [
        module('One', [readingLesson('Read', { durationSeconds: 240 }), quizLesson('Quiz')]),
        module('Two', [readingLesson('More'), labLesson('Lab'), labLesson('Old lab', { legacy: true })]),
      ],
    }),
  );
  draft = await catalog.server.courseStore.create(
    makeCourse({ published: false, modules: [module('Draft', [readingLesson('Draft read')])] }),
  );
});

afterAll(() => catalog?.close());

describe('POST /internal/lessons', () => {
  test('answers 403 without the internal secret or with a wrong one', async () => {
    const ids = [published.modules[0]!.lessons[0]!.id];
    expect(await catalog.internal('/internal/lessons', { ids }, null)).toEqual({
      status: 403,
      body: { error: 'forbidden' },
    });
    expect(
      (await catalog.internal('/internal/lessons', { ids }, 'wrong-secret-wrong-secret-123')).status,
    ).toBe(403);
  });

  test('returns each known lesson with its course state and, for quizzes, the answer key', async () => {
    const [read, quiz] = published.modules[0]!.lessons;
    const draftLesson = draft.modules[0]!.lessons[0]!;
    const content = quiz!.content;
    if (content.kind !== 'QUIZ') throw new Error('fixture');
    const [question] = content.questions;
    const response = await catalog.internal('/internal/lessons', {
      ids: [quiz!.id, randomUUID(), 'junk', read!.id, draftLesson.id],
    });
    expect(response).toEqual({
      status: 200,
      body: {
        lessons: [
          {
            id: quiz!.id,
            title: 'Quiz',
            courseId: published.id,
            kind: 'QUIZ',
            durationSeconds: 120,
            coursePublished: true,
            lab: null,
            quiz: {
              passPercent: 70,
              // The fixture quiz is stored without limits, as quizzes were before they existed.
              maxAttempts: null,
              cooldownSeconds: 0,
              questions: [
                {
                  id: question!.id,
                  multiple: false,
                  optionIds: question!.options.map((option) => option.id),
                  correctOptionIds: [question!.options[1]!.id],
                  explanation: 'Because B.',
                },
              ],
            },
          },
          {
            id: read!.id,
            title: 'Read',
            courseId: published.id,
            kind: 'READING',
            durationSeconds: 240,
            coursePublished: true,
            quiz: null,
            lab: null,
          },
          {
            id: draftLesson.id,
            title: 'Draft read',
            courseId: draft.id,
            kind: 'READING',
            durationSeconds: 300,
            coursePublished: false,
            quiz: null,
            lab: null,
          },
        ],
      },
    });
  });

  test('returns a LAB lesson with its lower-case profile, instructions, setup script, limits, step hints and check commands, and defaults for a lab stored before them', async () => {
    const [, lab, legacy] = published.modules[1]!.lessons;
    const step = (lesson: typeof lab) => {
      if (lesson?.content.kind !== 'LAB') throw new Error('fixture');
      return lesson.content.steps[0]!;
    };
    const response = await catalog.internal('/internal/lessons', { ids: [lab!.id, legacy!.id] });
    const labStep = {
      title: 'Write it',
      instructions: 'Write the file.',
      hint: 'Use an editor.',
      checkCommand: 'test -f ~/k8s/deployment.yaml',
    };
    const common = {
      courseId: published.id,
      kind: 'LAB',
      durationSeconds: 1800,
      coursePublished: true,
      quiz: null,
    };
    expect(response).toEqual({
      status: 200,
      body: {
        lessons: [
          {
            id: lab!.id,
            title: 'Lab',
            ...common,
            lab: {
              profile: 'kubernetes',
              image: 'learncraft/lab-kubernetes:1.32',
              instructions: '# Lab',
              setupScript: 'mkdir -p ~/k8s\n',
              timeLimitMinutes: 30,
              idleTimeoutMinutes: 20,
              steps: [{ ...labStep, id: step(lab).id }],
            },
          },
          {
            id: legacy!.id,
            title: 'Old lab',
            ...common,
            lab: {
              profile: 'node',
              image: 'learncraft/lab-node:20',
              instructions: '# Lab',
              setupScript: null,
              timeLimitMinutes: 30,
              idleTimeoutMinutes: 15,
              steps: [{ ...labStep, id: step(legacy).id }],
            },
          },
        ],
      },
    });
  });

  test('rejects more than 500 ids or a body without an ids array with 400', async () => {
    const tooMany = Array.from({ length: 501 }, () => randomUUID());
    expect((await catalog.internal('/internal/lessons', { ids: tooMany })).status).toBe(400);
    expect((await catalog.internal('/internal/lessons', { lessonIds: [] })).status).toBe(400);
    expect(
      (await catalog.internal('/internal/lessons', { ids: Array.from({ length: 500 }, () => randomUUID()) }))
        .body,
    ).toEqual({
      lessons: [],
    });
  });
});

describe('POST /internal/courses', () => {
  test('answers 403 without the internal secret', async () => {
    expect((await catalog.internal('/internal/courses', { ids: [published.id] }, null)).status).toBe(403);
  });

  test('returns slug, title, publication state, instructors and lesson ids in syllabus order; unknown ids are omitted', async () => {
    const response = await catalog.internal('/internal/courses', {
      ids: [draft.id, randomUUID(), published.id],
    });
    expect(response).toEqual({
      status: 200,
      body: {
        courses: [
          {
            id: draft.id,
            slug: draft.slug,
            title: draft.title,
            published: false,
            instructorIds: draft.instructorIds,
            lessonIds: [draft.modules[0]!.lessons[0]!.id],
          },
          {
            id: published.id,
            slug: published.slug,
            title: published.title,
            published: true,
            instructorIds: ['u-1', 'u-2'],
            lessonIds: [
              published.modules[0]!.lessons[0]!.id,
              published.modules[0]!.lessons[1]!.id,
              ...published.modules[1]!.lessons.map((lesson) => lesson.id),
            ],
          },
        ],
      },
    });
  });
});

describe('POST /internal/courses/by-slug', () => {
  test('answers the same shape as /internal/courses for the known slugs, in request order, unknown ones omitted', async () => {
    const response = await catalog.internal('/internal/courses/by-slug', {
      slugs: [published.slug, 'no-such-course', draft.slug],
    });
    const byIds = await catalog.internal('/internal/courses', { ids: [published.id, draft.id] });
    expect(response).toEqual({ status: 200, body: byIds.body });
    expect(response.body.courses.map((course: { slug: string }) => course.slug)).toEqual([
      published.slug,
      draft.slug,
    ]);
  });

  test('answers 403 without the internal secret and 400 to an empty or oversized list', async () => {
    expect(
      (await catalog.internal('/internal/courses/by-slug', { slugs: [published.slug] }, null)).status,
    ).toBe(403);
    expect(await catalog.internal('/internal/courses/by-slug', { slugs: [] })).toEqual({
      status: 400,
      body: { error: 'The body must be {"slugs": [...]} with 1 to 100 slugs.' },
    });
    const tooMany = Array.from({ length: 101 }, (_, index) => `slug-${index}`);
    expect((await catalog.internal('/internal/courses/by-slug', { slugs: tooMany })).status).toBe(400);
  });
});
