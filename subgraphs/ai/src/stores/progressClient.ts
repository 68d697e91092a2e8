/**
 * The progress port of the ai service and its adapter over progress's internal HTTP API
 * (`POST /internal/learner-course-status`): whether a learner is enrolled in a course and which of
 * its quizzes they have passed, which decides what the tutor may say about a quiz. Failures are
 * plain Errors naming the call; the service maps them.
 */
import { internalRequest, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const statusAnswer = z.object({ enrolled: z.boolean(), passedQuizLessonIds: z.array(z.string()) });
export type LearnerCourseStatus = z.infer<typeof statusAnswer>;

export interface ProgressClient {
  learnerCourseStatus(userId: string, courseId: string): Promise<LearnerCourseStatus>;
}

export interface HttpProgressClientOptions {
  /** e.g. http://127.0.0.1:4003 */
  baseUrl: string;
  secret: string;
  logger: Logger;
  timeoutMs?: number;
}

export function createHttpProgressClient(options: HttpProgressClientOptions): ProgressClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/internal/learner-course-status`;
  return {
    async learnerCourseStatus(userId, courseId) {
      let answer: { status: number; body: unknown };
      try {
        answer = await internalRequest(url, options.secret, {
          method: 'POST',
          body: { userId, courseId },
          timeoutMs: options.timeoutMs ?? 5_000,
        });
      } catch (error) {
        throw new Error(`progress did not answer POST /internal/learner-course-status: ${String(error)}`);
      }
      if (answer.status !== 200)
        throw new Error(`progress answered POST /internal/learner-course-status with HTTP ${answer.status}`);
      const parsed = statusAnswer.safeParse(answer.body);
      if (!parsed.success) {
        options.logger.error('progress answered an unexpected shape', {
          issues: parsed.error.issues.slice(0, 5),
        });
        throw new Error('progress answered POST /internal/learner-course-status with an unexpected shape');
      }
      return parsed.data;
    },
  };
}
