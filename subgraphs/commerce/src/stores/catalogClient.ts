/**
 * The catalog port of the commerce service and its adapter over catalog's internal HTTP API:
 * course facts (`/internal/courses`: publication, instructors, lessons, title and slug) for
 * pricing, access and checkout, and courses by slug (`/internal/courses/by-slug`) for seeding the
 * demo prices. Failures are plain Errors naming the call; the services map them.
 */
import { internalRequest, type Logger } from '@learncraft/kit';
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
  // Older catalogs answer without title and slug: the id stands in for both.
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
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const read = async (path: string, body: unknown): Promise<CatalogCourse[]> => {
    let answer: { status: number; body: unknown };
    try {
      answer = await internalRequest(`${baseUrl}${path}`, options.secret, {
        method: 'POST',
        body,
        timeoutMs: options.timeoutMs ?? 5_000,
      });
    } catch (error) {
      throw new Error(`catalog did not answer POST ${path}: ${String(error)}`);
    }
    if (answer.status !== 200) throw new Error(`catalog answered POST ${path} with HTTP ${answer.status}`);
    const parsed = coursesAnswer.safeParse(answer.body);
    if (!parsed.success) {
      options.logger.error('catalog answered an unexpected shape', { path, issues: parsed.error.issues.slice(0, 5) });
      throw new Error(`catalog answered POST ${path} with an unexpected shape`);
    }
    return parsed.data.courses;
  };
  const chunked = async (values: readonly string[], size: number, fetchChunk: (chunk: string[]) => Promise<CatalogCourse[]>) => {
    const unique = [...new Set(values)];
    const found: CatalogCourse[] = [];
    for (let start = 0; start < unique.length; start += size) found.push(...(await fetchChunk(unique.slice(start, start + size))));
    return found;
  };
  return {
    courses: (ids) => chunked(ids, LOOKUP_MAX_IDS, (chunk) => read('/internal/courses', { ids: chunk })),
    coursesBySlug: (slugs) =>
      chunked(slugs, LOOKUP_MAX_SLUGS, (chunk) => read('/internal/courses/by-slug', { slugs: chunk })),
  };
}
