/** Runs the ai subgraph from the environment until SIGINT/SIGTERM. */
import './tracing'; // first: OpenTelemetry hooks http before anything else loads it
import { createLogger, runService } from '@learncraft/kit';
import { loadConfig } from './config';
import { startAiSubgraph } from './server';

runService('ai', async () => {
  const config = loadConfig(process.env);
  const logger = createLogger('ai', config.LOG_LEVEL);
  return { service: await startAiSubgraph({ config, logger }), logger };
});
