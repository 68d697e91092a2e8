/**
 * The progress port of the commerce service and its adapter over progress's internal HTTP API
 * (`POST /internal/learner-course-status`): how much of a course a learner has completed, which
 * decides whether they may still get a refund. Failures are plain Errors naming the call.
 */
import { internalRequest, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const statusAnswer = z.object({
  enrolled: z.boolean(),
  passedQuizLessonIds: z.array(z.string()),
  // Older progress services answer without it: nothing counted as completed.
  progressPercent: z.number().min(0).max(100).optional().default(0),
});
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
  const path = '/internal/learner-course-status';
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
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
        throw new Error(`progress did not answer POST ${path}: ${String(error)}`);
      }
      if (answer.status !== 200) throw new Error(`progress answered POST ${path} with HTTP ${answer.status}`);
      const parsed = statusAnswer.safeParse(answer.body);
      if (!parsed.success) {
        options.logger.error('progress answered an unexpected shape', { issues: parsed.error.issues.slice(0, 5) });
        throw new Error(`progress answered POST ${path} with an unexpected shape`);
      }
      return parsed.data;
    },
  };
}
