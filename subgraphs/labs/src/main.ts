/** Runs the labs subgraph from the environment until SIGINT/SIGTERM. */
import './tracing'; // first: OpenTelemetry hooks http before anything else loads it
import { createLogger, runService } from '@learncraft/kit';
import { loadConfig } from './config';
import { startLabsSubgraph } from './server';

runService('labs', async () => {
  const config = loadConfig(process.env);
  const logger = createLogger('labs', config.LOG_LEVEL);
  return { service: await startLabsSubgraph({ config, logger }), logger };
});
