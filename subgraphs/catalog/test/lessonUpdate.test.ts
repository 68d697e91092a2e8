/**
 * lessonUpdate keeps quiz question/option and lab step ids that the author passes back, because
 * progress stores graded attempts by those ids: editing a typo must not orphan them. Unknown or
 * repeated ids are user errors that write nothing.
 */
import { randomUUID } from 'node:crypto';
import { startTestCatalog, type TestCatalog } from './support/server';

const INES = randomUUID();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let catalog: TestCatalog;
let ines: string;
let courseId: string;
let moduleId: string;

interface Option {
  id: string;
  label: string;
}
interface Question {
  id: string;
  prompt: string;
  options: Option[];
}
interface Step {
  id: string;
  title: string;
}

const CONTENT = /* GraphQL */ `
  id
  title
  content {
    ... on QuizContent {
      questions {
        id
        prompt
        options {
          id
          label
        }
      }
    }
    ... on LabContent {
      steps {
        id
        title
      }
    }
  }
`;
const LESSON_CREATE = /* GraphQL */ `
  mutation ($input: LessonCreateInput!) {
    lessonCreate(input: $input) {
      lesson { ${CONTENT} }
      userErrors { code message field }
    }
  }
`;
const LESSON_UPDATE = /* GraphQL */ `
  mutation ($input: LessonUpdateInput!) {
    lessonUpdate(input: $input) {
      lesson { ${CONTENT} }
      userErrors { code message field }
    }
  }
`;

beforeAll(async () => {
  catalog = await startTestCatalog();
  ines = await catalog.token(INES, ['LEARNER', 'INSTRUCTOR']);
  const course = await catalog.gql(
    'mutation ($input: CourseCreateInput!) { courseCreate(input: $input) { course { id } } }',
    {
      input: {
        title: 'Geography',
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
    { input: { courseId, title: 'Capitals' } },
    ines,
  );
  moduleId = created.data.moduleCreate.module.id;
});

afterAll(() => catalog?.close());

type OptionInput = { id?: string; label: string; correct: boolean };
const question = (prompt: string, options: OptionInput[], extra: Record<string, unknown> = {}) => ({
  prompt,
  multiple: options.filter((option) => option.correct).length > 1,
  options,
  ...extra,
});

async function createQuiz(questions: ReturnType<typeof question>[]) {
  const result = await catalog.gql(
    LESSON_CREATE,
    { input: { moduleId, title: 'Capitals quiz', kind: 'QUIZ', quiz: { passPercent: 50, questions } } },
    ines,
  );
  expect(result.data.lessonCreate.userErrors).toEqual([]);
  const lesson = result.data.lessonCreate.lesson;
  return { id: lesson.id as string, questions: lesson.content.questions as Question[] };
}

async function updateQuiz(lessonId: string, questions: ReturnType<typeof question>[], title?: string) {
  const result = await catalog.gql(
    LESSON_UPDATE,
    { input: { lessonId, title, quiz: { passPercent: 50, questions } } },
    ines,
  );
  return result.data.lessonUpdate;
}

/** The lesson as stored now, read through the public schema. */
async function readLesson(lessonId: string) {
  const result = await catalog.gql(
    `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Lesson { ${CONTENT} } } }`,
    { representations: [{ __typename: 'Lesson', id: lessonId }] },
    ines,
  );
  return result.data._entities[0];
}

async function lessonCount(): Promise<number> {
  const result = await catalog.gql(
    'query ($id: ID) { course(id: $id) { lessonCount } }',
    { id: courseId },
    ines,
  );
  return result.data.course.lessonCount;
}

async function answerKey(lessonId: string) {
  const response = await catalog.internal('/internal/lessons', { ids: [lessonId] });
  return response.body.lessons[0].quiz.questions;
}

describe('quiz ids passed back to lessonUpdate', () => {
  test('fixing one option label keeps every question and option id, and the answer key follows the new correct option', async () => {
    const quiz = await createQuiz([
      question('Capital of France?', [
        { label: 'Lyon', correct: true },
        { label: 'Pariss', correct: false },
      ]),
      question('Capitals in Europe?', [
        { label: 'Rome', correct: true },
        { label: 'Oslo', correct: true },
        { label: 'Lima', correct: false },
      ]),
    ]);
    const [france, europe] = quiz.questions as [Question, Question];
    const [lyon, paris] = france.options as [Option, Option];
    const [rome, oslo, lima] = europe.options as [Option, Option, Option];

    const updated = await updateQuiz(quiz.id, [
      question(
        'Capital of France?',
        [
          { id: lyon.id, label: 'Lyon', correct: false },
          { id: paris.id, label: 'Paris', correct: true },
        ],
        { id: france.id },
      ),
      question(
        'Capitals in Europe?',
        [
          { id: rome.id, label: 'Rome', correct: true },
          { id: oslo.id, label: 'Oslo', correct: true },
          { id: lima.id, label: 'Lima', correct: false },
        ],
        { id: europe.id },
      ),
    ]);

    const expected = {
      id: quiz.id,
      title: 'Capitals quiz',
      content: {
        questions: [
          {
            id: france.id,
            prompt: 'Capital of France?',
            options: [
              { id: lyon.id, label: 'Lyon' },
              { id: paris.id, label: 'Paris' },
            ],
          },
          {
            id: europe.id,
            prompt: 'Capitals in Europe?',
            options: [
              { id: rome.id, label: 'Rome' },
              { id: oslo.id, label: 'Oslo' },
              { id: lima.id, label: 'Lima' },
            ],
          },
        ],
      },
    };
    expect(updated).toEqual({ lesson: expected, userErrors: [] });
    expect(await readLesson(quiz.id)).toEqual(expected);
    expect(await answerKey(quiz.id)).toEqual([
      {
        id: france.id,
        multiple: false,
        optionIds: [lyon.id, paris.id],
        correctOptionIds: [paris.id],
        explanation: null,
      },
      {
        id: europe.id,
        multiple: true,
        optionIds: [rome.id, oslo.id, lima.id],
        correctOptionIds: [rome.id, oslo.id],
        explanation: null,
      },
    ]);
  });

  test('leaving out a question removes only it; an entry without an id is added with a new id', async () => {
    const quiz = await createQuiz([
      question('One?', [
        { label: 'a', correct: true },
        { label: 'b', correct: false },
      ]),
      question('Two?', [
        { label: 'c', correct: true },
        { label: 'd', correct: false },
      ]),
      question('Three?', [
        { label: 'e', correct: false },
        { label: 'f', correct: true },
      ]),
    ]);
    const [one, , three] = quiz.questions as [Question, Question, Question];
    const keep = (kept: Question, correctIndex: number) =>
      question(
        kept.prompt,
        kept.options.map((option, index) => ({ ...option, correct: index === correctIndex })),
        { id: kept.id },
      );

    const updated = await updateQuiz(quiz.id, [
      keep(one, 0),
      keep(three, 1),
      question('Four?', [
        { id: undefined, label: 'g', correct: true },
        { label: 'h', correct: false },
      ]),
    ]);

    const questions = updated.lesson.content.questions as Question[];
    expect(updated.userErrors).toEqual([]);
    expect(questions.slice(0, 2)).toEqual([one, three]);
    const added = questions[2]!;
    expect(added).toEqual({
      id: expect.stringMatching(UUID),
      prompt: 'Four?',
      options: [
        { id: expect.stringMatching(UUID), label: 'g' },
        { id: expect.stringMatching(UUID), label: 'h' },
      ],
    });
    const oldIds = quiz.questions.flatMap((old) => [old.id, ...old.options.map((option) => option.id)]);
    const newIds = [added.id, ...added.options.map((option) => option.id)];
    expect(new Set([...oldIds, ...newIds]).size).toBe(oldIds.length + newIds.length);
    expect((await answerKey(quiz.id)).map((key: { id: string }) => key.id)).toEqual([
      one.id,
      three.id,
      added.id,
    ]);
  });

  test('an id the lesson does not hold is UNKNOWN_ID at its path, and nothing is written', async () => {
    const other = await createQuiz([
      question('Elsewhere?', [
        { label: 'x', correct: true },
        { label: 'y', correct: false },
      ]),
    ]);
    const quiz = await createQuiz([
      question('First?', [
        { label: 'a', correct: true },
        { label: 'b', correct: false },
      ]),
      question('Second?', [
        { label: 'c', correct: true },
        { label: 'd', correct: false },
      ]),
    ]);
    const before = await readLesson(quiz.id);
    const [first, second] = quiz.questions as [Question, Question];
    const otherQuestion = other.questions[0]!;

    const result = await updateQuiz(
      quiz.id,
      [
        // A question id from another lesson of the same course.
        question(
          'First?',
          [
            { label: 'a', correct: true, id: first.options[0]!.id },
            { label: 'b', correct: false },
          ],
          {
            id: otherQuestion.id,
          },
        ),
        // An option that belongs to a different question of this lesson cannot move here.
        question(
          'Second?',
          [
            { id: first.options[1]!.id, label: 'c', correct: true },
            { id: randomUUID(), label: 'd', correct: false },
          ],
          { id: second.id },
        ),
      ],
      'Renamed',
    );

    expect(result).toEqual({
      lesson: null,
      userErrors: [
        {
          code: 'UNKNOWN_ID',
          message: 'This id is not one of the quiz\'s questions; leave out "id" to add a new question.',
          field: ['input', 'quiz', 'questions', '0', 'id'],
        },
        {
          code: 'UNKNOWN_ID',
          message:
            'Only options of a kept question (one given by its "id") can keep their ids; leave out "id".',
          field: ['input', 'quiz', 'questions', '0', 'options', '0', 'id'],
        },
        {
          code: 'UNKNOWN_ID',
          message: 'This id is not one of the question\'s options; leave out "id" to add a new option.',
          field: ['input', 'quiz', 'questions', '1', 'options', '0', 'id'],
        },
        {
          code: 'UNKNOWN_ID',
          message: 'This id is not one of the question\'s options; leave out "id" to add a new option.',
          field: ['input', 'quiz', 'questions', '1', 'options', '1', 'id'],
        },
      ],
    });
    expect(await readLesson(quiz.id)).toEqual(before);
    expect(before.title).toBe('Capitals quiz');
  });

  test('an id given twice is DUPLICATE_ID, and nothing is written', async () => {
    const quiz = await createQuiz([
      question('Only?', [
        { label: 'a', correct: true },
        { label: 'b', correct: false },
      ]),
    ]);
    const before = await readLesson(quiz.id);
    const [only] = quiz.questions as [Question];
    const [a, b] = only.options as [Option, Option];

    const result = await updateQuiz(quiz.id, [
      question(
        'Only?',
        [
          { id: a.id, label: 'a', correct: true },
          { id: a.id, label: 'b', correct: false },
          { id: b.id, label: 'c', correct: false },
        ],
        { id: only.id },
      ),
      question(
        'Again?',
        [
          { label: 'x', correct: true },
          { label: 'y', correct: false },
        ],
        { id: only.id },
      ),
    ]);

    expect(result).toEqual({
      lesson: null,
      userErrors: [
        {
          code: 'DUPLICATE_ID',
          message: 'This option id is given more than once.',
          field: ['input', 'quiz', 'questions', '0', 'options', '1', 'id'],
        },
        {
          code: 'DUPLICATE_ID',
          message: 'This question id is given more than once.',
          field: ['input', 'quiz', 'questions', '1', 'id'],
        },
      ],
    });
    expect(await readLesson(quiz.id)).toEqual(before);
  });

  test('the answer-key rules still apply to kept questions', async () => {
    const quiz = await createQuiz([
      question('Only?', [
        { label: 'a', correct: true },
        { label: 'b', correct: false },
      ]),
    ]);
    const [only] = quiz.questions as [Question];
    const result = await updateQuiz(quiz.id, [
      question('Only?', [{ id: only.options[0]!.id, label: 'a', correct: false }], { id: only.id }),
    ]);
    expect(
      result.userErrors.map((error: { code: string; field: string[] }) => [error.code, error.field]),
    ).toEqual([
      ['QUIZ_TOO_FEW_OPTIONS', ['input', 'quiz', 'questions', '0', 'options']],
      ['QUIZ_NO_CORRECT_OPTION', ['input', 'quiz', 'questions', '0', 'options']],
    ]);
  });

  test('lessonCreate rejects ids with UNKNOWN_ID (a new lesson has nothing to keep) and creates nothing', async () => {
    const before = await lessonCount();
    const result = await catalog.gql(
      LESSON_CREATE,
      {
        input: {
          moduleId,
          title: 'Copied quiz',
          kind: 'QUIZ',
          quiz: {
            passPercent: 50,
            questions: [
              question(
                'Q?',
                [
                  { label: 'a', correct: true },
                  { label: 'b', correct: false },
                ],
                { id: randomUUID() },
              ),
            ],
          },
        },
      },
      ines,
    );
    expect(result.data.lessonCreate).toEqual({
      lesson: null,
      userErrors: [
        {
          code: 'UNKNOWN_ID',
          message: 'A new lesson has no questions to keep; leave out "id".',
          field: ['input', 'quiz', 'questions', '0', 'id'],
        },
      ],
    });
    expect(await lessonCount()).toBe(before);
  });
});

describe('lab step ids passed back to lessonUpdate', () => {
  const step = (title: string, id?: string) => ({
    id,
    title,
    instructions: `Do ${title}.`,
    checkCommand: 'test -f done',
  });
  const lab = (steps: ReturnType<typeof step>[]) => ({
    image: 'learncraft/lab-node:20',
    instructions: 'Go',
    timeLimitMinutes: 30,
    steps,
  });

  test('kept steps keep their ids, left-out steps go, new steps get new ids; an unknown or repeated id writes nothing', async () => {
    const created = await catalog.gql(
      LESSON_CREATE,
      {
        input: {
          moduleId,
          title: 'Lab',
          kind: 'LAB',
          lab: lab([step('Install'), step('Build'), step('Ship')]),
        },
      },
      ines,
    );
    expect(created.data.lessonCreate.userErrors).toEqual([]);
    const lessonId = created.data.lessonCreate.lesson.id as string;
    const [install, build, ship] = created.data.lessonCreate.lesson.content.steps as [Step, Step, Step];

    const rejected = await catalog.gql(
      LESSON_UPDATE,
      {
        input: {
          lessonId,
          lab: lab([step('Install', install.id), step('Build', randomUUID()), step('Again', install.id)]),
        },
      },
      ines,
    );
    expect(rejected.data.lessonUpdate).toEqual({
      lesson: null,
      userErrors: [
        {
          code: 'UNKNOWN_ID',
          message: 'This id is not one of the lab\'s steps; leave out "id" to add a new step.',
          field: ['input', 'lab', 'steps', '1', 'id'],
        },
        {
          code: 'DUPLICATE_ID',
          message: 'This step id is given more than once.',
          field: ['input', 'lab', 'steps', '2', 'id'],
        },
      ],
    });
    expect((await readLesson(lessonId)).content.steps).toEqual([install, build, ship]);

    const updated = await catalog.gql(
      LESSON_UPDATE,
      {
        input: {
          lessonId,
          lab: lab([step('Ship it', ship.id), step('Install', install.id), step('Celebrate')]),
        },
      },
      ines,
    );
    expect(updated.data.lessonUpdate.userErrors).toEqual([]);
    const steps = updated.data.lessonUpdate.lesson.content.steps as Step[];
    expect(steps).toEqual([
      { id: ship.id, title: 'Ship it' },
      { id: install.id, title: 'Install' },
      { id: expect.stringMatching(UUID), title: 'Celebrate' },
    ]);
    expect([install.id, build.id, ship.id]).not.toContain(steps[2]!.id);
    expect((await readLesson(lessonId)).content.steps).toEqual(steps);
  });
});
