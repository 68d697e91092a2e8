/**
 * The progress port of the ai service and its adapter over progress's internal HTTP API
 * (`POST /internal/learner-course-status`): whether a learner is enrolled in a course and which of
 * its quizzes they have passed, which decides what the tutor may say about a quiz. Failures are
 * plain Errors naming the call; the service maps them.
 */
import { postInternal, type Logger } from '@learncraft/kit';
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
  const sibling = { ...options, service: 'progress' };
  return {
    learnerCourseStatus: (userId, courseId) =>
      postInternal(sibling, '/internal/learner-course-status', { userId, courseId }, statusAnswer),
  };
}
