/**
 * The OpenTelemetry SDK of one process, loaded by tracing.ts only when an OTLP endpoint is set:
 * a tracer provider exporting OTLP/HTTP JSON in batches, W3C trace context, and the http, undici
 * and pg instrumentations.
 */
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Starts the SDK as `serviceName`; the returned function flushes and stops it. */
export function startSdk(serviceName: string): () => Promise<void> {
  // The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and appends /v1/traces itself; the
  // batch processor reads OTEL_BSP_* (schedule delay, queue sizes).
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
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
  return async () => {
    unregister();
    await provider.shutdown();
  };
}

function isHousekeeping(url: string | undefined): boolean {
  const path = url?.split('?')[0] ?? '';
  return path === '/metrics' || path.startsWith('/health');
}
