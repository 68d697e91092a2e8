/**
 * The catalog port: what progress needs to know about courses and lessons (kinds, durations,
 * quiz keys, syllabus order, instructors), and its adapter over catalog's internal HTTP API.
 * Answers are cached in process for a few seconds so video heartbeats do not hammer catalog.
 */
import { ErrorCode, graphQLError, internalFetch, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const lessonKind = z.enum(['VIDEO', 'READING', 'QUIZ', 'LAB']);
export type LessonKind = z.infer<typeof lessonKind>;

const catalogQuiz = z.object({
  passPercent: z.number().min(0).max(100),
  // Defaults keep a catalog that predates attempt limits readable: unlimited attempts, no wait.
  maxAttempts: z.number().int().min(1).nullable().default(null),
  cooldownSeconds: z.number().int().min(0).default(0),
  questions: z.array(
    z.object({
      id: z.string(),
      multiple: z.boolean(),
      optionIds: z.array(z.string()),
      correctOptionIds: z.array(z.string()),
      explanation: z.string().nullable(),
    }),
  ),
});

const catalogLesson = z.object({
  id: z.string(),
  courseId: z.string(),
  kind: lessonKind,
  durationSeconds: z.number().min(0),
  coursePublished: z.boolean(),
  quiz: catalogQuiz.nullable(),
});
export type CatalogLesson = z.infer<typeof catalogLesson>;

const catalogCourse = z.object({
  id: z.string(),
  published: z.boolean(),
  instructorIds: z.array(z.string()),
  lessonIds: z.array(z.string()),
});
export type CatalogCourse = z.infer<typeof catalogCourse>;

const lessonsResponse = z.object({ lessons: z.array(catalogLesson) });
const coursesResponse = z.object({ courses: z.array(catalogCourse) });

export interface CatalogReadOptions {
  /** Skip the cache (decisions such as enrolling must see a course's current state). */
  fresh?: boolean;
}

export interface CatalogClient {
  /** The lessons with these ids, in any order; unknown ids are left out. */
  lessonsByIds(ids: readonly string[], options?: CatalogReadOptions): Promise<CatalogLesson[]>;
  /** The courses with these ids, in any order; unknown ids are left out. */
  coursesByIds(ids: readonly string[], options?: CatalogReadOptions): Promise<CatalogCourse[]>;
}

/** Catalog's limit on ids per internal request. */
export const CATALOG_MAX_IDS = 500;

export interface HttpCatalogClientOptions {
  /** e.g. http://127.0.0.1:4002 */
  baseUrl: string;
  secret: string;
  /** How long an answer (including "not found") is reused; default 10 s; 0 disables the cache. */
  ttlMs?: number;
  /** Bound on cached entries per kind; the oldest go first. */
  maxEntries?: number;
  timeoutMs?: number;
  logger?: Logger;
  now?: () => number;
}

export function createHttpCatalogClient(options: HttpCatalogClientOptions): CatalogClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const ttlMs = options.ttlMs ?? 10_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;

  const post = async <T>(path: string, ids: string[], schema: z.ZodType<T>): Promise<T> => {
    let body: unknown;
    try {
      body = await internalFetch<unknown>(`${baseUrl}${path}`, options.secret, {
        method: 'POST',
        body: { ids },
        timeoutMs: options.timeoutMs ?? 5_000,
      });
    } catch (error) {
      options.logger?.error('catalog call failed', { path, error });
      throw unavailable();
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      options.logger?.error('catalog answered an unexpected shape', {
        path,
        issues: parsed.error.issues.slice(0, 5),
      });
      throw unavailable();
    }
    return parsed.data;
  };

  const lessons = new TtlCache<CatalogLesson>(ttlMs, maxEntries, now);
  const courses = new TtlCache<CatalogCourse>(ttlMs, maxEntries, now);

  return {
    lessonsByIds: (ids, readOptions) =>
      lessons.getMany(
        ids,
        readOptions?.fresh ?? false,
        async (missing) => (await post('/internal/lessons', missing, lessonsResponse)).lessons,
      ),
    coursesByIds: (ids, readOptions) =>
      courses.getMany(
        ids,
        readOptions?.fresh ?? false,
        async (missing) => (await post('/internal/courses', missing, coursesResponse)).courses,
      ),
  };
}

function unavailable() {
  return graphQLError(ErrorCode.SERVICE_UNAVAILABLE, 'The course catalog is unavailable; try again shortly.');
}

/** Id-keyed cache that also remembers misses, fetching what it lacks in chunks of 500 ids. */
class TtlCache<V extends { id: string }> {
  private readonly entries = new Map<string, { value: V | null; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  async getMany(
    ids: readonly string[],
    fresh: boolean,
    fetch: (ids: string[]) => Promise<V[]>,
  ): Promise<V[]> {
    const at = this.now();
    const found = new Map<string, V>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const entry = fresh ? undefined : this.entries.get(id);
      if (entry && entry.expiresAt > at) {
        if (entry.value) found.set(id, entry.value);
      } else missing.push(id);
    }
    for (let start = 0; start < missing.length; start += CATALOG_MAX_IDS) {
      const chunk = missing.slice(start, start + CATALOG_MAX_IDS);
      const wanted = new Set(chunk);
      const fetched = new Map<string, V>();
      for (const value of await fetch(chunk)) if (wanted.has(value.id)) fetched.set(value.id, value);
      for (const id of chunk) {
        const value = fetched.get(id) ?? null;
        if (value) found.set(id, value);
        this.remember(id, value, at);
      }
    }
    return [...found.values()];
  }

  private remember(id: string, value: V | null, at: number) {
    if (this.ttlMs <= 0) return;
    this.entries.delete(id);
    this.entries.set(id, { value, expiresAt: at + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
