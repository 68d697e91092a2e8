/**
 * Service-to-service routes (never exposed through the gateway), guarded by the shared internal
 * secret: the labs service asks whether a learner is enrolled before starting a session, and hands
 * a LAB lesson over as complete once every step's check has passed; the ai service asks for a
 * learner's standing in a course (enrolled, quizzes passed).
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { internalJsonRoute, sendJson, type HttpRoute } from '@learncraft/kit';
import { completeLabLesson, isEnrolled, type LabCompletionDeps } from './services/labCompletion';
import { learnerCourseStatus } from './services/learnerStatus';

const id = z.string().min(1).max(100);
const enrollmentCheckBody = z.object({ userId: id, courseId: id });
const lessonCompletionBody = z.object({ userId: id, lessonId: id, reference: z.string().min(1).max(200) });

export function internalRoutes(
  deps: LabCompletionDeps & { secret: string | undefined },
): Record<string, HttpRoute> {
  const guarded = <T>(
    schema: z.ZodType<T>,
    shape: string,
    handle: (body: T, res: ServerResponse) => Promise<void>,
  ): HttpRoute =>
    internalJsonRoute(
      {
        secret: deps.secret,
        schema,
        invalid: () => ({ error: 'BAD_REQUEST', message: `The body must be ${shape}.` }),
      },
      handle,
    );

  return {
    'POST /internal/enrollments/check': guarded(
      enrollmentCheckBody,
      '{"userId": string, "courseId": string}',
      async (body, res) => sendJson(res, 200, { enrolled: await isEnrolled(deps, body) }),
    ),
    'POST /internal/learner-course-status': guarded(
      enrollmentCheckBody,
      '{"userId": string, "courseId": string}',
      async (body, res) => sendJson(res, 200, await learnerCourseStatus(deps, body)),
    ),
    'POST /internal/lesson-completions': guarded(
      lessonCompletionBody,
      '{"userId": string, "lessonId": string, "reference": string}',
      async (body, res) => {
        const outcome = await completeLabLesson(deps, body);
        if (!outcome.ok)
          return sendJson(res, outcome.status, { error: outcome.error, message: outcome.message });
        sendJson(res, 200, { completed: true, alreadyComplete: outcome.alreadyComplete });
      },
    ),
  };
}
