/**
 * The services' logger: pino JSON lines (one object per event: time, level, service, component,
 * msg, fields), level from LOG_LEVEL, the current request id and trace id added to every line
 * written while a request's work runs. Never given secrets.
 */
import pino, { type DestinationStream } from 'pino';
import { currentRequestId } from './requestId';
import { currentTraceId } from './spans';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(name: string): Logger;
}

/**
 * A logger for the service `name`. `destination` is for tests (default: stdout, written
 * synchronously so nothing is lost when the process exits).
 */
export function createLogger(
  name: string,
  level: LogLevel = 'info',
  destination?: DestinationStream,
): Logger {
  const root = pino(
    {
      level,
      base: { service: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: pino.stdSerializers.err, err: pino.stdSerializers.err },
      mixin: () => {
        const requestId = currentRequestId();
        const traceId = currentTraceId();
        return { ...(requestId && { requestId }), ...(traceId && { traceId }) };
      },
    },
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
  return wrap(root, root, undefined);
}

/** Children hang off the root, so a line carries one `component` (`a:b` for nested children). */
function wrap(root: pino.Logger, logger: pino.Logger, component: string | undefined): Logger {
  return {
    debug: (message, fields) => logger.debug(fields ?? {}, message),
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
    child: (name) => {
      const path = component ? `${component}:${name}` : name;
      return wrap(root, root.child({ component: path }), path);
    },
  };
}
