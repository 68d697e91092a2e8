/** Runs the gateway from the environment until SIGINT/SIGTERM (the built web app is served at `/`). */
import './tracing'; // first: OpenTelemetry hooks http before anything else loads it
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, runService } from '@learncraft/kit';
import { loadConfig } from './config';
import { startGateway } from './gateway';
import { createStaticHandler } from './static';

runService('gateway', async () => {
  const config = loadConfig(process.env);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const hasWebApp = existsSync(join(config.WEB_DIST_DIR, 'index.html'));
  if (!hasWebApp) logger.info(`no web app at ${config.WEB_DIST_DIR}; serving the API only`);
  const staticHandler = hasWebApp ? createStaticHandler(config.WEB_DIST_DIR) : undefined;
  const gateway = await startGateway({ config, logger, staticHandler });
  logger.info(`gateway ready at ${gateway.url}`, { subgraphs: gateway.subgraphs.map((s) => s.name) });
  return { service: gateway, logger };
});
