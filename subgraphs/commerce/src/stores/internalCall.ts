/**
 * One call to a sibling service's internal JSON route, for commerce's clients: POST with the
 * internal secret, HTTP 200 required, the answer checked against a schema. Failures are plain
 * Errors naming the service and route; the callers' services map them.
 */
import { internalRequest, type Logger } from '@learncraft/kit';
import type { z } from 'zod';

export interface InternalCallOptions {
  /** The sibling's name, for messages: `catalog`, `progress`. */
  service: string;
  /** e.g. http://127.0.0.1:4002 */
  baseUrl: string;
  secret: string;
  logger: Logger;
  timeoutMs?: number;
}

export async function postInternal<T>(
  options: InternalCallOptions,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  let answer: { status: number; body: unknown };
  try {
    answer = await internalRequest(url, options.secret, {
      method: 'POST',
      body,
      timeoutMs: options.timeoutMs ?? 5_000,
    });
  } catch (error) {
    throw new Error(`${options.service} did not answer POST ${path}: ${String(error)}`);
  }
  if (answer.status !== 200)
    throw new Error(`${options.service} answered POST ${path} with HTTP ${answer.status}`);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) {
    options.logger.error(`${options.service} answered an unexpected shape`, {
      path,
      issues: parsed.error.issues.slice(0, 5),
    });
    throw new Error(`${options.service} answered POST ${path} with an unexpected shape`);
  }
  return parsed.data;
}
