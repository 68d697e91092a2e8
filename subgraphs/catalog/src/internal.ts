/**
 * Service-to-service routes (never exposed through the gateway), guarded by the shared internal
 * secret. They carry what the public schema must not: quiz answer keys for grading (progress), lab
 * setup scripts and check commands (labs), and a course's syllabus and instructors for enrolment
 * and completion rules.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { INTERNAL_HEADER, isInternalCaller, sendJson, type HttpRoute } from '@learncraft/kit';
import {
  labSettingsOf,
  lessonsOf,
  quizLimitsOf,
  type CourseDocument,
  type LabContent,
  type LabProfile,
  type LessonRecord,
} from './domain/course';
import type { CourseStore } from './stores/courseStore';

export const MAX_INTERNAL_IDS = 500;

const idsBody = z.object({ ids: z.array(z.string().max(100)).max(MAX_INTERNAL_IDS) });

export interface InternalLesson {
  id: string;
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
  setupScript: string | null;
  timeLimitMinutes: number;
  idleTimeoutMinutes: number;
  steps: { id: string; title: string; checkCommand: string }[];
}

export interface InternalCourse {
  id: string;
  published: boolean;
  instructorIds: string[];
  /** Every lesson id in syllabus order. */
  lessonIds: string[];
}

export function internalRoutes(options: {
  store: CourseStore;
  secret: string | undefined;
}): Record<string, HttpRoute> {
  const { store, secret } = options;
  const guarded =
    (handle: (ids: string[]) => Promise<unknown>): HttpRoute =>
    async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
      if (!isInternalCaller(req.headers[INTERNAL_HEADER], secret))
        return sendJson(res, 403, { error: 'forbidden' });
      const parsed = idsBody.safeParse(parseJson(body));
      if (!parsed.success) {
        return sendJson(res, 400, {
          error: `The body must be {"ids": [...]} with at most ${MAX_INTERNAL_IDS} string ids.`,
        });
      }
      sendJson(res, 200, await handle(parsed.data.ids));
    };

  return {
    'POST /internal/lessons': guarded(async (ids) => ({
      lessons: (await store.lessonsByIds(ids)).map(toInternalLesson),
    })),
    'POST /internal/courses': guarded(async (ids) => {
      const byId = new Map((await store.byIds(ids)).map((course) => [course.id, course]));
      const courses = [...new Set(ids)].flatMap((id) => {
        const course = byId.get(id);
        return course ? [toInternalCourse(course)] : [];
      });
      return { courses };
    }),
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function toInternalLesson({ lesson, course }: LessonRecord): InternalLesson {
  const content = lesson.content;
  return {
    id: lesson.id,
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
    setupScript: settings.setupScript,
    timeLimitMinutes: lab.timeLimitMinutes,
    idleTimeoutMinutes: settings.idleTimeoutMinutes,
    steps: lab.steps.map((step) => ({ id: step.id, title: step.title, checkCommand: step.checkCommand })),
  };
}

export function toInternalCourse(course: CourseDocument): InternalCourse {
  return {
    id: course.id,
    published: course.published,
    instructorIds: [...course.instructorIds],
    lessonIds: lessonsOf(course).map((lesson) => lesson.id),
  };
}
