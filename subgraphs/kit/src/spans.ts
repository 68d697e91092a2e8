/**
 * Spans the kit makes itself, through the OpenTelemetry API only: the GraphQL operation (an Apollo
 * Server plugin), database queries, and the trace headers of hand-made requests. Without a started
 * SDK (see tracing.ts) the API's no-op tracer makes all of this nearly free.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

const TRACER_NAME = '@learncraft/kit';

let stopTracing: (() => Promise<void>) | undefined;

/** Called by `startTracing` (tracing.ts) so that `runService` can flush spans without loading the SDK. */
export function onTracingShutdown(stop: () => Promise<void>): void {
  stopTracing = stop;
}

/** Flushes pending spans and stops the SDK, if `startTracing` started one. */
export function shutdownTracing(): Promise<void> {
  return stopTracing?.() ?? Promise.resolve();
}

/** The current trace id (32 hex digits), or undefined outside a sampled span. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && spanContext.traceId !== '00000000000000000000000000000000'
    ? spanContext.traceId
    : undefined;
}

/**
 * Runs `work` inside a span named `name` (an INTERNAL span, e.g. a database query), ending it with
 * the outcome. Without a started SDK the API's no-op tracer makes this nearly free.
 */
export async function withSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: () => Promise<T>,
): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
}

/** The Apollo Server request-lifecycle hooks `tracingPlugin` needs (structurally typed). */
interface OperationRequestContext {
  operationName?: string | null;
  operation?: { operation: string } | null;
  errors?: readonly unknown[];
}

/**
 * An Apollo Server plugin: one span per GraphQL operation, `graphql.<type> <operationName>`, child
 * of the incoming HTTP request's span. The name is the one the document gives (bounded by the
 * document size limits); variables and documents are never recorded.
 */
export function tracingPlugin() {
  return {
    requestDidStart() {
      const tracer = trace.getTracer(TRACER_NAME);
      const span = tracer.startSpan('graphql.operation', { kind: SpanKind.INTERNAL }, context.active());
      return Promise.resolve({
        didResolveOperation(request: OperationRequestContext) {
          const type = request.operation?.operation ?? 'operation';
          const name = request.operationName ?? 'anonymous';
          span.updateName(`graphql.${type} ${name}`);
          span.setAttribute('graphql.operation.type', type);
          span.setAttribute('graphql.operation.name', name);
          return Promise.resolve();
        },
        didEncounterErrors(request: OperationRequestContext) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: `${request.errors?.length ?? 0} errors` });
          return Promise.resolve();
        },
        willSendResponse() {
          span.end();
          return Promise.resolve();
        },
      });
    },
  };
}

/** The W3C trace-context headers for the active span (for hand-made outgoing requests). */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
