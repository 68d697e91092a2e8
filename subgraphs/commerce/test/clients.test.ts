import { createLogger, sendJson } from '@learncraft/kit';
import { serveTestRoutes } from '@learncraft/kit/testing';
import { createHttpCatalogClient } from '../src/stores/catalogClient';
import { createHttpIdentityClient } from '../src/stores/identityClient';
import { createHttpProgressClient } from '../src/stores/progressClient';
import { INTERNAL_SECRET } from './support/harness';

const logger = createLogger('commerce-test', 'silent');

describe('the catalog, progress and identity clients', () => {
  const seen: { path: string; body: unknown; secret: unknown }[] = [];
  let server: Awaited<ReturnType<typeof serveTestRoutes>>;
  beforeAll(async () => {
    server = await serveTestRoutes({
      'POST /internal/courses': (req, res, body) => {
        seen.push({
          path: '/internal/courses',
          body: JSON.parse(body.toString()),
          secret: req.headers['x-learncraft-internal'],
        });
        sendJson(res, 200, {
          courses: [
            {
              id: 'c1',
              published: true,
              instructorIds: ['i1'],
              lessonIds: ['l1'],
              title: 'One',
              slug: 'one',
            },
            { id: 'c2', published: false, instructorIds: [], lessonIds: [] },
          ],
        });
      },
      'POST /internal/courses/by-slug': (_req, res, body) => {
        seen.push({ path: '/internal/courses/by-slug', body: JSON.parse(body.toString()), secret: null });
        sendJson(res, 200, { courses: [] });
      },
      'POST /internal/users': (req, res, body) => {
        seen.push({
          path: '/internal/users',
          body: JSON.parse(body.toString()),
          secret: req.headers['x-learncraft-internal'],
        });
        sendJson(res, 200, { users: [{ id: 'u1', email: 'one@example.com', displayName: 'One' }] });
      },
      'POST /internal/learner-course-status': (_req, res, body) => {
        const { courseId } = JSON.parse(body.toString()) as { courseId: string };
        if (courseId === 'broken') return sendJson(res, 200, { enrolled: 'yes' });
        if (courseId === 'down') return sendJson(res, 503, { error: 'down' });
        sendJson(res, 200, {
          enrolled: true,
          passedQuizLessonIds: [],
          ...(courseId === 'half' ? { progressPercent: 50 } : {}),
        });
      },
    });
  });
  afterAll(() => server.close());

  const catalog = () => createHttpCatalogClient({ baseUrl: server.url, secret: INTERNAL_SECRET, logger });
  const progress = () => createHttpProgressClient({ baseUrl: server.url, secret: INTERNAL_SECRET, logger });

  it('catalog courses carry their title and slug; without them the id stands in', async () => {
    expect(await catalog().courses(['c1', 'c2', 'c1'])).toEqual([
      { id: 'c1', published: true, instructorIds: ['i1'], lessonIds: ['l1'], title: 'One', slug: 'one' },
      { id: 'c2', published: false, instructorIds: [], lessonIds: [], title: 'c2', slug: 'c2' },
    ]);
    expect(seen.at(-1)).toEqual({
      path: '/internal/courses',
      body: { ids: ['c1', 'c2'] },
      secret: INTERNAL_SECRET,
    });
  });

  it('courses by slug are asked for with {"slugs": [...]}', async () => {
    expect(await catalog().coursesBySlug(['one'])).toEqual([]);
    expect(seen.at(-1)).toMatchObject({ path: '/internal/courses/by-slug', body: { slugs: ['one'] } });
  });

  it('a progress answer without progressPercent counts as 0 %', async () => {
    expect((await progress().learnerCourseStatus('u1', 'c1')).progressPercent).toBe(0);
    expect((await progress().learnerCourseStatus('u1', 'half')).progressPercent).toBe(50);
  });

  it('identity users are asked for with {"ids": [...]}, each id once, and none without a call', async () => {
    const identity = createHttpIdentityClient({ baseUrl: server.url, secret: INTERNAL_SECRET, logger });
    expect(await identity.users(['u1', 'u1', 'u2'])).toEqual([
      { id: 'u1', email: 'one@example.com', displayName: 'One' },
    ]);
    expect(seen.at(-1)).toEqual({
      path: '/internal/users',
      body: { ids: ['u1', 'u2'] },
      secret: INTERNAL_SECRET,
    });
    const calls = seen.length;
    expect(await identity.users([])).toEqual([]);
    expect(seen).toHaveLength(calls);
  });

  it('an unexpected shape or status is an error naming the route', async () => {
    await expect(progress().learnerCourseStatus('u1', 'broken')).rejects.toThrow(
      'progress answered POST /internal/learner-course-status with an unexpected shape',
    );
    await expect(progress().learnerCourseStatus('u1', 'down')).rejects.toThrow(
      'progress answered POST /internal/learner-course-status with HTTP 503',
    );
  });
});
