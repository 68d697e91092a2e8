/**
 * The labs port of the ai service and its adapter over labs' internal HTTP API
 * (`POST /internal/hint-context`): the context of a hint a learner asked for in their lab session.
 * `step.checkCommand` is there only for the service's output filter (a hint must not reveal the
 * check); it must never be put into a prompt. Failures are plain Errors naming the call.
 */
import { internalRequest, type Logger } from '@learncraft/kit';
import { z } from 'zod';

const hintContextAnswer = z.object({
  session: z.object({
    id: z.string(),
    lessonId: z.string(),
    courseId: z.string(),
    status: z.string(),
    labTitle: z.string(),
  }),
  step: z
    .object({
      id: z.string(),
      title: z.string(),
      instructions: z.string(),
      authorHint: z.string().nullable(),
      status: z.string(),
      lastOutput: z.string().nullable(),
      /** For the output filter only; never in a prompt. */
      checkCommand: z.string(),
    })
    .nullable(),
  /** What the learner recently typed in the terminal; '' when the serving replica saw nothing. */
  recentInput: z.string(),
});
export type HintContext = z.infer<typeof hintContextAnswer>;

export interface LabsClient {
  /** Null when the session does not exist or is not this learner's. */
  hintContext(input: { sessionId: string; stepId: string; userId: string }): Promise<HintContext | null>;
}

export interface HttpLabsClientOptions {
  /** e.g. http://127.0.0.1:4004 */
  baseUrl: string;
  secret: string;
  logger: Logger;
  timeoutMs?: number;
}

export function createHttpLabsClient(options: HttpLabsClientOptions): LabsClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/internal/hint-context`;
  return {
    async hintContext(input) {
      let answer: { status: number; body: unknown };
      try {
        answer = await internalRequest(url, options.secret, {
          method: 'POST',
          body: input,
          timeoutMs: options.timeoutMs ?? 5_000,
        });
      } catch (error) {
        throw new Error(`labs did not answer POST /internal/hint-context: ${String(error)}`);
      }
      if (answer.status === 404) return null;
      if (answer.status !== 200)
        throw new Error(`labs answered POST /internal/hint-context with HTTP ${answer.status}`);
      const parsed = hintContextAnswer.safeParse(answer.body);
      if (!parsed.success) {
        options.logger.error('labs answered an unexpected shape', {
          issues: parsed.error.issues.slice(0, 5),
        });
        throw new Error('labs answered POST /internal/hint-context with an unexpected shape');
      }
      return parsed.data;
    },
  };
}
