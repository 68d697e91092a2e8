import { GraphQLError } from 'graphql';
import { createHttpCatalogClient } from '../src/stores/catalogClient';
import {
  CATALOG_SECRET,
  OTHER_COURSE,
  startCatalogFixture,
  WEB_COURSE,
  type CatalogFixture,
  type FixtureCourse,
} from './support/catalogFixture';

jest.setTimeout(30_000);

describe('HTTP catalog client', () => {
  let catalog: CatalogFixture;
  let clock = 0;
  beforeAll(async () => {
    catalog = await startCatalogFixture([WEB_COURSE, OTHER_COURSE]);
  });
  afterAll(() => catalog.close());
  beforeEach(() => {
    catalog.requests.length = 0;
  });

  const client = (ttlMs = 10_000) =>
    createHttpCatalogClient({ baseUrl: catalog.url, secret: CATALOG_SECRET, ttlMs, now: () => clock });

  it('reads lessons with their course state and quiz key', async () => {
    const [lesson] = await client().lessonsByIds(['web-quiz']);
    expect(lesson).toMatchObject({
      id: 'web-quiz',
      courseId: WEB_COURSE.id,
      kind: 'QUIZ',
      coursePublished: true,
    });
    expect(lesson?.quiz?.questions.map((question) => question.id)).toEqual(['q1', 'q2', 'q3']);
  });

  it('answers repeated reads from its cache for the TTL, misses included, then asks again', async () => {
    const cached = client();
    clock = 1_000;
    await cached.coursesByIds([WEB_COURSE.id, 'unknown']);
    clock = 10_999;
    expect((await cached.coursesByIds([WEB_COURSE.id, 'unknown'])).map((course) => course.id)).toEqual([
      WEB_COURSE.id,
    ]);
    expect(catalog.requests).toHaveLength(1);
    clock = 11_000;
    await cached.coursesByIds([WEB_COURSE.id]);
    expect(catalog.requests.map((request) => request.ids)).toEqual([
      [WEB_COURSE.id, 'unknown'],
      [WEB_COURSE.id],
    ]);
  });

  it('asks only for the ids it lacks, and skips the cache for fresh reads', async () => {
    const cached = client();
    await cached.lessonsByIds(['web-video']);
    await cached.lessonsByIds(['web-video', 'web-lab']);
    await cached.lessonsByIds(['web-video'], { fresh: true });
    expect(catalog.requests.map((request) => request.ids)).toEqual([
      ['web-video'],
      ['web-lab'],
      ['web-video'],
    ]);
  });

  it('splits more than 500 ids into requests of at most 500', async () => {
    const ids = Array.from({ length: 501 }, (_, index) => `missing-${index}`);
    expect(await client(0).lessonsByIds(ids)).toEqual([]);
    expect(catalog.requests.map((request) => request.ids.length)).toEqual([500, 1]);
  });

  it('reports a refused call as SERVICE_UNAVAILABLE', async () => {
    const wrongSecret = createHttpCatalogClient({ baseUrl: catalog.url, secret: 'wrong-secret-0123456789' });
    const error = await wrongSecret.coursesByIds(['x']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('reports an answer of the wrong shape as SERVICE_UNAVAILABLE', async () => {
    const broken = {
      ...OTHER_COURSE,
      id: 'broken',
      lessons: [{ id: 'podcast', kind: 'PODCAST', durationSeconds: 1, quiz: null }],
    };
    catalog.add(broken as unknown as FixtureCourse);
    const error = await client(0)
      .lessonsByIds(['podcast'])
      .catch((caught: unknown) => caught);
    expect((error as GraphQLError).extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });
});
