/** Runs the progress subgraph from the environment until SIGINT/SIGTERM. */
import './tracing'; // first: OpenTelemetry hooks http before anything else loads it
import { createLogger, runService } from '@learncraft/kit';
import { loadConfig } from './config';
import { startProgressSubgraph } from './server';

runService('progress', async () => {
  const config = loadConfig(process.env);
  const logger = createLogger('progress', config.LOG_LEVEL);
  return { service: await startProgressSubgraph({ config, logger }), logger };
});
