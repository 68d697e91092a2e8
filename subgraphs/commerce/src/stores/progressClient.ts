/**
 * The progress port of the commerce service and its adapter over progress's internal HTTP API
 * (`POST /internal/learner-course-status`): how much of a course a learner has completed, which
 * decides whether they may still get a refund.
 */
import { postInternal, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const statusAnswer = z.object({
  enrolled: z.boolean(),
  passedQuizLessonIds: z.array(z.string()),
  // Progress services from before the field was added: nothing counted as completed.
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
  const call = { ...options, service: 'progress' };
  return {
    learnerCourseStatus: (userId, courseId) =>
      postInternal(call, '/internal/learner-course-status', { userId, courseId }, statusAnswer),
  };
}
