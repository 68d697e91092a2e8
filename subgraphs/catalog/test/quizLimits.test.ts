/**
 * Quiz attempt limits as authored content: `maxAttempts` (null: unlimited) and `cooldownSeconds`
 * on lessonCreate and lessonUpdate, their validation (exact codes and paths, nothing written), how
 * they read publicly, and that catalog's internal API carries them to progress.
 */
import { randomUUID } from 'node:crypto';
import { startTestCatalog, type TestCatalog } from './support/server';

const INES = randomUUID();

let catalog: TestCatalog;
let ines: string;
let courseId: string;
let moduleId: string;

const LESSON = /* GraphQL */ `
  lesson {
    id
    content {
      ... on QuizContent {
        passPercent
        maxAttempts
        cooldownSeconds
      }
    }
  }
  userErrors {
    code
    message
    field
  }
`;
const LESSON_CREATE = `mutation ($input: LessonCreateInput!) { lessonCreate(input: $input) { ${LESSON} } }`;
const LESSON_UPDATE = `mutation ($input: LessonUpdateInput!) { lessonUpdate(input: $input) { ${LESSON} } }`;

const quiz = (limits: Record<string, unknown>) => ({
  passPercent: 60,
  ...limits,
  questions: [
    {
      prompt: 'Pick one',
      multiple: false,
      options: [
        { label: 'a', correct: true },
        { label: 'b', correct: false },
      ],
    },
  ],
});

beforeAll(async () => {
  catalog = await startTestCatalog();
  ines = await catalog.token(INES, ['LEARNER', 'INSTRUCTOR']);
  const course = await catalog.gql(
    'mutation ($input: CourseCreateInput!) { courseCreate(input: $input) { course { id } } }',
    {
      input: {
        title: 'Limits',
        summary: 'S',
        description: 'D',
        level: 'BEGINNER',
        categorySlug: 'programming',
        language: 'en',
      },
    },
    ines,
  );
  courseId = course.data.courseCreate.course.id;
  const created = await catalog.gql(
    'mutation ($input: ModuleCreateInput!) { moduleCreate(input: $input) { module { id } } }',
    { input: { courseId, title: 'Module' } },
    ines,
  );
  moduleId = created.data.moduleCreate.module.id;
});

afterAll(() => catalog?.close());

async function createQuiz(limits: Record<string, unknown>) {
  const result = await catalog.gql(
    LESSON_CREATE,
    { input: { moduleId, title: 'Quiz', kind: 'QUIZ', quiz: quiz(limits) } },
    ines,
  );
  return result.data.lessonCreate;
}

const internalQuiz = async (lessonId: string) => {
  const response = await catalog.internal('/internal/lessons', { ids: [lessonId] });
  const { maxAttempts, cooldownSeconds } = response.body.lessons[0].quiz;
  return { maxAttempts, cooldownSeconds };
};

describe('quiz attempt limits', () => {
  test('a quiz created with 3 attempts and a 45 s cool-down reads so publicly and internally', async () => {
    const created = await createQuiz({ maxAttempts: 3, cooldownSeconds: 45 });
    expect(created).toEqual({
      lesson: {
        id: expect.any(String),
        content: { passPercent: 60, maxAttempts: 3, cooldownSeconds: 45 },
      },
      userErrors: [],
    });
    expect(await internalQuiz(created.lesson.id)).toEqual({ maxAttempts: 3, cooldownSeconds: 45 });
  });

  test('a quiz without limits is unlimited with no cool-down', async () => {
    const created = await createQuiz({});
    expect(created.lesson.content).toEqual({ passPercent: 60, maxAttempts: null, cooldownSeconds: 0 });
    expect(await internalQuiz(created.lesson.id)).toEqual({ maxAttempts: null, cooldownSeconds: 0 });
  });

  test('lessonUpdate sets new limits, and new content without them makes the quiz unlimited', async () => {
    const lessonId = (await createQuiz({ maxAttempts: 5 })).lesson.id;
    const limited = await catalog.gql(
      LESSON_UPDATE,
      { input: { lessonId, quiz: quiz({ maxAttempts: 1, cooldownSeconds: 604_800 }) } },
      ines,
    );
    expect(limited.data.lessonUpdate).toEqual({
      lesson: { id: lessonId, content: { passPercent: 60, maxAttempts: 1, cooldownSeconds: 604_800 } },
      userErrors: [],
    });
    const cleared = await catalog.gql(LESSON_UPDATE, { input: { lessonId, quiz: quiz({}) } }, ines);
    expect(cleared.data.lessonUpdate.lesson.content).toEqual({
      passPercent: 60,
      maxAttempts: null,
      cooldownSeconds: 0,
    });
    expect(await internalQuiz(lessonId)).toEqual({ maxAttempts: null, cooldownSeconds: 0 });
  });

  test.each([
    [{ maxAttempts: 0 }, 'maxAttempts', 'The attempt limit must be a whole number from 1 to 100.'],
    [{ maxAttempts: 101 }, 'maxAttempts', 'The attempt limit must be a whole number from 1 to 100.'],
    [{ cooldownSeconds: -1 }, 'cooldownSeconds', 'The cool-down must be a whole number from 0 to 604800.'],
    [
      { cooldownSeconds: 604_801 },
      'cooldownSeconds',
      'The cool-down must be a whole number from 0 to 604800.',
    ],
  ])('lessonCreate with %j is OUT_OF_RANGE and creates nothing', async (limits, field, message) => {
    const before = await syllabusLength();
    expect(await createQuiz(limits)).toEqual({
      lesson: null,
      userErrors: [{ code: 'OUT_OF_RANGE', message, field: ['input', 'quiz', field] }],
    });
    expect(await syllabusLength()).toBe(before);
  });

  test('lessonUpdate with bad limits reports both and changes nothing', async () => {
    const lessonId = (await createQuiz({ maxAttempts: 2, cooldownSeconds: 10 })).lesson.id;
    const result = await catalog.gql(
      LESSON_UPDATE,
      { input: { lessonId, quiz: quiz({ maxAttempts: -3, cooldownSeconds: 1_000_000 }) } },
      ines,
    );
    expect(result.data.lessonUpdate).toEqual({
      lesson: null,
      userErrors: [
        {
          code: 'OUT_OF_RANGE',
          message: 'The attempt limit must be a whole number from 1 to 100.',
          field: ['input', 'quiz', 'maxAttempts'],
        },
        {
          code: 'OUT_OF_RANGE',
          message: 'The cool-down must be a whole number from 0 to 604800.',
          field: ['input', 'quiz', 'cooldownSeconds'],
        },
      ],
    });
    expect(await internalQuiz(lessonId)).toEqual({ maxAttempts: 2, cooldownSeconds: 10 });
  });
});

/** How many lessons the test course holds, read as its instructor. */
async function syllabusLength(): Promise<number> {
  const { data } = await catalog.gql(
    'query ($id: ID) { course(id: $id) { lessonCount } }',
    { id: courseId },
    ines,
  );
  return data.course.lessonCount;
}
