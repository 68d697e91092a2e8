/** Runs the commerce subgraph from the environment until SIGINT/SIGTERM. */
import './tracing'; // first: OpenTelemetry hooks http before anything else loads it
import { createLogger, runService } from '@learncraft/kit';
import { loadConfig } from './config';
import { startCommerceSubgraph } from './server';

runService('commerce', async () => {
  const config = loadConfig(process.env);
  const logger = createLogger('commerce', config.LOG_LEVEL);
  return { service: await startCommerceSubgraph({ config, logger }), logger };
});
