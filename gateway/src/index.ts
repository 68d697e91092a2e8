/** @learncraft/gateway: the federated GraphQL gateway over HTTP. */
export { startGateway, type GatewayOptions, type RunningGateway, type StaticHandler } from './gateway';
export {
  loadConfig,
  gatewayConfigSchema,
  DEFAULT_SUPERGRAPH_PATH,
  DEFAULT_API_SCHEMA_PATH,
  DEFAULT_PARTNER_DOCS_DIR,
  type GatewayConfig,
} from './config';
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
export { createDocsSite, loadGuides, type DocsSite } from './docs';
export {
  createCredentialsResolver,
  httpApiKeyExchange,
  API_KEY_PREFIX,
  INVALID_API_KEY_MESSAGE,
  type ApiKeyExchange,
  type Credentials,
  type CredentialsResolver,
} from './apiKeys';
export {
  FIRST_PARTY_CLIENTS,
  firstPartyClientOf,
  loadPersistedDocuments,
  type PersistedDocuments,
  type PersistedOperationsMode,
} from './persisted';
