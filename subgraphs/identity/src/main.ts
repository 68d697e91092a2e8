/** Runs the identity subgraph from the environment until SIGINT/SIGTERM. */
import './tracing'; // first: OpenTelemetry hooks http before anything else loads it
import { createLogger, runService } from '@learncraft/kit';
import { loadConfig } from './config';
import { startIdentitySubgraph } from './server';

runService('identity', async () => {
  const config = loadConfig(process.env);
  const logger = createLogger('identity', config.LOG_LEVEL);
  return { service: await startIdentitySubgraph({ config, logger }), logger };
});
