/**
 * LAB lessons over HTTP: the public lab fields (profile, idle timeout) with their defaults, the
 * authoring rules for them and for the setup script, and that neither the setup script nor a
 * step's check command or hint is reachable through any path of the public schema.
 */
import { randomUUID } from 'node:crypto';
import { labLesson, makeCourse, module } from './support/courses';
import { startTestCatalog, type Json, type TestCatalog } from './support/server';

const INES = randomUUID();
let catalog: TestCatalog;
let ines: string;
let moduleId: string;

const LAB_FIELDS = /* GraphQL */ `
  content {
    ... on LabContent {
      image
      profile
      timeLimitMinutes
      idleTimeoutMinutes
      steps {
        title
      }
    }
  }
`;

const LESSON_CREATE = /* GraphQL */ `
  mutation ($input: LessonCreateInput!) {
    lessonCreate(input: $input) {
      lesson { id ${LAB_FIELDS} }
      userErrors { code message field }
    }
  }
`;

const LESSON_UPDATE = /* GraphQL */ `
  mutation ($input: LessonUpdateInput!) {
    lessonUpdate(input: $input) {
      lesson { id ${LAB_FIELDS} }
      userErrors { code message field }
    }
  }
`;

const labInput = (overrides: Record<string, unknown> = {}) => ({
  image: 'learncraft/lab-node:20',
  instructions: '# Fix the build',
  timeLimitMinutes: 30,
  steps: [{ title: 'Compile', instructions: 'Run tsc.', checkCommand: 'tsc --noEmit -p ~/ts-lab' }],
  ...overrides,
});

const createLab = (lab: Record<string, unknown>) =>
  catalog
    .gql(LESSON_CREATE, { input: { moduleId, title: 'Lab', kind: 'LAB', lab } }, ines)
    .then((result) => result.data.lessonCreate);

beforeAll(async () => {
  catalog = await startTestCatalog();
  ines = await catalog.token(INES, ['LEARNER', 'INSTRUCTOR']);
  const created = await catalog.gql(
    `mutation ($input: CourseCreateInput!) { courseCreate(input: $input) { course { id } } }`,
    {
      input: {
        title: `Labs ${randomUUID().slice(0, 8)}`,
        summary: '',
        description: '',
        level: 'BEGINNER',
        categorySlug: 'linux',
        language: 'en',
      },
    },
    ines,
  );
  const courseId = created.data.courseCreate.course.id as string;
  const withModule = await catalog.gql(
    `mutation ($input: ModuleCreateInput!) { moduleCreate(input: $input) { module { id } } }`,
    { input: { courseId, title: 'Hands-on' } },
    ines,
  );
  moduleId = withModule.data.moduleCreate.module.id;
});

afterAll(() => catalog?.close());

describe('lab settings', () => {
  test('a lab created with a profile, idle timeout and setup script shows the profile and idle timeout', async () => {
    const result = await createLab(
      labInput({ profile: 'KUBERNETES', idleTimeoutMinutes: 120, setupScript: 'mkdir -p ~/k8s' }),
    );
    expect(result).toEqual({
      lesson: {
        id: expect.any(String),
        content: {
          image: 'learncraft/lab-node:20',
          profile: 'KUBERNETES',
          timeLimitMinutes: 30,
          idleTimeoutMinutes: 120,
          steps: [{ title: 'Compile' }],
        },
      },
      userErrors: [],
    });
    const internal = await catalog.internal('/internal/lessons', { ids: [result.lesson.id] });
    expect(internal.body.lessons[0].lab).toMatchObject({
      profile: 'kubernetes',
      setupScript: 'mkdir -p ~/k8s',
      idleTimeoutMinutes: 120,
    });
  });

  test('a lab created without them gets the profile of its image, 15 idle minutes and no setup script', async () => {
    const result = await createLab(labInput());
    expect(result.lesson.content).toMatchObject({ profile: 'NODE', idleTimeoutMinutes: 15 });
    const internal = await catalog.internal('/internal/lessons', { ids: [result.lesson.id] });
    expect(internal.body.lessons[0].lab).toMatchObject({ profile: 'node', setupScript: null });
  });

  test('a stored lab without the new fields reads with the defaults', async () => {
    const course = await catalog.server.courseStore.create(
      makeCourse({ modules: [module('Old', [labLesson('Old lab', { legacy: true })])] }),
    );
    const lessonId = course.modules[0]!.lessons[0]!.id;
    const { data } = await catalog.gql(
      `query ($id: ID, $lessonId: ID!) { course(id: $id) { lesson(id: $lessonId) { ${LAB_FIELDS} } } }`,
      { id: course.id, lessonId },
    );
    expect(data.course.lesson.content).toEqual({
      image: 'learncraft/lab-node:20',
      profile: 'NODE',
      timeLimitMinutes: 30,
      idleTimeoutMinutes: 15,
      steps: [{ title: 'Write it' }],
    });
  });

  test('an idle timeout outside 5 to 120 minutes and a setup script over 20 000 characters are refused, and nothing is written', async () => {
    const before = await lessonCount();
    const tooShort = await createLab(labInput({ idleTimeoutMinutes: 4, setupScript: 'x'.repeat(20_001) }));
    expect(tooShort).toEqual({
      lesson: null,
      userErrors: [
        {
          code: 'OUT_OF_RANGE',
          message: 'The idle timeout must be a whole number from 5 to 120.',
          field: ['input', 'lab', 'idleTimeoutMinutes'],
        },
        {
          code: 'TOO_LONG',
          message: 'The setup script must be at most 20000 characters.',
          field: ['input', 'lab', 'setupScript'],
        },
      ],
    });
    const tooLong = await createLab(labInput({ idleTimeoutMinutes: 121 }));
    expect(tooLong.userErrors.map((error: Json) => [error.code, error.field])).toEqual([
      ['OUT_OF_RANGE', ['input', 'lab', 'idleTimeoutMinutes']],
    ]);
    const atLimits = await createLab(labInput({ idleTimeoutMinutes: 5, setupScript: 'x'.repeat(20_000) }));
    expect(atLimits.userErrors).toEqual([]);
    expect(await lessonCount()).toBe(before + 1);
  });

  test('an unknown profile fails validation as a GraphQL error', async () => {
    const result = await catalog.gql(
      LESSON_CREATE,
      { input: { moduleId, title: 'Lab', kind: 'LAB', lab: labInput({ profile: 'WINDOWS' }) } },
      ines,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('an update replaces the lab settings with the new content; leaving them out restores the defaults', async () => {
    const created = await createLab(
      labInput({ profile: 'LINUX', idleTimeoutMinutes: 60, setupScript: 'echo one' }),
    );
    const lessonId = created.lesson.id as string;
    const updated = await catalog.gql(
      LESSON_UPDATE,
      { input: { lessonId, lab: labInput({ profile: 'KUBERNETES', setupScript: 'echo two' }) } },
      ines,
    );
    expect(updated.data.lessonUpdate.lesson.content).toMatchObject({
      profile: 'KUBERNETES',
      idleTimeoutMinutes: 15,
    });
    const internal = await catalog.internal('/internal/lessons', { ids: [lessonId] });
    expect(internal.body.lessons[0].lab.setupScript).toBe('echo two');
  });
});

describe('what the public schema never shows', () => {
  test('no output type of the schema has a setupScript, checkCommand or hint field', async () => {
    const { data } = await catalog.introspect(`{ __schema { types { name kind fields { name } } } }`);
    const exposed = (
      data.__schema.types as { name: string; kind: string; fields: { name: string }[] | null }[]
    )
      .filter((type) => type.kind === 'OBJECT' || type.kind === 'INTERFACE')
      .flatMap((type) => (type.fields ?? []).map((field) => `${type.name}.${field.name}`))
      .filter((name) => /\.(setupScript|checkCommand|hint)$/.test(name));
    expect(exposed).toEqual([]);
    const lab = await catalog.introspect(`{
      content: __type(name: "LabContent") { fields { name } }
      step: __type(name: "LabStep") { fields { name } }
    }`);
    const names = (type: { fields: { name: string }[] }) => type.fields.map((field) => field.name);
    expect(names(lab.data.content)).toEqual([
      'image',
      'profile',
      'instructions',
      'timeLimitMinutes',
      'idleTimeoutMinutes',
      'steps',
    ]);
    expect(names(lab.data.step)).toEqual(['id', 'title', 'instructions']);
  });

  test.each([
    [
      'the setup script',
      '{ course(slug: "x") { lesson(id: "y") { content { ... on LabContent { setupScript } } } } }',
    ],
    [
      'a check command',
      '{ course(slug: "x") { lesson(id: "y") { content { ... on LabContent { steps { checkCommand } } } } } }',
    ],
    [
      'a hint through an entity reference',
      '{ _entities(representations: [{__typename: "Lesson", id: "y"}]) { ... on Lesson { content { ... on LabContent { steps { hint } } } } } }',
    ],
    [
      'the setup script in a mutation payload',
      'mutation { lessonUpdate(input: { lessonId: "y" }) { lesson { content { ... on LabContent { setupScript } } } } }',
    ],
  ])('asking for %s fails validation', async (_label, query) => {
    const result = await catalog.gql(query, {}, ines);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.data).toBeUndefined();
  });
});

async function lessonCount(): Promise<number> {
  const course = await catalog.server.courseStore.byModuleIds([moduleId]);
  return course[0]!.modules[0]!.lessons.length;
}
