/**
 * Service-to-service routes (never exposed through the gateway), guarded by the shared internal
 * secret: the ai service asks for the context of a hint a learner requested in a lab session (the
 * session, the step as the learner sees it plus its author hint, and what they recently typed).
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { ErrorCode, internalJsonRoute, sendJson, type HttpRoute } from '@learncraft/kit';
import { GraphQLError } from 'graphql';
import type { TerminalHub } from './services/terminals';
import type { CatalogClient } from './stores/catalogClient';
import type { LabStore } from './stores/labStore';

const id = z.string().min(1).max(100);
const hintContextBody = z.object({ sessionId: id, stepId: id, userId: id });

export interface HintContext {
  session: { id: string; lessonId: string; courseId: string; status: string; labTitle: string };
  step: null | {
    id: string;
    title: string;
    instructions: string;
    authorHint: string | null;
    status: string;
    lastOutput: string | null;
    /**
     * For the ai service's output filter only (a hint must not give the check away): it must never
     * be put into a prompt.
     */
    checkCommand: string;
  };
  /** What the learner recently typed (see InputTranscript); only on the replica serving the terminal. */
  recentInput: string;
}

export interface InternalRoutesDeps {
  store: LabStore;
  catalog: CatalogClient;
  terminals: Pick<TerminalHub, 'recentInput'>;
  secret: string | undefined;
}

export function internalRoutes(deps: InternalRoutesDeps): Record<string, HttpRoute> {
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
    'POST /internal/hint-context': guarded(
      hintContextBody,
      '{"sessionId": string, "stepId": string, "userId": string}',
      async (body, res) => {
        try {
          const context = await hintContext(deps, body);
          if (!context) return sendJson(res, 404, { error: 'NOT_FOUND' });
          sendJson(res, 200, context);
        } catch (error) {
          if (error instanceof GraphQLError && error.extensions.code === ErrorCode.SERVICE_UNAVAILABLE)
            return sendJson(res, 503, { error: 'CATALOG_UNAVAILABLE', message: error.message });
          throw error;
        }
      },
    ),
  };
}

/**
 * The step's title, status, output and check come from the session (what it actually checks);
 * the lab's title and the step's instructions and hint from the lesson as catalog has it now.
 */
async function hintContext(
  deps: InternalRoutesDeps,
  input: { sessionId: string; stepId: string; userId: string },
): Promise<HintContext | null> {
  const [session] = await deps.store.sessionsByIds([input.sessionId]);
  if (!session || session.userId !== input.userId) return null;
  const [steps, [lesson]] = await Promise.all([
    deps.store.stepsBySessions([session.id]),
    deps.catalog.lessonsByIds([session.lessonId]),
  ]);
  const step = steps.find((candidate) => candidate.stepId === input.stepId);
  const authored = lesson?.lab?.steps.find((candidate) => candidate.id === input.stepId);
  return {
    session: {
      id: session.id,
      lessonId: session.lessonId,
      courseId: session.courseId,
      status: session.status,
      labTitle: lesson?.title ?? '',
    },
    step: step
      ? {
          id: step.stepId,
          title: step.title,
          instructions: authored?.instructions ?? '',
          authorHint: authored?.hint ?? null,
          status: step.status,
          lastOutput: step.lastOutput,
          checkCommand: step.checkCommand,
        }
      : null,
    recentInput: deps.terminals.recentInput(session.id),
  };
}
