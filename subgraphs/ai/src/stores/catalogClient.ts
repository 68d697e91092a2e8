/**
 * The catalog port of the ai service and its adapter over catalog's internal HTTP API: course
 * content to index (`/internal/course-content`, no answer keys), every course's version to
 * reconcile the index (`/internal/course-versions`, all pages), course facts (`/internal/courses`:
 * publication, instructors, syllabus), lessons with quiz answer keys (`/internal/lessons`, for
 * deciding what a tutor may reveal, never for prompts), and appending accepted quiz drafts
 * (`/internal/quiz-questions/append`). Failures are plain Errors naming the call; the service maps
 * them to its GraphQL errors.
 */
import { internalRequest, type Logger } from '@learncraft/kit';
import { z } from 'zod';
import type { CourseContent, CourseVersion } from '../domain/content';

const lessonKind = z.enum(['VIDEO', 'READING', 'QUIZ', 'LAB']);

const courseContent: z.ZodType<CourseContent> = z.object({
  id: z.string(),
  version: z.number().int(),
  title: z.string(),
  published: z.boolean(),
  instructorIds: z.array(z.string()),
  lessons: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      kind: lessonKind,
      moduleId: z.string(),
      moduleTitle: z.string(),
      markdown: z.string().nullable(),
      transcriptVtt: z.string().nullable(),
      lab: z
        .object({
          instructions: z.string(),
          steps: z.array(z.object({ id: z.string(), title: z.string(), instructions: z.string() })),
        })
        .nullable(),
      quiz: z
        .object({
          questions: z.array(
            z.object({
              id: z.string(),
              prompt: z.string(),
              options: z.array(z.object({ id: z.string(), label: z.string() })),
              explanation: z.string().nullable(),
            }),
          ),
        })
        .nullable(),
    }),
  ),
});

const catalogCourse = z.object({
  id: z.string(),
  published: z.boolean(),
  instructorIds: z.array(z.string()),
  lessonIds: z.array(z.string()),
});
export type CatalogCourse = z.infer<typeof catalogCourse>;

const catalogLesson = z.object({
  id: z.string(),
  courseId: z.string(),
  kind: lessonKind,
  coursePublished: z.boolean(),
  quiz: z
    .object({
      questions: z.array(
        z.object({
          id: z.string(),
          optionIds: z.array(z.string()),
          correctOptionIds: z.array(z.string()),
          explanation: z.string().nullable(),
        }),
      ),
    })
    .nullable(),
});
export type CatalogLesson = z.infer<typeof catalogLesson>;

const userError = z.object({ code: z.string(), message: z.string(), field: z.array(z.string()).nullable() });
export type CatalogUserError = z.infer<typeof userError>;

const appendAnswer = z.union([
  z.object({ ok: z.literal(true), questionIds: z.array(z.string()), version: z.number().int() }),
  z.object({ ok: z.literal(false), userErrors: z.array(userError) }),
]);

export interface AppendQuizQuestionsInput {
  lessonId: string;
  /** The instructor (or admin) on whose behalf the questions are added; catalog authorizes them. */
  actor: { id: string; roles: string[] };
  questions: {
    prompt: string;
    multiple: boolean;
    options: { label: string; correct: boolean }[];
    explanation: string | null;
  }[];
}

export type AppendQuizQuestionsResult =
  | { kind: 'APPENDED'; questionIds: string[]; version: number }
  /** Catalog's validation refused them (lessonUpdate's codes; fields point into `questions`). */
  | { kind: 'INVALID'; userErrors: CatalogUserError[] }
  | { kind: 'NOT_FOUND' }
  | { kind: 'FORBIDDEN' }
  | { kind: 'NOT_A_QUIZ' };

export interface CatalogClient {
  /** Content of the courses with these ids (drafts too), in request order; unknown ids are left out. */
  courseContent(ids: readonly string[]): Promise<CourseContent[]>;
  /** Every course's id and version, in id order. */
  courseVersions(): Promise<CourseVersion[]>;
  courses(ids: readonly string[]): Promise<CatalogCourse[]>;
  lessons(ids: readonly string[]): Promise<CatalogLesson[]>;
  appendQuizQuestions(input: AppendQuizQuestionsInput): Promise<AppendQuizQuestionsResult>;
}

/** Catalog's limits on ids per request. */
export const CONTENT_MAX_IDS = 50;
export const LOOKUP_MAX_IDS = 500;
const VERSIONS_PAGE = 1_000;

export interface HttpCatalogClientOptions {
  /** e.g. http://127.0.0.1:4002 */
  baseUrl: string;
  secret: string;
  logger: Logger;
  timeoutMs?: number;
}

export function createHttpCatalogClient(options: HttpCatalogClientOptions): CatalogClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const call = async (path: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    try {
      return await internalRequest(`${baseUrl}${path}`, options.secret, {
        method: 'POST',
        body,
        timeoutMs: options.timeoutMs ?? 5_000,
      });
    } catch (error) {
      throw new Error(`catalog did not answer POST ${path}: ${String(error)}`);
    }
  };
  const read = async <T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> => {
    const answer = await call(path, body);
    if (answer.status !== 200) throw new Error(`catalog answered POST ${path} with HTTP ${answer.status}`);
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) {
      options.logger.error('catalog answered an unexpected shape', {
        path,
        issues: parsed.error.issues.slice(0, 5),
      });
      throw new Error(`catalog answered POST ${path} with an unexpected shape`);
    }
    return parsed.data;
  };
  const chunked = async <T>(
    ids: readonly string[],
    size: number,
    fetchChunk: (chunk: string[]) => Promise<T[]>,
  ) => {
    const unique = [...new Set(ids)];
    const found: T[] = [];
    for (let start = 0; start < unique.length; start += size)
      found.push(...(await fetchChunk(unique.slice(start, start + size))));
    return found;
  };

  return {
    courseContent: (ids) =>
      chunked(
        ids,
        CONTENT_MAX_IDS,
        async (chunk) =>
          (
            await read(
              '/internal/course-content',
              { ids: chunk },
              z.object({ courses: z.array(courseContent) }),
            )
          ).courses,
      ),

    async courseVersions() {
      const page = z.object({
        courses: z.array(z.object({ id: z.string(), version: z.number().int() })),
        next: z.string().nullable(),
      });
      const versions: CourseVersion[] = [];
      let after: string | null = null;
      do {
        const answer: z.infer<typeof page> = await read(
          '/internal/course-versions',
          { after, limit: VERSIONS_PAGE },
          page,
        );
        versions.push(...answer.courses);
        after = answer.next;
      } while (after !== null);
      return versions;
    },

    courses: (ids) =>
      chunked(
        ids,
        LOOKUP_MAX_IDS,
        async (chunk) =>
          (await read('/internal/courses', { ids: chunk }, z.object({ courses: z.array(catalogCourse) })))
            .courses,
      ),

    lessons: (ids) =>
      chunked(
        ids,
        LOOKUP_MAX_IDS,
        async (chunk) =>
          (await read('/internal/lessons', { ids: chunk }, z.object({ lessons: z.array(catalogLesson) })))
            .lessons,
      ),

    async appendQuizQuestions(input) {
      const path = '/internal/quiz-questions/append';
      const answer = await call(path, input);
      const error = (answer.body as { error?: unknown } | null)?.error;
      if (answer.status === 404) return { kind: 'NOT_FOUND' };
      if (answer.status === 403 && error === 'FORBIDDEN') return { kind: 'FORBIDDEN' };
      if (answer.status === 400 && error === 'NOT_A_QUIZ') return { kind: 'NOT_A_QUIZ' };
      if (answer.status !== 200) throw new Error(`catalog answered POST ${path} with HTTP ${answer.status}`);
      const parsed = appendAnswer.safeParse(answer.body);
      if (!parsed.success) throw new Error(`catalog answered POST ${path} with an unexpected shape`);
      return parsed.data.ok
        ? { kind: 'APPENDED', questionIds: parsed.data.questionIds, version: parsed.data.version }
        : { kind: 'INVALID', userErrors: parsed.data.userErrors };
    },
  };
}
