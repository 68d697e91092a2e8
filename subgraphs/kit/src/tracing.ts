/**
 * OpenTelemetry tracing for one process (the gateway or a subgraph): W3C `traceparent` in and out,
 * spans for incoming HTTP requests (instrumentation-http), outgoing undici requests such as the
 * gateway's subgraph fetches (instrumentation-undici, which also injects `traceparent`) and
 * PostgreSQL queries (instrumentation-pg); the GraphQL operation spans are `tracingPlugin` in
 * spans.ts. Spans go to the OTLP/HTTP (JSON) endpoint named by `OTEL_EXPORTER_OTLP_ENDPOINT`; when
 * it is unset nothing is started and nothing costs.
 *
 * Import this module first in a `main.ts` (see `startTracing`): instrumentation-http patches
 * `http` as it is loaded, so it must be hooked before anything else loads it. It deliberately
 * imports nothing from the rest of the kit but spans.ts (which needs only the OpenTelemetry API).
 */
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { onTracingShutdown } from './spans';

/** The environment variables tracing reads (the OTel SDK reads its other `OTEL_*` ones itself). */
export interface TracingEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_SDK_DISABLED?: string;
}

export interface Tracing {
  /** Whether an SDK was started (an endpoint is set). */
  readonly enabled: boolean;
  readonly serviceName: string;
  /** Flushes pending spans and stops the SDK; safe to call more than once. */
  shutdown(): Promise<void>;
}

let running: Tracing | undefined;

/**
 * Starts tracing for this process as `serviceName` (overridden by `OTEL_SERVICE_NAME`) when an
 * OTLP endpoint is configured. Once started, later calls return the running one.
 */
export function startTracing(serviceName: string, env: TracingEnv = process.env): Tracing {
  if (running) return running;
  const name = env.OTEL_SERVICE_NAME?.trim() || serviceName;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint?.trim() || env.OTEL_SDK_DISABLED === 'true') {
    return { enabled: false, serviceName: name, shutdown: () => Promise.resolve() };
  }
  // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and appends /v1/traces itself; the
  // batch processor reads OTEL_BSP_* (schedule delay, queue sizes).
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': name }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes would drown the traces that matter.
        ignoreIncomingRequestHook: (request) => isHousekeeping(request.url),
      }),
      new UndiciInstrumentation(),
      // PostgreSQL queries through `pg` (a real server); PGlite runs in-process and has no spans.
      // Only spans under a request: pool housekeeping and pollers would be traces of their own.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  let stopped: Promise<void> | undefined;
  const shutdown = () =>
    (stopped ??= (async () => {
      unregister();
      await provider.shutdown();
    })());
  running = { enabled: true, serviceName: name, shutdown };
  onTracingShutdown(shutdown);
  return running;
}

function isHousekeeping(url: string | undefined): boolean {
  const path = url?.split('?')[0] ?? '';
  return path === '/metrics' || path.startsWith('/health');
}
