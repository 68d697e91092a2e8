/**
 * Service-to-service routes (never exposed through the gateway), guarded by the shared internal
 * secret. They carry what the public schema must not: quiz answer keys for grading (progress), lab
 * setup scripts and check commands (labs), and a course's syllabus and instructors for enrolment
 * and completion rules. For the ai service: learner-readable course content to index (no answer
 * keys, checks or hints), every course's version to reconcile its index, and appending quiz
 * questions on an instructor's behalf. For commerce: courses by id or slug (titles for receipts,
 * instructors for revenue shares; slugs name the demo's paid courses when it seeds prices).
 */
import type { ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { ErrorCode, internalJsonRoute, ROLES, sendJson, type HttpRoute, type Role } from '@learncraft/kit';
import {
  isUuid,
  labSettingsOf,
  lessonsOf,
  quizLimitsOf,
  type CourseDocument,
  type LabContent,
  type LabProfile,
  type LessonDocument,
  type LessonRecord,
  type ModuleDocument,
} from './domain/course';
import type { AuthoringService } from './services/authoring';
import type { CourseStore } from './stores/courseStore';

export const MAX_INTERNAL_IDS = 500;
/** Course content is large (whole syllabi): fewer courses per request. */
export const MAX_CONTENT_IDS = 50;
export const MAX_VERSIONS_PAGE = 1_000;
export const MAX_SLUGS = 100;

const idsBody = (max: number) => z.object({ ids: z.array(z.string().max(100)).max(max) });
const idsShape = (max: number) => `{"ids": [...]} with at most ${max} string ids`;

const slugsBody = z.object({ slugs: z.array(z.string().min(1).max(200)).min(1).max(MAX_SLUGS) });

const versionsBody = z.object({
  after: z.string().refine(isUuid).nullable().optional(),
  limit: z.number().int().min(1).max(MAX_VERSIONS_PAGE).optional(),
});

// Shapes only: the content rules are lessonUpdate's, applied by the authoring service.
const appendBody = z.object({
  lessonId: z.string().min(1).max(100),
  actor: z.object({ id: z.string().min(1).max(200), roles: z.array(z.string().max(50)).max(10) }),
  questions: z
    .array(
      z.object({
        prompt: z.string(),
        multiple: z.boolean(),
        options: z.array(z.object({ label: z.string(), correct: z.boolean() })),
        explanation: z.string().nullable(),
      }),
    )
    .min(1),
});

export interface InternalLesson {
  id: string;
  title: string;
  courseId: string;
  kind: string;
  durationSeconds: number;
  coursePublished: boolean;
  quiz: null | {
    passPercent: number;
    /** Null: unlimited. */
    maxAttempts: number | null;
    cooldownSeconds: number;
    questions: {
      id: string;
      multiple: boolean;
      optionIds: string[];
      correctOptionIds: string[];
      explanation: string | null;
    }[];
  };
  /** LAB lessons only: what the labs service needs to run a session. */
  lab: null | InternalLab;
}

export interface InternalLab {
  profile: 'linux' | 'node' | 'kubernetes';
  image: string;
  /** The lab's Markdown instructions (labs hands them to the ai service's hints). */
  instructions: string;
  setupScript: string | null;
  timeLimitMinutes: number;
  idleTimeoutMinutes: number;
  /** `hint` is the author's hint for the step, null when there is none. */
  steps: { id: string; title: string; instructions: string; hint: string | null; checkCommand: string }[];
}

export interface InternalCourse {
  id: string;
  slug: string;
  title: string;
  published: boolean;
  instructorIds: string[];
  /** Every lesson id in syllabus order. */
  lessonIds: string[];
}

/**
 * A course as the ai service indexes it: the same shape as subgraphs/ai/src/domain/content.ts (the
 * contract), kept here as catalog's own type. Only what a learner may read: no `correct` flags,
 * check commands, setup scripts or author hints.
 */
export interface CourseContent {
  id: string;
  version: number;
  title: string;
  published: boolean;
  instructorIds: string[];
  lessons: LessonContent[];
}

export interface LessonContent {
  id: string;
  title: string;
  kind: 'VIDEO' | 'READING' | 'QUIZ' | 'LAB';
  moduleId: string;
  moduleTitle: string;
  markdown: string | null;
  transcriptVtt: string | null;
  lab: null | { instructions: string; steps: { id: string; title: string; instructions: string }[] };
  quiz: null | {
    questions: {
      id: string;
      prompt: string;
      options: { id: string; label: string }[];
      explanation: string | null;
    }[];
  };
}

export interface InternalRoutesOptions {
  store: CourseStore;
  authoring: Pick<AuthoringService, 'quizQuestionsAppend'>;
  secret: string | undefined;
}

export function internalRoutes(options: InternalRoutesOptions): Record<string, HttpRoute> {
  const { store, authoring, secret } = options;
  const guarded = <T>(
    schema: z.ZodType<T>,
    shape: string,
    handle: (body: T, res: ServerResponse) => Promise<void>,
  ): HttpRoute =>
    internalJsonRoute(
      { secret, schema, shape, invalid: () => ({ error: `The body must be ${shape}.` }) },
      handle,
    );
  const byIds = (max: number, handle: (ids: string[]) => Promise<unknown>) =>
    guarded(idsBody(max), idsShape(max), async ({ ids }, res) => sendJson(res, 200, await handle(ids)));

  return {
    'POST /internal/lessons': byIds(MAX_INTERNAL_IDS, async (ids) => ({
      lessons: (await store.lessonsByIds(ids)).map(toInternalLesson),
    })),
    'POST /internal/courses': byIds(MAX_INTERNAL_IDS, async (ids) => ({
      courses: inRequestOrder(ids, await store.byIds(ids)).map(toInternalCourse),
    })),
    'POST /internal/courses/by-slug': guarded(
      slugsBody,
      `{"slugs": [...]} with 1 to ${MAX_SLUGS} slugs`,
      async ({ slugs }, res) => {
        const found = await Promise.all([...new Set(slugs)].map((slug) => store.bySlug(slug)));
        const courses = found.flatMap((course) => (course ? [toInternalCourse(course)] : []));
        sendJson(res, 200, { courses });
      },
    ),
    'POST /internal/course-content': byIds(MAX_CONTENT_IDS, async (ids) => ({
      courses: inRequestOrder(ids, await store.byIds(ids)).map(toCourseContent),
    })),
    'POST /internal/course-versions': guarded(
      versionsBody,
      `{"after"?: course id | null, "limit"?: 1..${MAX_VERSIONS_PAGE}}`,
      async ({ after, limit = MAX_VERSIONS_PAGE }, res) => {
        const courses = await store.versionsAfter(after ?? null, limit);
        sendJson(res, 200, { courses, next: courses.length === limit ? courses.at(-1)!.id : null });
      },
    ),
    'POST /internal/quiz-questions/append': guarded(
      appendBody,
      '{"lessonId": string, "actor": {"id": string, "roles": [string]}, "questions": [{"prompt": string, "multiple": boolean, "options": [{"label": string, "correct": boolean}], "explanation": string | null}]}',
      async ({ lessonId, actor, questions }, res) => {
        const viewer = { id: actor.id, roles: actor.roles.filter(isRole), expiresAt: 0 };
        try {
          const result = await authoring.quizQuestionsAppend(viewer, { lessonId, questions });
          if (result.ok) return sendJson(res, 200, result);
          if ('notAQuiz' in result) return sendJson(res, 400, { error: 'NOT_A_QUIZ' });
          sendJson(res, 200, { ok: false, userErrors: result.userErrors });
        } catch (error) {
          const code = error instanceof GraphQLError ? error.extensions.code : undefined;
          if (code === ErrorCode.NOT_FOUND) return sendJson(res, 404, { error: 'NOT_FOUND' });
          if (code === ErrorCode.FORBIDDEN || code === ErrorCode.UNAUTHENTICATED)
            return sendJson(res, 403, { error: 'FORBIDDEN' });
          throw error;
        }
      },
    ),
  };
}

const isRole = (role: string): role is Role => (ROLES as readonly string[]).includes(role);

/** The courses of `ids` that exist, each once, in the order asked. */
function inRequestOrder(ids: readonly string[], found: readonly CourseDocument[]): CourseDocument[] {
  const byId = new Map(found.map((course) => [course.id, course]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

export function toInternalLesson({ lesson, course }: LessonRecord): InternalLesson {
  const content = lesson.content;
  return {
    id: lesson.id,
    title: lesson.title,
    courseId: course.id,
    kind: lesson.kind,
    durationSeconds: lesson.durationSeconds,
    coursePublished: course.published,
    quiz:
      content.kind === 'QUIZ'
        ? {
            passPercent: content.passPercent,
            ...quizLimitsOf(content),
            questions: content.questions.map((question) => ({
              id: question.id,
              multiple: question.multiple,
              optionIds: question.options.map((option) => option.id),
              correctOptionIds: question.options
                .filter((option) => option.correct)
                .map((option) => option.id),
              explanation: question.explanation,
            })),
          }
        : null,
    lab: content.kind === 'LAB' ? toInternalLab(content) : null,
  };
}

const INTERNAL_PROFILE: Record<LabProfile, InternalLab['profile']> = {
  LINUX: 'linux',
  NODE: 'node',
  KUBERNETES: 'kubernetes',
};

function toInternalLab(lab: LabContent): InternalLab {
  const settings = labSettingsOf(lab);
  return {
    profile: INTERNAL_PROFILE[settings.profile],
    image: lab.image,
    instructions: lab.instructions,
    setupScript: settings.setupScript,
    timeLimitMinutes: lab.timeLimitMinutes,
    idleTimeoutMinutes: settings.idleTimeoutMinutes,
    steps: lab.steps.map((step) => ({
      id: step.id,
      title: step.title,
      instructions: step.instructions,
      hint: step.hint,
      checkCommand: step.checkCommand,
    })),
  };
}

export function toInternalCourse(course: CourseDocument): InternalCourse {
  return {
    id: course.id,
    slug: course.slug,
    title: course.title,
    published: course.published,
    instructorIds: [...course.instructorIds],
    lessonIds: lessonsOf(course).map((lesson) => lesson.id),
  };
}

export function toCourseContent(course: CourseDocument): CourseContent {
  return {
    id: course.id,
    version: course.version,
    title: course.title,
    published: course.published,
    instructorIds: [...course.instructorIds],
    lessons: course.modules.flatMap((module) =>
      module.lessons.map((lesson) => toLessonContent(module, lesson)),
    ),
  };
}

function toLessonContent(module: ModuleDocument, lesson: LessonDocument): LessonContent {
  const content = lesson.content;
  return {
    id: lesson.id,
    title: lesson.title,
    kind: lesson.kind,
    moduleId: module.id,
    moduleTitle: module.title,
    markdown: content.kind === 'READING' ? content.markdown : null,
    transcriptVtt: content.kind === 'VIDEO' ? content.transcriptVtt : null,
    lab:
      content.kind === 'LAB'
        ? {
            instructions: content.instructions,
            steps: content.steps.map((step) => ({
              id: step.id,
              title: step.title,
              instructions: step.instructions,
            })),
          }
        : null,
    quiz:
      content.kind === 'QUIZ'
        ? {
            questions: content.questions.map((question) => ({
              id: question.id,
              prompt: question.prompt,
              options: question.options.map((option) => ({ id: option.id, label: option.label })),
              explanation: question.explanation,
            })),
          }
        : null,
  };
}
