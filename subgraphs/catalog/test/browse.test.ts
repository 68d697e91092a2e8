/**
 * Browsing the catalog over HTTP: lists, filters, Relay pagination, lookups by slug, search,
 * categories, the absence of answer keys, and who may see unpublished courses.
 */
import { randomUUID } from 'node:crypto';
import { encodeCursor } from '@learncraft/kit';
import type { CourseDocument } from '../src/domain/course';
import { toSearchDocument } from '../src/services/indexing';
import { makeCourse, module, quizLesson, readingLesson } from './support/courses';
import { startTestCatalog, type TestCatalog } from './support/server';

const INES = '00000000-0000-4000-8000-000000000002';
const ADA = '00000000-0000-4000-8000-000000000003';

let catalog: TestCatalog;
let learner: string;
let ines: string;
let ada: string;
let admin: string;
const courses: Record<string, CourseDocument> = {};

beforeAll(async () => {
  catalog = await startTestCatalog();
  [learner, ines, ada, admin] = await Promise.all([
    catalog.token(randomUUID(), ['LEARNER']),
    catalog.token(INES, ['LEARNER', 'INSTRUCTOR']),
    catalog.token(ADA, ['LEARNER', 'INSTRUCTOR']),
    catalog.token(randomUUID(), ['ADMIN']),
  ]);
  const fixtures: Record<string, Partial<CourseDocument>> = {
    kubernetes: {
      title: 'Kubernetes Basics',
      categorySlug: 'cloud-native',
      publishedAt: '2025-03-01T00:00:00.000Z',
      instructorIds: [INES],
      modules: [
        module('Foundations', [
          readingLesson('Pods and nodes', { durationSeconds: 600 }),
          quizLesson('Cluster quiz'),
        ]),
        module('Workloads', [readingLesson('Deployments', { durationSeconds: 900 })]),
      ],
    },
    docker: {
      title: 'Docker for Developers',
      categorySlug: 'cloud-native',
      level: 'INTERMEDIATE',
      publishedAt: '2025-02-01T00:00:00.000Z',
      instructorIds: [INES],
    },
    advancedTs: {
      title: 'Advanced TypeScript',
      level: 'ADVANCED',
      publishedAt: '2025-01-15T00:00:00.000Z',
      instructorIds: [ADA],
    },
    tsDe: {
      title: 'TypeScript Grundlagen',
      language: 'de',
      publishedAt: '2025-01-10T00:00:00.000Z',
      instructorIds: [ADA],
    },
    linux: {
      title: 'Linux Command Line',
      categorySlug: 'linux',
      publishedAt: '2025-01-01T00:00:00.000Z',
      instructorIds: [ADA],
    },
    draft: {
      title: 'Secret Draft',
      published: false,
      instructorIds: [INES],
      modules: [module('Only', [quizLesson('Draft quiz')])],
    },
  };
  for (const [key, overrides] of Object.entries(fixtures)) {
    // Created when published (drafts last), so "newest first" orders are fully determined.
    const createdAt = overrides.publishedAt ?? '2025-04-01T00:00:00.000Z';
    courses[key] = await catalog.server.courseStore.create(makeCourse({ createdAt, ...overrides }));
  }
  await catalog.server.searchIndex.upsert(Object.values(courses).map(toSearchDocument));
});

afterAll(() => catalog?.close());

const LIST = /* GraphQL */ `
  query List($first: Int, $after: String, $filterBy: CourseFilter, $orderBy: CourseOrder) {
    courses(first: $first, after: $after, filterBy: $filterBy, orderBy: $orderBy) {
      totalCount
      edges {
        cursor
        node {
          title
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

const titlesOf = (connection: { edges: { node: { title: string } }[] }) =>
  connection.edges.map((edge) => edge.node.title);

describe('courses', () => {
  test('published courses come newest first in pages with exact cursors and total count', async () => {
    const first = await catalog.gql(LIST, { first: 2 });
    expect(first.data.courses).toEqual({
      totalCount: 5,
      edges: [
        { cursor: encodeCursor(0), node: { title: 'Kubernetes Basics' } },
        { cursor: encodeCursor(1), node: { title: 'Docker for Developers' } },
      ],
      pageInfo: {
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: encodeCursor(0),
        endCursor: encodeCursor(1),
      },
    });
    const second = await catalog.gql(LIST, { first: 2, after: first.data.courses.pageInfo.endCursor });
    expect(titlesOf(second.data.courses)).toEqual(['Advanced TypeScript', 'TypeScript Grundlagen']);
    const last = await catalog.gql(LIST, { first: 2, after: second.data.courses.pageInfo.endCursor });
    expect(last.data.courses).toEqual({
      totalCount: 5,
      edges: [{ cursor: encodeCursor(4), node: { title: 'Linux Command Line' } }],
      pageInfo: {
        hasNextPage: false,
        hasPreviousPage: true,
        startCursor: encodeCursor(4),
        endCursor: encodeCursor(4),
      },
    });
  });

  test('filters combine category, level and language', async () => {
    const cloud = await catalog.gql(LIST, { filterBy: { category: 'cloud-native' } });
    expect(titlesOf(cloud.data.courses)).toEqual(['Kubernetes Basics', 'Docker for Developers']);
    const german = await catalog.gql(LIST, {
      filterBy: { category: 'programming', level: 'BEGINNER', language: 'de' },
    });
    expect(german.data.courses.totalCount).toBe(1);
    expect(titlesOf(german.data.courses)).toEqual(['TypeScript Grundlagen']);
  });

  test('orderBy sorts by title in either direction', async () => {
    const asc = await catalog.gql(LIST, { orderBy: { field: 'TITLE', direction: 'ASC' } });
    expect(titlesOf(asc.data.courses)).toEqual([
      'Advanced TypeScript',
      'Docker for Developers',
      'Kubernetes Basics',
      'Linux Command Line',
      'TypeScript Grundlagen',
    ]);
    const desc = await catalog.gql(LIST, { first: 1, orderBy: { field: 'TITLE', direction: 'DESC' } });
    expect(titlesOf(desc.data.courses)).toEqual(['TypeScript Grundlagen']);
  });

  test('a malformed cursor or an oversized page is BAD_USER_INPUT', async () => {
    expect((await catalog.gql(LIST, { after: 'garbage' })).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await catalog.gql(LIST, { first: 101 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('course', () => {
  const BY_SLUG = /* GraphQL */ `
    query ($slug: String) {
      course(slug: $slug) {
        id
        title
        level
        language
        published
        category {
          slug
          name
          courseCount
        }
        instructors {
          id
        }
        lessonCount
        totalDurationSeconds
        modules {
          title
          position
          lessons {
            title
            kind
            position
            durationSeconds
            module {
              title
            }
            course {
              slug
            }
          }
        }
      }
    }
  `;

  test('a course by slug carries its syllabus, totals, category and instructors', async () => {
    const { data } = await catalog.gql(BY_SLUG, { slug: courses.kubernetes!.slug });
    expect(data.course).toEqual({
      id: courses.kubernetes!.id,
      title: 'Kubernetes Basics',
      level: 'BEGINNER',
      language: 'en',
      published: true,
      category: { slug: 'cloud-native', name: 'Cloud Native', courseCount: 2 },
      instructors: [{ id: INES }],
      lessonCount: 3,
      totalDurationSeconds: 600 + 120 + 900,
      modules: [
        {
          title: 'Foundations',
          position: 1,
          lessons: [
            {
              title: 'Pods and nodes',
              kind: 'READING',
              position: 1,
              durationSeconds: 600,
              module: { title: 'Foundations' },
              course: { slug: 'kubernetes-basics' },
            },
            {
              title: 'Cluster quiz',
              kind: 'QUIZ',
              position: 2,
              durationSeconds: 120,
              module: { title: 'Foundations' },
              course: { slug: 'kubernetes-basics' },
            },
          ],
        },
        {
          title: 'Workloads',
          position: 2,
          lessons: [
            {
              title: 'Deployments',
              kind: 'READING',
              position: 1,
              durationSeconds: 900,
              module: { title: 'Workloads' },
              course: { slug: 'kubernetes-basics' },
            },
          ],
        },
      ],
    });
  });

  test('giving both id and slug, or neither, is BAD_USER_INPUT', async () => {
    const both = await catalog.gql('query ($id: ID, $slug: String) { course(id: $id, slug: $slug) { id } }', {
      id: courses.docker!.id,
      slug: courses.docker!.slug,
    });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const neither = await catalog.gql('{ course { id } }');
    expect(neither.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('an unknown or malformed id is simply null', async () => {
    const { data } = await catalog.gql('query ($id: ID) { course(id: $id) { id } }', { id: 'not-a-uuid' });
    expect(data).toEqual({ course: null });
  });

  test('quiz content exposes questions and options but never which option is correct', async () => {
    const { data } = await catalog.gql(
      `query ($slug: String) { course(slug: $slug) { modules { lessons { id } } } }`,
      { slug: courses.kubernetes!.slug },
    );
    const contents = [];
    for (const { id } of data.course.modules[0].lessons as { id: string }[]) {
      const lesson = await catalog.gql(
        `query ($slug: String, $id: ID!) { course(slug: $slug) { lesson(id: $id) { content {
          __typename
          ... on QuizContent { passPercent questions { prompt multiple options { label } } }
          ... on ReadingContent { markdown }
        } } } }`,
        { slug: courses.kubernetes!.slug, id },
      );
      contents.push(lesson.data.course.lesson.content);
    }
    expect(contents).toEqual([
      { __typename: 'ReadingContent', markdown: '# Pods and nodes' },
      {
        __typename: 'QuizContent',
        passPercent: 70,
        questions: [{ prompt: 'Which one?', multiple: false, options: [{ label: 'A' }, { label: 'B' }] }],
      },
    ]);
  });

  test('the schema has no field that could reveal answer keys, explanations or lab check commands', async () => {
    const { data } = await catalog.introspect(`{
      option: __type(name: "QuizOption") { fields { name } }
      question: __type(name: "QuizQuestion") { fields { name } }
      step: __type(name: "LabStep") { fields { name } }
    }`);
    const names = (type: { fields: { name: string }[] }) => type.fields.map((field) => field.name);
    expect(names(data.option)).toEqual(['id', 'label']);
    expect(names(data.question)).toEqual(['id', 'prompt', 'multiple', 'options']);
    expect(names(data.step)).toEqual(['id', 'title', 'instructions']);
    const asking = await catalog.gql(
      '{ course(slug: "x") { lesson(id: "y") { content { ... on QuizContent { questions { options { correct } } } } } } }',
    );
    expect(asking.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('unpublished courses', () => {
  const BY_ID = 'query ($id: ID) { course(id: $id) { title published } }';
  const ENTITIES = /* GraphQL */ `
    query ($representations: [_Any!]!) {
      _entities(representations: $representations) {
        ... on Course {
          title
        }
        ... on Lesson {
          title
        }
        ... on User {
          coursesTaught {
            totalCount
            edges {
              node {
                title
              }
            }
          }
        }
      }
    }
  `;
  const draftRepresentations = () => [
    { __typename: 'Course', id: courses.draft!.id },
    { __typename: 'Lesson', id: courses.draft!.modules[0]!.lessons[0]!.id },
    { __typename: 'User', id: INES },
  ];

  test('are hidden from anonymous visitors, learners and other instructors', async () => {
    for (const token of [undefined, learner, ada]) {
      expect((await catalog.gql(BY_ID, { id: courses.draft!.id }, token)).data).toEqual({ course: null });
      expect((await catalog.gql(LIST, {}, token)).data.courses.totalCount).toBe(5);
      const entities = await catalog.gql(ENTITIES, { representations: draftRepresentations() }, token);
      expect(entities.data._entities).toEqual([
        null,
        null,
        {
          coursesTaught: {
            totalCount: 2,
            edges: [{ node: { title: 'Kubernetes Basics' } }, { node: { title: 'Docker for Developers' } }],
          },
        },
      ]);
    }
  });

  test('are visible to their instructor everywhere', async () => {
    expect((await catalog.gql(BY_ID, { id: courses.draft!.id }, ines)).data).toEqual({
      course: { title: 'Secret Draft', published: false },
    });
    const list = await catalog.gql(LIST, { orderBy: { field: 'PUBLISHED_AT', direction: 'DESC' } }, ines);
    expect(list.data.courses.totalCount).toBe(6);
    expect(titlesOf(list.data.courses).at(-1)).toBe('Secret Draft');
    const entities = await catalog.gql(ENTITIES, { representations: draftRepresentations() }, ines);
    expect(entities.data._entities[0]).toEqual({ title: 'Secret Draft' });
    expect(entities.data._entities[1]).toEqual({ title: 'Draft quiz' });
    expect(entities.data._entities[2].coursesTaught.totalCount).toBe(3);
  });

  test('are visible to admins', async () => {
    expect((await catalog.gql(BY_ID, { id: courses.draft!.id }, admin)).data.course.title).toBe(
      'Secret Draft',
    );
    expect((await catalog.gql(LIST, {}, admin)).data.courses.totalCount).toBe(6);
  });
});

describe('courseSearch and categories', () => {
  const SEARCH = /* GraphQL */ `
    query ($query: String!, $filterBy: CourseFilter, $first: Int) {
      courseSearch(query: $query, filterBy: $filterBy, first: $first) {
        totalCount
        edges {
          node {
            title
          }
        }
      }
    }
  `;

  test('search ranks matching published courses and honours filters', async () => {
    const { data } = await catalog.gql(SEARCH, { query: 'typescript' });
    expect(data.courseSearch.totalCount).toBe(2);
    expect(titlesOf(data.courseSearch).sort()).toEqual(['Advanced TypeScript', 'TypeScript Grundlagen']);
    const german = await catalog.gql(SEARCH, { query: 'typescript', filterBy: { language: 'de' } });
    expect(german.data.courseSearch).toEqual({
      totalCount: 1,
      edges: [{ node: { title: 'TypeScript Grundlagen' } }],
    });
    const deployments = await catalog.gql(SEARCH, { query: 'deployments' });
    expect(titlesOf(deployments.data.courseSearch)).toEqual(['Kubernetes Basics']);
  });

  test('drafts are never found, even by their instructor', async () => {
    expect((await catalog.gql(SEARCH, { query: 'secret draft' }, ines)).data.courseSearch.totalCount).toBe(0);
  });

  test('an empty or over-long query is BAD_USER_INPUT', async () => {
    for (const query of ['', '   ', 'x'.repeat(201)]) {
      const result = await catalog.gql(SEARCH, { query });
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'query' });
    }
  });

  test('categories list in display order with their published course counts', async () => {
    const { data } = await catalog.gql('{ categories { slug name courseCount } }');
    expect(data.categories).toEqual([
      { slug: 'programming', name: 'Programming', courseCount: 2 },
      { slug: 'cloud-native', name: 'Cloud Native', courseCount: 2 },
      { slug: 'linux', name: 'Linux', courseCount: 1 },
    ]);
  });
});
