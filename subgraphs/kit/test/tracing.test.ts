import { trace } from '@opentelemetry/api';
import { startTracing } from '../src/tracing';
import { currentTraceId, traceHeaders, withSpan } from '../src';

describe('tracing switched off', () => {
  it('starts no SDK when no OTLP endpoint is set', async () => {
    const tracing = startTracing('catalog', {});
    expect({ enabled: tracing.enabled, serviceName: tracing.serviceName }).toEqual({
      enabled: false,
      serviceName: 'catalog',
    });
    // The API's no-op tracer: spans are not recording and carry no trace id.
    const traceId = await withSpan('db.query', { 'db.system': 'postgresql' }, () =>
      Promise.resolve(currentTraceId()),
    );
    expect(traceId).toBeUndefined();
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect(traceHeaders()).toEqual({});
  });

  it('takes the service name from OTEL_SERVICE_NAME when it is set', () => {
    expect(startTracing('catalog', { OTEL_SERVICE_NAME: 'catalog-eu' }).serviceName).toBe('catalog-eu');
  });

  it('stays off when the SDK is disabled even with an endpoint', () => {
    const tracing = startTracing('catalog', {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SDK_DISABLED: 'true',
    });
    expect(tracing.enabled).toBe(false);
  });
});
