/**
 * Process entry points: start a service, close it once on SIGINT/SIGTERM, exit non-zero with a
 * one-line reason when it cannot start. Every subgraph's and the gateway's `main.ts` uses it.
 */
import type { Logger } from './logger';
import { shutdownTracing } from './spans';

export interface Closable {
  close(): Promise<void>;
}

export function runService(name: string, start: () => Promise<{ service: Closable; logger: Logger }>): void {
  start().then(
    ({ service, logger }) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info(`received ${signal}, shutting down`);
        service
          .close()
          // Spans of the last requests are still batched: flush them before the process goes.
          .then(() => shutdownTracing())
          .then(
            () => process.exit(0),
            (error: unknown) => {
              logger.error('shutdown failed', { error });
              process.exit(1);
            },
          );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    },
    (error: unknown) => {
      process.stderr.write(
        `${name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
