/** Runs the gateway from the environment: `npm start -w @learncraft/gateway`. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@learncraft/kit';
import { loadConfig } from './config';
import { startGateway } from './gateway';
import { createStaticHandler } from './static';

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const hasWebApp = existsSync(join(config.WEB_DIST_DIR, 'index.html'));
  const staticHandler = hasWebApp ? createStaticHandler(config.WEB_DIST_DIR) : undefined;
  if (!hasWebApp) logger.info(`no web app at ${config.WEB_DIST_DIR}; serving the API only`);
  const gateway = await startGateway({ config, logger, staticHandler });
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
