/**
 * The catalog port: what labs needs to know about a LAB lesson (its title and course, whether the
 * course is published, and the lab: profile, image, instructions, setup script, limits, and each
 * step's instructions, author hint and check), and its adapter
 * over catalog's internal HTTP API (`POST /internal/lessons`). No cache: labs reads a lesson only
 * when a session starts, and then it must see the lesson as it is.
 */
import { ErrorCode, graphQLError, internalFetch, type Logger } from '@learncraft/kit';
import { z } from 'zod';

// Defaults on the texts keep a catalog that predates them readable (they only feed hints).
const labContent = z.object({
  profile: z.enum(['linux', 'node', 'kubernetes']),
  image: z.string(),
  instructions: z.string().default(''),
  setupScript: z.string().nullable(),
  timeLimitMinutes: z.number().int().min(1),
  idleTimeoutMinutes: z.number().int().min(1),
  steps: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      instructions: z.string().default(''),
      hint: z.string().nullable().default(null),
      checkCommand: z.string(),
    }),
  ),
});
export type CatalogLab = z.infer<typeof labContent>;

const catalogLesson = z.object({
  id: z.string(),
  title: z.string().default(''),
  courseId: z.string(),
  // Any kind is accepted (only LAB lessons matter here), so a new kind elsewhere breaks nothing.
  kind: z.string(),
  coursePublished: z.boolean(),
  lab: labContent.nullable().default(null),
});
export type CatalogLesson = z.infer<typeof catalogLesson>;

const lessonsResponse = z.object({ lessons: z.array(z.unknown()) });

export interface CatalogClient {
  /** The lessons with these ids, in any order; unknown ids are left out. */
  lessonsByIds(ids: readonly string[]): Promise<CatalogLesson[]>;
}

/** Catalog's limit on ids per internal request. */
export const CATALOG_MAX_IDS = 500;

export interface HttpCatalogClientOptions {
  /** e.g. http://127.0.0.1:4002 */
  baseUrl: string;
  secret: string;
  timeoutMs?: number;
  logger?: Logger;
}

export function createHttpCatalogClient(options: HttpCatalogClientOptions): CatalogClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    async lessonsByIds(ids) {
      const unique = [...new Set(ids)];
      const lessons: CatalogLesson[] = [];
      for (let start = 0; start < unique.length; start += CATALOG_MAX_IDS) {
        const chunk = unique.slice(start, start + CATALOG_MAX_IDS);
        let body: unknown;
        try {
          body = await internalFetch<unknown>(`${baseUrl}/internal/lessons`, options.secret, {
            method: 'POST',
            body: { ids: chunk },
            timeoutMs: options.timeoutMs ?? 5_000,
          });
        } catch (error) {
          options.logger?.error('catalog call failed', { error });
          throw unavailable();
        }
        const parsed = lessonsResponse.safeParse(body);
        if (!parsed.success) {
          options.logger?.error('catalog answered an unexpected shape', {
            issues: parsed.error.issues.slice(0, 5),
          });
          throw unavailable();
        }
        for (const raw of parsed.data.lessons) {
          const lesson = catalogLesson.safeParse(raw);
          // One malformed lesson (e.g. an unknown lab profile) does not hide the others.
          if (lesson.success) lessons.push(lesson.data);
          else
            options.logger?.warn('catalog sent a lesson labs cannot read', {
              issues: lesson.error.issues.slice(0, 5),
            });
        }
      }
      return lessons;
    },
  };
}

function unavailable() {
  return graphQLError(ErrorCode.SERVICE_UNAVAILABLE, 'The course catalog is unavailable; try again shortly.');
}
