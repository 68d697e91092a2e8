/**
 * @jest-environment jsdom
 *
 * The landing page's data starts early: the course query index.html sent for a signed-out visitor
 * lands in the cache without a second request; otherwise the app sends the course query itself.
 */
import { ApolloClient, ApolloLink, InMemoryCache, Observable } from '@apollo/client';
import { CoursePageQuery } from '@learncraft/operations';
import { prefetchRouteData } from '../../src/routeData';

describe('prefetchRouteData', () => {
  const sent: string[] = [];
  const link = new ApolloLink((operation) => {
    sent.push(`${operation.operationName} ${JSON.stringify(operation.variables)}`);
    return Observable.of({ data: { course: null } });
  });
  const newClient = () => new ApolloClient({ link, cache: new InMemoryCache() });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  beforeEach(() => {
    sent.length = 0;
    delete window.__learncraftEarly;
  });

  it("writes index.html's early answer into the cache and sends nothing", async () => {
    const client = newClient();
    window.__learncraftEarly = {
      slug: 'kubernetes-basics',
      response: Promise.resolve({ data: { course: null } }),
    };
    prefetchRouteData(client, '/courses/kubernetes-basics');
    await settle();
    expect(client.readQuery({ query: CoursePageQuery, variables: { slug: 'kubernetes-basics' } })).toEqual({
      course: null,
    });
    expect(sent).toEqual([]);
    expect(window.__learncraftEarly).toBeUndefined();
  });

  it('sends the course query itself without an early answer, for another course, or after an error', async () => {
    prefetchRouteData(newClient(), '/courses/docker-basics');
    window.__learncraftEarly = {
      slug: 'kubernetes-basics',
      response: Promise.resolve({ data: { course: null } }),
    };
    prefetchRouteData(newClient(), '/courses/linux');
    window.__learncraftEarly = {
      slug: 'git',
      response: Promise.resolve({ data: null, errors: [{ message: 'Too many requests.' }] }),
    };
    prefetchRouteData(newClient(), '/courses/git');
    await settle();
    expect(sent).toEqual([
      'CoursePage {"slug":"docker-basics"}',
      'CoursePage {"slug":"linux"}',
      'CoursePage {"slug":"git"}',
    ]);
  });

  it('does nothing on other pages', async () => {
    prefetchRouteData(newClient(), '/courses/kubernetes-basics/lessons/l1');
    prefetchRouteData(newClient(), '/dashboard');
    await settle();
    expect(sent).toEqual([]);
  });
});
