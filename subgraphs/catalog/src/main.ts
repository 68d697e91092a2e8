/** Process entry point: parse the environment, start the catalog subgraph, close cleanly on signals. */
import { createLogger } from '@learncraft/kit';
import { loadConfig } from './config';
import { startCatalogSubgraph } from './server';

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger('catalog', config.LOG_LEVEL);
  const server = await startCatalogSubgraph({ config, logger });
  const shutdown = (signal: string) => {
    logger.info(`received ${signal}, shutting down`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
