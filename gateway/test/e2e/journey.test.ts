/**
 * The learner's journey through the gateway only, against real identity, catalog and progress
 * subgraphs: register, log in, browse and search, open a course, enrol, watch, read, pass a quiz,
 * and see progress across three subgraphs in one query.
 */
import { demoCourses } from '@learncraft/catalog/src/seed/demoCatalog';
import { startPlatform, type Platform } from './platform';

const kubernetes = demoCourses.find((course) => course.slug === 'kubernetes-basics')!;

const COURSE_QUERY = /* GraphQL */ `
  query ($slug: String!) {
    course(slug: $slug) {
      id
      title
      lessonCount
      instructors {
        displayName
      }
      category {
        slug
        name
      }
      modules {
        title
        lessons {
          id
          title
          kind
          durationSeconds
        }
      }
    }
  }
`;

/** One lesson's content: pages ask for it one lesson at a time, the syllabus stays light. */
const LESSON_CONTENT_QUERY = /* GraphQL */ `
  query ($slug: String!, $id: ID!) {
    course(slug: $slug) {
      lesson(id: $id) {
        content {
          __typename
          ... on QuizContent {
            passPercent
            questions {
              id
              prompt
              multiple
              options {
                id
                label
              }
            }
          }
        }
      }
    }
  }
`;

type Lesson = {
  id: string;
  title: string;
  kind: string;
  durationSeconds: number;
};

type QuizQuestion = {
  id: string;
  prompt: string;
  multiple: boolean;
  options: { id: string; label: string }[];
};

describe('a learner through the gateway', () => {
  let platform: Platform;
  let token: string;
  let course: { id: string; lessonCount: number; modules: { lessons: Lesson[] }[] };
  const lessons = () => course.modules.flatMap((module) => module.lessons);

  beforeAll(async () => {
    platform = await startPlatform();
  });
  afterAll(async () => {
    await platform?.close();
  });

  it('registers, logs in and sees themselves as `me`', async () => {
    const registered = await platform.graphql(
      `mutation ($input: UserRegisterInput!) {
        userRegister(input: $input) { user { email displayName roles } userErrors { code field } }
      }`,
      { input: { email: 'Jo.Learner@Example.com', password: 'a-long-enough-pass', displayName: 'Jo' } },
    );
    expect(registered.data?.userRegister).toEqual({
      user: { email: 'jo.learner@example.com', displayName: 'Jo', roles: ['LEARNER'] },
      userErrors: [],
    });
    token = await platform.login('jo.learner@example.com', 'a-long-enough-pass');
    const me = await platform.graphql(`{ me { displayName email } }`, {}, token);
    expect(me.data).toEqual({ me: { displayName: 'Jo', email: 'jo.learner@example.com' } });
  });

  it('lists, filters and pages the catalog', async () => {
    const all = await platform.graphql(
      `{ courses(first: 2) { totalCount edges { node { slug } } pageInfo { hasNextPage endCursor } } }`,
    );
    expect(all.data?.courses.totalCount).toBe(5);
    expect(all.data?.courses.edges).toHaveLength(2);
    expect(all.data?.courses.pageInfo.hasNextPage).toBe(true);
    const next = await platform.graphql(
      `query ($after: String) { courses(first: 10, after: $after) { edges { node { slug } } pageInfo { hasNextPage } } }`,
      {
        after: all.data?.courses.pageInfo.endCursor,
      },
    );
    expect(next.data?.courses.edges).toHaveLength(3);
    expect(next.data?.courses.pageInfo.hasNextPage).toBe(false);

    const programming = await platform.graphql(
      `{ courses(filterBy: { category: "programming" }, orderBy: { field: TITLE, direction: ASC }) { totalCount edges { node { title level } } } }`,
    );
    expect(programming.data?.courses).toEqual({
      totalCount: 2,
      edges: [
        { node: { title: 'Advanced TypeScript Types', level: 'ADVANCED' } },
        { node: { title: 'TypeScript Fundamentals', level: 'BEGINNER' } },
      ],
    });
    const categories = await platform.graphql(`{ categories { slug courseCount } }`);
    expect(categories.data?.categories).toEqual(
      expect.arrayContaining([
        { slug: 'cloud-native', courseCount: 2 },
        { slug: 'programming', courseCount: 2 },
        { slug: 'linux', courseCount: 1 },
      ]),
    );
  });

  it('searches with ranked full-text results', async () => {
    const search = await platform.graphql(
      `{ courseSearch(query: "kubernetes") { totalCount edges { node { slug } } } }`,
    );
    expect(search.data?.courseSearch.edges[0].node.slug).toBe('kubernetes-basics');
    const typed = await platform.graphql(
      `{ courseSearch(query: "typescr", filterBy: { level: ADVANCED }) { totalCount edges { node { slug } } } }`,
    );
    expect(typed.data?.courseSearch).toEqual({
      totalCount: 1,
      edges: [{ node: { slug: 'advanced-typescript-types' } }],
    });
  });

  it('opens a course with modules, lessons and instructors resolved from identity', async () => {
    const result = await platform.graphql<{
      course: typeof course & { title: string; instructors: unknown; category: unknown };
    }>(COURSE_QUERY, {
      slug: 'kubernetes-basics',
    });
    expect(result.errors).toBeUndefined();
    course = result.data!.course;
    expect(result.data!.course.title).toBe('Kubernetes Basics');
    expect(result.data!.course.instructors).toEqual([{ displayName: 'Ines Instructor' }]);
    expect(result.data!.course.category).toEqual({ slug: 'cloud-native', name: 'Cloud Native' });
    expect(course.lessonCount).toBe(kubernetes.modules.flatMap((module) => module.lessons).length);
    expect(lessons().map((lesson) => lesson.title)).toEqual(
      kubernetes.modules.flatMap((module) => module.lessons.map((lesson) => lesson.title)),
    );
  });

  it('never exposes quiz answer keys in the public schema', async () => {
    const result = await platform.graphql(`{ __type(name: "QuizOption") { fields { name } } }`);
    expect(result.data?.__type.fields.map((field: { name: string }) => field.name).sort()).toEqual([
      'id',
      'label',
    ]);
  });

  it('enrols once, records video progress, completes a reading and passes the quiz', async () => {
    const enroll = `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { enrollment { id progressPercent } userErrors { code } } }`;
    const first = await platform.graphql(enroll, { id: course.id }, token);
    const second = await platform.graphql(enroll, { id: course.id }, token);
    expect(first.data?.courseEnroll.userErrors).toEqual([]);
    expect(second.data?.courseEnroll.enrollment).toEqual(first.data?.courseEnroll.enrollment);
    expect(first.data?.courseEnroll.enrollment.progressPercent).toBe(0);

    const video = lessons().find((lesson) => lesson.kind === 'VIDEO')!;
    const heartbeat = `mutation ($input: VideoProgressRecordInput!) {
      videoProgressRecord(input: $input) { lessonProgress { status positionSeconds } userErrors { code } }
    }`;
    const half = await platform.graphql(
      heartbeat,
      { input: { lessonId: video.id, positionSeconds: video.durationSeconds / 2 } },
      token,
    );
    expect(half.data?.videoProgressRecord).toEqual({
      lessonProgress: { status: 'IN_PROGRESS', positionSeconds: video.durationSeconds / 2 },
      userErrors: [],
    });
    const back = await platform.graphql(
      heartbeat,
      { input: { lessonId: video.id, positionSeconds: 10 } },
      token,
    );
    expect(back.data?.videoProgressRecord.lessonProgress.positionSeconds).toBe(video.durationSeconds / 2);
    const nearlyDone = Math.ceil(video.durationSeconds * 0.9);
    const done = await platform.graphql(
      heartbeat,
      { input: { lessonId: video.id, positionSeconds: nearlyDone } },
      token,
    );
    expect(done.data?.videoProgressRecord.lessonProgress.status).toBe('COMPLETED');

    const reading = lessons().find((lesson) => lesson.kind === 'READING')!;
    const complete = await platform.graphql(
      `mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { lessonProgress { status } userErrors { code } } }`,
      { id: reading.id },
      token,
    );
    expect(complete.data?.lessonComplete).toEqual({
      lessonProgress: { status: 'COMPLETED' },
      userErrors: [],
    });

    const quiz = lessons().find((lesson) => lesson.kind === 'QUIZ')!;
    const quizSource = kubernetes.modules
      .flatMap((module) => module.lessons)
      .find((lesson) => lesson.kind === 'QUIZ')!.quiz!;
    const quizContent = await platform.graphql<{
      course: { lesson: { content: { __typename: string; questions: QuizQuestion[] } } };
    }>(LESSON_CONTENT_QUERY, { slug: 'kubernetes-basics', id: quiz.id });
    expect(quizContent.data?.course.lesson.content.__typename).toBe('QuizContent');
    const answers = quizContent.data!.course.lesson.content.questions.map((question) => {
      const source = quizSource.questions.find((candidate) => candidate.prompt === question.prompt)!;
      const correctLabels = source.options
        .filter((option) => source.correctOptionKeys.includes(option.key))
        .map((option) => option.label);
      return {
        questionId: question.id,
        optionIds: question.options
          .filter((option) => correctLabels.includes(option.label))
          .map((option) => option.id),
      };
    });
    const submitted = await platform.graphql(
      `mutation ($input: QuizSubmitInput!) { quizSubmit(input: $input) { attempt { scorePercent passed } userErrors { code } } }`,
      { input: { lessonId: quiz.id, answers } },
      token,
    );
    expect(submitted.data?.quizSubmit).toEqual({
      attempt: { scorePercent: 100, passed: true },
      userErrors: [],
    });

    const progress = await platform.graphql(
      `query ($slug: String!) { course(slug: $slug) { viewerEnrollment { progressPercent } } }`,
      { slug: 'kubernetes-basics' },
      token,
    );
    expect(progress.data?.course.viewerEnrollment.progressPercent).toBe(
      Math.floor((3 * 100) / course.lessonCount),
    );
  });

  it('fetches me → enrollments → course → instructors across three subgraphs in one query', async () => {
    const result = await platform.graphql(
      `{ me { enrollments { totalCount edges { node { progressPercent course { title instructors { displayName } } } } } } }`,
      {},
      token,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.me.enrollments).toEqual({
      totalCount: 1,
      edges: [
        {
          node: {
            progressPercent: Math.floor((3 * 100) / course.lessonCount),
            course: { title: 'Kubernetes Basics', instructors: [{ displayName: 'Ines Instructor' }] },
          },
        },
      ],
    });
  });

  it('rejects progress on a lesson of a course the learner is not enrolled in, changing nothing', async () => {
    const other = await platform.graphql<{
      course: { modules: { lessons: { id: string; kind: string }[] }[] };
    }>(`{ course(slug: "the-linux-command-line") { modules { lessons { id kind } } } }`);
    const reading = other
      .data!.course.modules.flatMap((module) => module.lessons)
      .find((lesson) => lesson.kind === 'READING')!;
    const result = await platform.graphql(
      `mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { lessonProgress { status } userErrors { code } } }`,
      { id: reading.id },
      token,
    );
    expect(result.data?.lessonComplete).toEqual({
      lessonProgress: null,
      userErrors: [{ code: 'NOT_ENROLLED' }],
    });
    const me = await platform.graphql(`{ me { enrollments { totalCount } } }`, {}, token);
    expect(me.data?.me.enrollments.totalCount).toBe(1);
  });
});
