/**
 * Starts the data of the page a cold load lands on while that page's code is still downloading.
 * For a signed-out visitor of a course page, index.html has already sent the page's query
 * (vite.config.mts, earlyCourseQuery): its answer is written into the cache. Otherwise the course
 * query goes out as soon as the entry chunk runs, not after the CoursePage chunk has arrived and
 * rendered. Either way the page's own useQuery finds the answer in the cache (or, in flight, shares
 * the request: Apollo deduplicates identical ones).
 */
import type { ApolloClient, NormalizedCacheObject } from '@apollo/client';
import { matchPath } from 'react-router';
import { CoursePageQuery } from '@learncraft/operations';
import type { CoursePageQuery as CoursePageData } from '@learncraft/operations/types';

/** What index.html's inline script leaves on `window` when it sent the course query. */
interface EarlyCourseQuery {
  slug: string;
  response: Promise<{ data?: CoursePageData | null; errors?: unknown[] } | null>;
}

declare global {
  interface Window {
    __learncraftEarly?: EarlyCourseQuery;
  }
}

/** Fetches (or takes from index.html) the first page's query into the cache; errors are the page's. */
export function prefetchRouteData(client: ApolloClient<NormalizedCacheObject>, pathname: string): void {
  const slug = matchPath('/courses/:slug', pathname)?.params.slug;
  if (!slug) return;
  const query = () =>
    void client.query({ query: CoursePageQuery, variables: { slug } }).catch(() => undefined);
  const early = window.__learncraftEarly;
  delete window.__learncraftEarly;
  if (early?.slug !== slug) return query();
  void early.response.then((result) => {
    // Anything but a clean answer is left to the page's query, which reports it as usual.
    if (result?.data && !result.errors?.length)
      client.writeQuery({ query: CoursePageQuery, variables: { slug }, data: result.data });
    else query();
  });
}
