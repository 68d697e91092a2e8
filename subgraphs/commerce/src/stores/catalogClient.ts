/**
 * The catalog port of the commerce service and its adapter over catalog's internal HTTP API:
 * course facts (`/internal/courses`: publication, instructors, lessons, title and slug) for
 * pricing, access and checkout, and courses by slug (`/internal/courses/by-slug`) for seeding the
 * demo prices. Callers stay within catalog's limits per request (the per-request loader batches
 * at most LOOKUP_MAX_IDS ids; the access route takes at most 100).
 */
import { postInternal, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const catalogCourse = z
  .object({
    id: z.string(),
    published: z.boolean(),
    instructorIds: z.array(z.string()),
    lessonIds: z.array(z.string()),
    title: z.string().optional(),
    slug: z.string().optional(),
  })
  // Catalogs from before title and slug were added: the id stands in for both.
  .transform((course) => ({ ...course, title: course.title ?? course.id, slug: course.slug ?? course.id }));
export type CatalogCourse = z.infer<typeof catalogCourse>;

const coursesAnswer = z.object({ courses: z.array(catalogCourse) });

export interface CatalogClient {
  /** The courses with these ids (drafts too); unknown ids are left out. */
  courses(ids: readonly string[]): Promise<CatalogCourse[]>;
  /** The courses with these slugs; unknown slugs are left out. */
  coursesBySlug(slugs: readonly string[]): Promise<CatalogCourse[]>;
}

/** Catalog's limits per request. */
export const LOOKUP_MAX_IDS = 500;
export const LOOKUP_MAX_SLUGS = 100;

export interface HttpCatalogClientOptions {
  /** e.g. http://127.0.0.1:4002 */
  baseUrl: string;
  secret: string;
  logger: Logger;
  timeoutMs?: number;
}

export function createHttpCatalogClient(options: HttpCatalogClientOptions): CatalogClient {
  const call = { ...options, service: 'catalog' };
  return {
    courses: async (ids) =>
      ids.length === 0
        ? []
        : (await postInternal(call, '/internal/courses', { ids: [...new Set(ids)] }, coursesAnswer)).courses,
    coursesBySlug: async (slugs) =>
      slugs.length === 0
        ? []
        : (
            await postInternal(
              call,
              '/internal/courses/by-slug',
              { slugs: [...new Set(slugs)] },
              coursesAnswer,
            )
          ).courses,
  };
}
