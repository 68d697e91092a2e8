/** @learncraft/gateway: the federated GraphQL gateway over HTTP. */
export { startGateway, type GatewayOptions, type RunningGateway, type StaticHandler } from './gateway';
export { loadConfig, gatewayConfigSchema, DEFAULT_SUPERGRAPH_PATH, type GatewayConfig } from './config';
export { SubgraphDataSource, type GatewayContext } from './dataSource';
export {
  SubgraphBreaker,
  CircuitOpenError,
  isSubgraphFailure,
  type BreakerSettings,
  type CircuitStateName,
} from './breaker';
export {
  supergraphEndpoints,
  resolveEndpoints,
  subgraphUrlVariable,
  type SubgraphEndpoint,
} from './supergraph';
export { checkSubgraphs, type SubgraphHealth, type SubgraphsHealthReport } from './health';
export { createStaticHandler } from './static';
