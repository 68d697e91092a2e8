/** Runs the catalog subgraph from the environment until SIGINT/SIGTERM. */
import './tracing'; // first: OpenTelemetry hooks http before anything else loads it
import { createLogger, runService } from '@learncraft/kit';
import { loadConfig } from './config';
import { startCatalogSubgraph } from './server';

runService('catalog', async () => {
  const config = loadConfig(process.env);
  const logger = createLogger('catalog', config.LOG_LEVEL);
  return { service: await startCatalogSubgraph({ config, logger }), logger };
});
