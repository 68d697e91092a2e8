import { GraphQLError } from 'graphql';
import { createHttpCatalogClient } from '../src/stores/catalogClient';
import { createHttpProgressClient } from '../src/stores/progressClient';
import {
  COURSE_ID,
  INTERNAL_SECRET,
  LESSONS,
  SHELL_LAB,
  startCatalogFixture,
  type CatalogFixture,
} from './support/catalogFixture';
import { LAB_LESSON_COURSES } from './support/harness';
import { startProgressFixture, type ProgressFixture } from './support/progressFixture';

describe('HTTP catalog client', () => {
  let catalog: CatalogFixture;
  beforeAll(async () => {
    catalog = await startCatalogFixture(LESSONS);
  });
  afterAll(() => catalog.close());
  beforeEach(() => {
    catalog.requests.length = 0;
  });

  const client = () => createHttpCatalogClient({ baseUrl: catalog.url, secret: INTERNAL_SECRET });

  it('reads a LAB lesson with its title and lab content, and other lessons with lab null', async () => {
    const lessons = await client().lessonsByIds(['lab-shell', 'reading-1', 'unknown']);
    expect(lessons).toEqual([
      {
        id: 'lab-shell',
        title: 'Lab lab-shell',
        courseId: COURSE_ID,
        kind: 'LAB',
        coursePublished: true,
        lab: SHELL_LAB,
      },
      {
        id: 'reading-1',
        title: 'Reading',
        courseId: COURSE_ID,
        kind: 'READING',
        coursePublished: true,
        lab: null,
      },
    ]);
  });

  it('reads a lesson from a catalog that predates titles, lab instructions and step hints with empty defaults', async () => {
    const { instructions: _instructions, ...labWithout } = SHELL_LAB;
    catalog.lessons.set('lab-old', {
      id: 'lab-old',
      courseId: COURSE_ID,
      kind: 'LAB',
      coursePublished: true,
      lab: { ...labWithout, steps: [{ id: 'only', title: 'Anything', checkCommand: 'true' }] },
    } as never);
    expect(await client().lessonsByIds(['lab-old'])).toEqual([
      {
        id: 'lab-old',
        title: '',
        courseId: COURSE_ID,
        kind: 'LAB',
        coursePublished: true,
        lab: {
          ...SHELL_LAB,
          instructions: '',
          steps: [{ id: 'only', title: 'Anything', instructions: '', hint: null, checkCommand: 'true' }],
        },
      },
    ]);
  });

  it('splits more than 500 ids into requests of at most 500, each id asked once', async () => {
    const ids = Array.from({ length: 501 }, (_, index) => `missing-${index}`);
    expect(await client().lessonsByIds([...ids, 'missing-0'])).toEqual([]);
    expect(catalog.requests.map((request) => request.length)).toEqual([500, 1]);
  });

  it('skips a lesson of an unknown lab profile without hiding the others', async () => {
    catalog.lessons.set('lab-weird', {
      ...catalog.lessons.get('lab-shell')!,
      id: 'lab-weird',
      lab: { ...SHELL_LAB, profile: 'windows' as never },
    });
    expect((await client().lessonsByIds(['lab-weird', 'lab-shell'])).map((lesson) => lesson.id)).toEqual([
      'lab-shell',
    ]);
  });

  it('a refused call is SERVICE_UNAVAILABLE', async () => {
    const wrong = createHttpCatalogClient({ baseUrl: catalog.url, secret: 'wrong-secret-0123456789' });
    const error = await wrong.lessonsByIds(['lab-shell']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe('SERVICE_UNAVAILABLE');
  });
});

describe('HTTP progress client', () => {
  let progress: ProgressFixture;
  beforeAll(async () => {
    progress = await startProgressFixture(LAB_LESSON_COURSES);
  });
  afterAll(() => progress.close());

  const client = () =>
    createHttpProgressClient({ baseUrl: progress.url, secret: INTERNAL_SECRET, timeoutMs: 1_000 });

  it('asks whether a learner is enrolled', async () => {
    progress.enroll('u1', COURSE_ID);
    expect(await client().isEnrolled('u1', COURSE_ID)).toBe(true);
    expect(await client().isEnrolled('u2', COURSE_ID)).toBe(false);
  });

  it('reports a completion: acknowledged, then already complete on a repeat', async () => {
    progress.enroll('u3', COURSE_ID);
    const completion = { userId: 'u3', lessonId: 'lab-shell', reference: 'session-1' };
    expect(await client().reportCompletion(completion)).toEqual({
      kind: 'ACKNOWLEDGED',
      alreadyComplete: false,
    });
    expect(await client().reportCompletion(completion)).toEqual({
      kind: 'ACKNOWLEDGED',
      alreadyComplete: true,
    });
  });

  it("a 409 is REFUSED with progress's reason; a down progress is UNAVAILABLE", async () => {
    expect(await client().reportCompletion({ userId: 'u9', lessonId: 'lab-shell', reference: 's' })).toEqual({
      kind: 'REFUSED',
      reason: 'NOT_ENROLLED',
    });
    await progress.stop();
    try {
      expect(
        (await client().reportCompletion({ userId: 'u3', lessonId: 'lab-shell', reference: 's' })).kind,
      ).toBe('UNAVAILABLE');
      const error = await client()
        .isEnrolled('u1', COURSE_ID)
        .catch((caught: unknown) => caught);
      expect((error as GraphQLError).extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await progress.start();
    }
  });
});
