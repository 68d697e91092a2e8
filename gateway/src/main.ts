/** Runs the gateway from the environment: `npm start -w @learncraft/gateway`. */
import { createLogger } from '@learncraft/kit';
import { loadConfig } from './config';
import { startGateway } from './gateway';

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const gateway = await startGateway({ config, logger });
  logger.info(`gateway ready at ${gateway.url}`, { subgraphs: gateway.subgraphs.map((s) => s.name) });

  const shutdown = (signal: string) => {
    logger.info(`${signal} received, draining`);
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
