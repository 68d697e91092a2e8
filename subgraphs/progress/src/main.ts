/** Runs the progress subgraph from the environment until SIGINT/SIGTERM. */
import { createLogger } from '@learncraft/kit';
import { loadConfig } from './config';
import { startProgressSubgraph } from './server';

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger('progress', config.LOG_LEVEL);
  const server = await startProgressSubgraph({ config, logger });
  const stop = (signal: string) => {
    logger.info(`received ${signal}, shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `progress failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
