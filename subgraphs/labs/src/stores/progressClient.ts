/**
 * The progress port: whether a learner is enrolled in a course, and handing over a completed LAB
 * lesson; its adapter over progress's internal HTTP API. The completion route is idempotent per
 * lesson and learner, and labs sends the session id as `reference`, so retries are harmless.
 */
import { ErrorCode, graphQLError, internalFetch, internalRequest, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const enrollmentAnswer = z.object({ enrolled: z.boolean() });
const completionAnswer = z.object({ completed: z.literal(true), alreadyComplete: z.boolean() });

export type CompletionResult =
  | { kind: 'ACKNOWLEDGED'; alreadyComplete: boolean }
  /** Progress refused for good (HTTP 409: not enrolled, not a LAB lesson): retrying will not help. */
  | { kind: 'REFUSED'; reason: string }
  /** Progress did not answer usefully (down, timeout, 5xx): try again later. */
  | { kind: 'UNAVAILABLE'; reason: string };

export interface LessonCompletion {
  userId: string;
  lessonId: string;
  /** The lab session that completed the lesson. */
  reference: string;
}

export interface ProgressClient {
  isEnrolled(userId: string, courseId: string): Promise<boolean>;
  reportCompletion(completion: LessonCompletion): Promise<CompletionResult>;
}

export interface HttpProgressClientOptions {
  /** e.g. http://127.0.0.1:4003 */
  baseUrl: string;
  secret: string;
  timeoutMs?: number;
  logger?: Logger;
}

export function createHttpProgressClient(options: HttpProgressClientOptions): ProgressClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async isEnrolled(userId, courseId) {
      try {
        const body = await internalFetch<unknown>(`${baseUrl}/internal/enrollments/check`, options.secret, {
          method: 'POST',
          body: { userId, courseId },
          timeoutMs,
        });
        return enrollmentAnswer.parse(body).enrolled;
      } catch (error) {
        options.logger?.error('progress enrollment check failed', { error });
        throw graphQLError(ErrorCode.SERVICE_UNAVAILABLE, 'Progress is unavailable; try again shortly.');
      }
    },

    // Not internalFetch: a 409 here carries a reason that decides whether to retry.
    async reportCompletion(completion) {
      let status: number;
      let body: unknown;
      try {
        ({ status, body } = await internalRequest(`${baseUrl}/internal/lesson-completions`, options.secret, {
          method: 'POST',
          body: completion,
          timeoutMs,
        }));
      } catch (error) {
        return { kind: 'UNAVAILABLE', reason: error instanceof Error ? error.message : String(error) };
      }
      if (status === 409) return { kind: 'REFUSED', reason: errorText(body) ?? 'HTTP 409' };
      if (status < 200 || status > 299) return { kind: 'UNAVAILABLE', reason: `HTTP ${status}` };
      const parsed = completionAnswer.safeParse(body);
      if (!parsed.success) return { kind: 'UNAVAILABLE', reason: 'progress answered an unexpected shape' };
      return { kind: 'ACKNOWLEDGED', alreadyComplete: parsed.data.alreadyComplete };
    },
  };
}

function errorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const text = record.error ?? record.message;
  return typeof text === 'string' ? text : typeof record.code === 'string' ? record.code : undefined;
}
