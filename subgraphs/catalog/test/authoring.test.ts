/**
 * Authoring over HTTP: the create -> module -> lesson -> publish flow, validation (exact codes and
 * field paths, nothing written), slugs, and who may edit what.
 */
import { randomUUID } from 'node:crypto';
import { startTestCatalog, type TestCatalog } from './support/server';

const INES = randomUUID();
const ADA = randomUUID();

let catalog: TestCatalog;
let ines: string;
let ada: string;
let learner: string;
let admin: string;

beforeAll(async () => {
  catalog = await startTestCatalog();
  [ines, ada, learner, admin] = await Promise.all([
    catalog.token(INES, ['LEARNER', 'INSTRUCTOR']),
    catalog.token(ADA, ['LEARNER', 'INSTRUCTOR']),
    catalog.token(randomUUID(), ['LEARNER']),
    catalog.token(randomUUID(), ['ADMIN']),
  ]);
});

afterAll(() => catalog?.close());

const COURSE_CREATE = /* GraphQL */ `
  mutation ($input: CourseCreateInput!) {
    courseCreate(input: $input) {
      course {
        id
        slug
        title
        published
        instructors {
          id
        }
        category {
          slug
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;
const MODULE_CREATE = /* GraphQL */ `
  mutation ($input: ModuleCreateInput!) {
    moduleCreate(input: $input) {
      module {
        id
        title
        position
      }
      userErrors {
        code
        field
      }
    }
  }
`;
const LESSON_CREATE = /* GraphQL */ `
  mutation ($input: LessonCreateInput!) {
    lessonCreate(input: $input) {
      lesson {
        id
        title
        kind
        position
        durationSeconds
        module {
          id
        }
        course {
          id
          lessonCount
        }
      }
      userErrors {
        code
        field
      }
    }
  }
`;
const LESSON_UPDATE = /* GraphQL */ `
  mutation ($input: LessonUpdateInput!) {
    lessonUpdate(input: $input) {
      lesson {
        id
        title
        durationSeconds
        content {
          ... on QuizContent {
            passPercent
            questions {
              prompt
              options {
                label
              }
            }
          }
        }
      }
      userErrors {
        code
        field
      }
    }
  }
`;
const COURSE_UPDATE = /* GraphQL */ `
  mutation ($input: CourseUpdateInput!) {
    courseUpdate(input: $input) {
      course {
        id
        slug
        title
        thumbnailUrl
      }
      userErrors {
        code
        field
      }
    }
  }
`;
const COURSE_PUBLISH = /* GraphQL */ `
  mutation ($input: CoursePublishInput!) {
    coursePublish(input: $input) {
      course {
        id
        published
        publishedAt
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`;

const courseInput = (overrides: Record<string, unknown> = {}) => ({
  title: `Course ${randomUUID().slice(0, 8)}`,
  summary: 'A short summary.',
  description: '# Welcome',
  level: 'BEGINNER',
  categorySlug: 'programming',
  language: 'en',
  ...overrides,
});

const quiz = (questions: unknown[]) => ({ passPercent: 60, questions });
const question = (options: [string, boolean][], multiple = false) => ({
  prompt: 'Pick one',
  multiple,
  options: options.map(([label, correct]) => ({ label, correct })),
});

async function createCourse(token: string, overrides: Record<string, unknown> = {}) {
  const result = await catalog.gql(COURSE_CREATE, { input: courseInput(overrides) }, token);
  expect(result.data.courseCreate.userErrors).toEqual([]);
  return result.data.courseCreate.course as { id: string; slug: string; title: string };
}

async function createModule(token: string, courseId: string, title = 'Module') {
  const result = await catalog.gql(MODULE_CREATE, { input: { courseId, title } }, token);
  expect(result.data.moduleCreate.userErrors).toEqual([]);
  return result.data.moduleCreate.module as { id: string };
}

async function courseState(courseId: string) {
  const { data } = await catalog.gql(
    'query ($id: ID) { course(id: $id) { title published lessonCount modules { title lessons { title } } } }',
    { id: courseId },
    admin,
  );
  return data.course;
}

describe('the authoring flow', () => {
  test('an instructor creates a course, adds a module and lessons, publishes it, and learners can then find it', async () => {
    const created = await catalog.gql(
      COURSE_CREATE,
      { input: courseInput({ title: 'Intro to Rust: Part 1!' }) },
      ines,
    );
    expect(created.data.courseCreate).toEqual({
      course: {
        id: expect.any(String),
        slug: 'intro-to-rust-part-1',
        title: 'Intro to Rust: Part 1!',
        published: false,
        instructors: [{ id: INES }],
        category: { slug: 'programming' },
      },
      userErrors: [],
    });
    const courseId = created.data.courseCreate.course.id;
    expect(
      (await catalog.gql('query ($id: ID) { course(id: $id) { id } }', { id: courseId }, learner)).data
        .course,
    ).toBeNull();

    const moduleResult = await catalog.gql(MODULE_CREATE, { input: { courseId, title: 'Ownership' } }, ines);
    expect(moduleResult.data.moduleCreate).toEqual({
      module: { id: expect.any(String), title: 'Ownership', position: 1 },
      userErrors: [],
    });
    const moduleId = moduleResult.data.moduleCreate.module.id;
    const earlier = await catalog.gql(
      MODULE_CREATE,
      { input: { courseId, title: 'Setup', position: 1 } },
      ines,
    );
    expect(earlier.data.moduleCreate.module.position).toBe(1);

    const video = await catalog.gql(
      LESSON_CREATE,
      {
        input: {
          moduleId,
          title: 'Borrowing explained',
          kind: 'VIDEO',
          video: {
            url: 'https://videos.example.com/borrow.mp4',
            durationSeconds: 420,
            transcriptVtt: 'WEBVTT\n\n00:00.000 --> 00:02.000\nHi',
          },
        },
      },
      ines,
    );
    expect(video.data.lessonCreate).toEqual({
      lesson: {
        id: expect.any(String),
        title: 'Borrowing explained',
        kind: 'VIDEO',
        position: 1,
        durationSeconds: 420,
        module: { id: moduleId },
        course: { id: courseId, lessonCount: 1 },
      },
      userErrors: [],
    });
    const quizLesson = await catalog.gql(
      LESSON_CREATE,
      {
        input: {
          moduleId,
          title: 'Check yourself',
          kind: 'QUIZ',
          quiz: quiz([
            question([
              ['a', false],
              ['b', true],
            ]),
          ]),
        },
      },
      ines,
    );
    expect(quizLesson.data.lessonCreate.lesson).toMatchObject({
      position: 2,
      durationSeconds: 60,
      course: { lessonCount: 2 },
    });

    const published = await catalog.gql(COURSE_PUBLISH, { input: { courseId } }, ines);
    expect(published.data.coursePublish).toEqual({
      course: { id: courseId, published: true, publishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      userErrors: [],
    });

    const seen = await catalog.gql(
      'query ($slug: String) { course(slug: $slug) { modules { title position lessons { title } } } }',
      { slug: 'intro-to-rust-part-1' },
      learner,
    );
    expect(seen.data.course.modules).toEqual([
      { title: 'Setup', position: 1, lessons: [] },
      {
        title: 'Ownership',
        position: 2,
        lessons: [{ title: 'Borrowing explained' }, { title: 'Check yourself' }],
      },
    ]);
    const search = await catalog.gql(
      '{ courseSearch(query: "borrowing") { totalCount edges { node { id } } } }',
    );
    expect(search.data.courseSearch).toEqual({ totalCount: 1, edges: [{ node: { id: courseId } }] });
  });

  test('publishing a course without lessons is COURSE_EMPTY and leaves it a draft', async () => {
    const course = await createCourse(ines);
    await createModule(ines, course.id);
    const result = await catalog.gql(COURSE_PUBLISH, { input: { courseId: course.id } }, ines);
    expect(result.data.coursePublish).toEqual({
      course: null,
      userErrors: [{ code: 'COURSE_EMPTY', message: expect.any(String), field: ['input', 'courseId'] }],
    });
    expect((await courseState(course.id)).published).toBe(false);
  });

  test('an update re-indexes the course: the new title is searchable once published', async () => {
    const course = await createCourse(ines, { title: 'Working title' });
    const moduleId = (await createModule(ines, course.id)).id;
    await catalog.gql(
      LESSON_CREATE,
      { input: { moduleId, title: 'Read me', kind: 'READING', reading: { markdown: 'text' } } },
      ines,
    );
    await catalog.gql(COURSE_PUBLISH, { input: { courseId: course.id } }, ines);
    const updated = await catalog.gql(
      COURSE_UPDATE,
      { input: { courseId: course.id, title: 'Quantum Gardening' } },
      ines,
    );
    expect(updated.data.courseUpdate).toEqual({
      course: { id: course.id, slug: course.slug, title: 'Quantum Gardening', thumbnailUrl: null },
      userErrors: [],
    });
    const search = await catalog.gql(
      '{ courseSearch(query: "quantum gardening") { edges { node { id } } } }',
    );
    expect(search.data.courseSearch.edges).toEqual([{ node: { id: course.id } }]);
    expect(
      (await catalog.gql('{ courseSearch(query: "working title") { totalCount } }')).data.courseSearch
        .totalCount,
    ).toBe(0);
  });

  test('lessonUpdate replaces quiz content and re-estimates the duration', async () => {
    const course = await createCourse(ines);
    const moduleId = (await createModule(ines, course.id)).id;
    const created = await catalog.gql(
      LESSON_CREATE,
      {
        input: {
          moduleId,
          title: 'Quiz',
          kind: 'QUIZ',
          quiz: quiz([
            question([
              ['a', true],
              ['b', false],
            ]),
          ]),
        },
      },
      ines,
    );
    const lessonId = created.data.lessonCreate.lesson.id;
    const twoQuestions = quiz([
      question([
        ['x', true],
        ['y', false],
      ]),
      question(
        [
          ['p', true],
          ['q', true],
          ['r', false],
        ],
        true,
      ),
    ]);
    const result = await catalog.gql(
      LESSON_UPDATE,
      { input: { lessonId, title: 'Final quiz', quiz: twoQuestions } },
      ines,
    );
    expect(result.data.lessonUpdate).toEqual({
      lesson: {
        id: lessonId,
        title: 'Final quiz',
        durationSeconds: 120,
        content: {
          passPercent: 60,
          questions: [
            { prompt: 'Pick one', options: [{ label: 'x' }, { label: 'y' }] },
            { prompt: 'Pick one', options: [{ label: 'p' }, { label: 'q' }, { label: 'r' }] },
          ],
        },
      },
      userErrors: [],
    });
  });
});

describe('validation', () => {
  test('a 1 MB title is TOO_LONG on the title field and creates nothing', async () => {
    const before = (await catalog.gql('{ courses { totalCount } }', {}, admin)).data.courses.totalCount;
    const result = await catalog.gql(
      COURSE_CREATE,
      { input: courseInput({ title: 'x'.repeat(1_000_000) }) },
      ines,
    );
    expect(result.data.courseCreate).toEqual({
      course: null,
      userErrors: [
        { code: 'TOO_LONG', message: 'The title must be at most 200 characters.', field: ['input', 'title'] },
      ],
    });
    expect((await catalog.gql('{ courses { totalCount } }', {}, admin)).data.courses.totalCount).toBe(before);
  });

  test('every bad course field is reported at once with its path', async () => {
    const result = await catalog.gql(
      COURSE_CREATE,
      {
        input: courseInput({
          title: '   ',
          slug: 'Not A Slug',
          summary: 's'.repeat(501),
          language: 'english!',
          thumbnailUrl: 'javascript:alert(1)',
          categorySlug: 'no-such-category',
        }),
      },
      ines,
    );
    const errors = result.data.courseCreate.userErrors.map((error: { code: string; field: string[] }) => [
      error.code,
      error.field.join('.'),
    ]);
    expect(errors).toEqual([
      ['REQUIRED', 'input.title'],
      ['INVALID_SLUG', 'input.slug'],
      ['TOO_LONG', 'input.summary'],
      ['INVALID_LANGUAGE', 'input.language'],
      ['INVALID_URL', 'input.thumbnailUrl'],
      ['CATEGORY_NOT_FOUND', 'input.categorySlug'],
    ]);
  });

  test('lesson content is checked against its kind and the quiz and video rules, writing nothing', async () => {
    const course = await createCourse(ines);
    const moduleId = (await createModule(ines, course.id)).id;
    const attempt = async (input: Record<string, unknown>) =>
      (await catalog.gql(LESSON_CREATE, { input: { moduleId, title: 'Lesson', ...input } }, ines)).data
        .lessonCreate;

    expect(await attempt({ kind: 'VIDEO', reading: { markdown: 'hi' } })).toEqual({
      lesson: null,
      userErrors: [
        { code: 'CONTENT_MISMATCH', field: ['input', 'reading'] },
        { code: 'CONTENT_REQUIRED', field: ['input', 'video'] },
      ],
    });
    expect(
      (
        await attempt({
          kind: 'VIDEO',
          video: {
            url: 'ftp://files.example.com/v.mp4',
            durationSeconds: 10,
            transcriptVtt: '1\n00:00 --> 00:01',
          },
        })
      ).userErrors,
    ).toEqual([
      { code: 'INVALID_URL', field: ['input', 'video', 'url'] },
      { code: 'INVALID_TRANSCRIPT', field: ['input', 'video', 'transcriptVtt'] },
    ]);
    const badQuiz = quiz([
      question([['only', true]]),
      question(
        [
          ['a', false],
          ['b', false],
        ],
        true,
      ),
      question([
        ['a', true],
        ['b', true],
      ]),
    ]);
    expect((await attempt({ kind: 'QUIZ', quiz: badQuiz })).userErrors).toEqual([
      { code: 'QUIZ_TOO_FEW_OPTIONS', field: ['input', 'quiz', 'questions', '0', 'options'] },
      { code: 'QUIZ_NO_CORRECT_OPTION', field: ['input', 'quiz', 'questions', '1', 'options'] },
      { code: 'QUIZ_SINGLE_CHOICE_NEEDS_ONE_CORRECT', field: ['input', 'quiz', 'questions', '2', 'options'] },
    ]);
    expect(
      (
        await attempt({
          kind: 'LAB',
          lab: { image: 'learncraft/lab-node:20', instructions: 'Go', timeLimitMinutes: 1, steps: [] },
        })
      ).userErrors,
    ).toEqual([
      { code: 'OUT_OF_RANGE', field: ['input', 'lab', 'timeLimitMinutes'] },
      { code: 'REQUIRED', field: ['input', 'lab', 'steps'] },
    ]);
    expect(await courseState(course.id)).toMatchObject({
      lessonCount: 0,
      modules: [{ title: 'Module', lessons: [] }],
    });
  });

  test('an explicit slug in use is SLUG_TAKEN; a slug derived from a used title gets a suffix', async () => {
    const first = await createCourse(ines, { title: 'Graph Theory', slug: 'graph-theory' });
    const clash = await catalog.gql(
      COURSE_CREATE,
      { input: courseInput({ title: 'Other', slug: 'graph-theory' }) },
      ada,
    );
    expect(clash.data.courseCreate.userErrors).toEqual([
      {
        code: 'SLUG_TAKEN',
        message: 'The slug "graph-theory" is already used by another course.',
        field: ['input', 'slug'],
      },
    ]);
    const derived = await createCourse(ada, { title: 'Graph Theory' });
    expect([first.slug, derived.slug]).toEqual(['graph-theory', 'graph-theory-2']);
    const renamed = await catalog.gql(
      COURSE_UPDATE,
      { input: { courseId: derived.id, slug: 'graph-theory' } },
      ada,
    );
    expect(renamed.data.courseUpdate).toEqual({
      course: null,
      userErrors: [{ code: 'SLUG_TAKEN', field: ['input', 'slug'] }],
    });
  });

  test('a module or lesson id that does not exist is NOT_FOUND', async () => {
    const missingModule = await catalog.gql(
      LESSON_CREATE,
      { input: { moduleId: randomUUID(), title: 'x', kind: 'READING', reading: { markdown: 'x' } } },
      ines,
    );
    expect(missingModule.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const missingLesson = await catalog.gql(
      LESSON_UPDATE,
      { input: { lessonId: randomUUID(), title: 'x' } },
      ines,
    );
    expect(missingLesson.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('permissions', () => {
  test('another instructor cannot edit a course they do not teach: FORBIDDEN, and nothing changes', async () => {
    const course = await createCourse(ines, { title: 'Ines only' });
    const moduleId = (await createModule(ines, course.id)).id;
    const attempts = [
      catalog.gql(COURSE_UPDATE, { input: { courseId: course.id, title: 'Hijacked' } }, ada),
      catalog.gql(MODULE_CREATE, { input: { courseId: course.id, title: 'Sneaky' } }, ada),
      catalog.gql(
        LESSON_CREATE,
        { input: { moduleId, title: 'Sneaky', kind: 'READING', reading: { markdown: 'x' } } },
        ada,
      ),
      catalog.gql(COURSE_PUBLISH, { input: { courseId: course.id } }, ada),
    ];
    for (const result of await Promise.all(attempts))
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await courseState(course.id)).toEqual({
      title: 'Ines only',
      published: false,
      lessonCount: 0,
      modules: [{ title: 'Module', lessons: [] }],
    });
  });

  test('an admin may edit any course', async () => {
    const course = await createCourse(ines);
    const result = await catalog.gql(
      COURSE_UPDATE,
      { input: { courseId: course.id, thumbnailUrl: '/media/x.svg' } },
      admin,
    );
    expect(result.data.courseUpdate.course.thumbnailUrl).toBe('/media/x.svg');
  });

  test('learners are FORBIDDEN from authoring and anonymous callers are UNAUTHENTICATED', async () => {
    expect(
      (await catalog.gql(COURSE_CREATE, { input: courseInput() }, learner)).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await catalog.gql(COURSE_CREATE, { input: courseInput() })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
  });
});
