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
import { onTracingShutdown } from './spans';
import type { startSdk } from './tracingSdk';

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
  // The SDK is loaded only now: a process without an endpoint never pays for it (~200 ms of load).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, before http loads
  const sdk = require('./tracingSdk') as { startSdk: typeof startSdk };
  const stop = sdk.startSdk(name);
  let stopped: Promise<void> | undefined;
  const shutdown = () => (stopped ??= stop());
  running = { enabled: true, serviceName: name, shutdown };
  onTracingShutdown(shutdown);
  return running;
}
