/**
 * The LearnCraft gateway over HTTP: @apollo/gateway plans each operation over the static
 * supergraph (never introspection) and @apollo/server serves it at `/graphql` on node:http, with
 * token verification before planning, operation limits, CSRF prevention and error masking. Also
 * `/health`, `/health/subgraphs`, `/metrics`, the partner docs at `/docs`, and an optional
 * static-file hook for the web app.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { GraphQLError, parse } from 'graphql';
import {
  ConfigError,
  DEFAULT_OPERATION_LIMITS,
  ErrorCode,
  Metrics,
  SECRET_FILES,
  apolloHandler,
  fragmentsOf,
  listSizesFromSdl,
  operationCost,
  operationLimitRules,
  operationTooComplex,
  operationResolutionPlugin,
  secretFromDataDir,
  type ListSizes,
  type OperationLimits,
  createLogger,
  createTokenVerifier,
  sendGraphQLError,
  sendJson,
  type Logger,
  type TokenVerifier,
} from '@learncraft/kit';
import { metricsPlugin, OperationNames, operationNamesIn, runWithRequestId } from '@learncraft/kit'; // observability
import { isProduction, persistedOperationsMode, type GatewayConfig } from './config';
import { SubgraphDataSource, type GatewayContext } from './dataSource';
import { dedupingHandler } from './execution/dedup';
import { planExecutingGateway } from './execution';
import { formatGatewayError } from './errors';
import { checkSubgraphs } from './health';
import { clientAddressOf } from './clientAddress';
import { terminalProxy } from './terminalProxy';
import { WEBHOOK_PATHS, webhookProxy } from './webhookProxy';
import { revocationListFor } from './revocations';
import { createCredentialsResolver, httpApiKeyExchange } from './apiKeys';
import { resolveEndpoints, supergraphEndpoints, type SubgraphEndpoint } from './supergraph';
import { createDocsSite, type DocsSite } from './docs';
import { attachSubscriptionServer, type SubscriptionLimits, type SubscriptionServer } from './subscriptions';
import { rateLimitGateFor, type RateLimitGate } from './rateLimit';
import {
  createSafelist,
  loadPersistedDocuments,
  manifestCache,
  type PersistedDocuments,
  type SafelistRequest,
} from './persisted';

/** Serves a non-GraphQL GET (the web app's files); returns true when it answered the request. */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface GatewayOptions {
  config: GatewayConfig;
  /** The composed supergraph; read from `config.SUPERGRAPH_PATH` when absent. */
  supergraphSdl?: string;
  verifier?: TokenVerifier;
  logger?: Logger;
  metrics?: Metrics;
  staticHandler?: StaticHandler;
  /** The first-party persisted documents; read from `config.PERSISTED_DOCUMENTS_PATH` when absent. */
  persistedDocuments?: PersistedDocuments;
  /** The partner docs; rendered from `config.API_SCHEMA_PATH` and `config.PARTNER_DOCS_DIR` when absent. */
  docs?: DocsSite;
  subscriptionLimits?: Partial<SubscriptionLimits>;
  /**
   * Which executor runs query plans: LearnCraft's (src/execution, the default) or Apollo's
   * `executeQueryPlan` (kept for the differential tests and the benchmark's comparison).
   */
  executor?: 'learncraft' | 'apollo';
}

export interface RunningGateway {
  /** `http://<host>:<port>/graphql` */
  readonly url: string;
  readonly port: number;
  readonly metrics: Metrics;
  /** The subgraphs this gateway routes to, overrides applied. */
  readonly subgraphs: readonly SubgraphEndpoint[];
  /** The underlying server, for attaching a WebSocket (graphql-ws) endpoint at `/graphql`. */
  readonly httpServer: Server;
  /** The planner/executor, for executing subscription plans outside Apollo Server. */
  readonly apolloGateway: ApolloGateway;
  /** The graphql-ws endpoint: upstream stream counts and counters for subscriptions. */
  readonly subscriptions: SubscriptionServer;
  close(): Promise<void>;
}

/** Health pings are for load balancers and operators: a short deadline, never the full timeout. */
const HEALTH_TIMEOUT_MS = 2_000;

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const metrics = options.metrics ?? new Metrics();
  const tokenVerifier =
    options.verifier ??
    createTokenVerifier(
      config.JWT_PUBLIC_KEY ? { publicKeyPem: config.JWT_PUBLIC_KEY } : { jwksUrl: config.IDENTITY_JWKS_URL },
    );
  // Configuration errors first, before anything that polls or listens is started.
  const supergraphSdl = options.supergraphSdl ?? readSupergraph(config.SUPERGRAPH_PATH);
  const subgraphs = resolveEndpoints(supergraphEndpoints(supergraphSdl), config.subgraphUrlOverrides);
  const readySubgraphs = requiredSubgraphs(subgraphs, config.READY_SUBGRAPHS);
  const revocations = await revocationListFor(config, logger);
  const verifier = revocations.guard(tokenVerifier);
  if (!config.INTERNAL_API_SECRET)
    logger.info('INTERNAL_API_SECRET is not set: API keys cannot be exchanged and are refused');
  const credentials = createCredentialsResolver({
    verifier,
    exchange: config.INTERNAL_API_SECRET
      ? httpApiKeyExchange(config.IDENTITY_INTERNAL_URL, config.INTERNAL_API_SECRET)
      : null,
    // The reason names identity's URL and status, never the key (it only travels in the body).
    onExchangeError: (error) =>
      logger.warn('identity did not answer an API-key exchange', { reason: String(error) }),
    onExchange: (outcome) => metrics.inc(`api_key_exchanges_${outcome}_total`),
  });
  metrics.gauge('api_key_cache_entries', () => credentials.cachedKeys);
  const docs =
    options.docs ??
    createDocsSite({ apiSchemaPath: config.API_SCHEMA_PATH, guidesDir: config.PARTNER_DOCS_DIR });
  const byName = new Map(subgraphs.map((endpoint) => [endpoint.name, endpoint]));
  const production = isProduction(config);
  const limits: OperationLimits = {
    ...DEFAULT_OPERATION_LIMITS,
    maxDepth: config.MAX_DEPTH,
    maxAliases: config.MAX_ALIASES,
    maxDirectives: config.MAX_DIRECTIVES,
    maxCost: config.MAX_COST,
    maxTokens: config.MAX_TOKENS,
    exposeLimits: !production,
  };
  const limitRules = operationLimitRules(limits);
  const listSizes = listSizesFromSdl(parse(supergraphSdl));
  const gatewaySecret = secretFromDataDir(config.GATEWAY_SECRET, config.DATA_DIR, SECRET_FILES.gateway);
  const rateLimits = await rateLimitGateFor(config, logger.child('rate-limits'));
  const persistedDocuments =
    options.persistedDocuments ?? loadPersistedDocuments(config.PERSISTED_DOCUMENTS_PATH);

  const dataSources = new Map<string, SubgraphDataSource>();
  const dataSourceFor = (name: string): SubgraphDataSource => {
    const endpoint = byName.get(name);
    if (!endpoint) throw new ConfigError(`The supergraph routes to an unknown subgraph "${name}".`);
    let dataSource = dataSources.get(name);
    if (!dataSource) {
      dataSource = new SubgraphDataSource({
        endpoint,
        timeoutMs: config.subgraphTimeouts[name] ?? config.SUBGRAPH_TIMEOUT_MS,
        gatewaySecret,
        breaker: {
          failureThreshold: config.SUBGRAPH_BREAKER_FAILURES,
          halfOpenAfterMs: config.SUBGRAPH_BREAKER_HALF_OPEN_MS,
        },
        logger: logger.child(name),
        metrics,
      });
      dataSources.set(name, dataSource);
    }
    return dataSource;
  };

  const apolloLogger = apolloLoggerFrom(logger.child('apollo'));
  const apolloGateway = new ApolloGateway({
    supergraphSdl,
    logger: apolloLogger,
    buildService: ({ name }) => dataSourceFor(name),
  });

  const httpServer = createServer();
  const formatError = formatGatewayError({
    limits,
    log: (error, correlationId) => logger.error('unexpected error', { correlationId, error }),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway:
      options.executor === 'apollo'
        ? apolloGateway
        : planExecutingGateway({
            apolloGateway,
            supergraphSdl,
            dataSourceFor,
            onFallback: () => metrics.inc('operations_apollo_executor_total'),
          }),
    logger: apolloLogger,
    nodeEnv: config.NODE_ENV,
    csrfPrevention: true,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: limitRules,
    // Ids from the first-party manifest only; nothing is registered at run time (src/persisted).
    persistedQueries: { cache: manifestCache(persistedDocuments) },
    formatError: (formatted, error) => {
      const result = formatError(formatted, error);
      if (result.extensions?.code === ErrorCode.OPERATION_TOO_COMPLEX)
        metrics.inc('operations_rejected_total');
      if (result.extensions?.code === ErrorCode.RATE_LIMITED) metrics.inc('rate_limited_errors_total');
      return result;
    },
    plugins: [
      operationResolutionPlugin(),
      metricsPlugin(metrics, new OperationNames(operationNamesIn(persistedDocuments.values()))), // observability
      costLimitPlugin(
        limits,
        listSizes,
        rateLimits,
        createSafelist({ mode: persistedOperationsMode(config), documents: persistedDocuments }),
      ),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_DRAIN_MS }),
      production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, footer: false }),
      ...(production ? [ApolloServerPluginDisableSuggestions()] : []),
    ],
  });
  await apollo.start();

  const context = async (req: IncomingMessage): Promise<GatewayContext> => {
    metrics.inc('graphql_requests_total');
    const { viewer, apiKey, authorization } = await credentials
      .resolve(req.headers.authorization)
      .catch((error: unknown) => {
        if (error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED)
          metrics.inc('unauthenticated_requests_total');
        throw error;
      });
    return {
      viewer,
      apiKey,
      authorization,
      clientAddress: clientAddressOf(req, config.TRUSTED_PROXY_HOPS),
      rateLimit: null,
    };
  };
  const apolloGraphql = apolloHandler(apollo, { maxBodyBytes: config.MAX_BODY_BYTES, context });
  const graphql = config.DEDUPLICATE_IN_FLIGHT
    ? dedupingHandler({
        server: apollo,
        context,
        maxBodyBytes: config.MAX_BODY_BYTES,
        fallback: apolloGraphql,
        onShared: () => {
          metrics.inc('graphql_requests_total');
          metrics.inc('graphql_requests_deduplicated_total');
        },
      })
    : apolloGraphql;

  const commerce = byName.get('commerce');
  const webhooks = commerce
    ? webhookProxy({
        commerceUrl: commerce.url,
        gatewaySecret,
        logger: logger.child('webhooks'),
        timeoutMs: config.SUBGRAPH_TIMEOUT_MS,
      })
    : null;

  const healthTimeoutMs = Math.min(HEALTH_TIMEOUT_MS, config.SUBGRAPH_TIMEOUT_MS);
  let closing: Promise<void> | undefined;

  httpServer.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handle = async () => {
      if (path === '/graphql') return graphql(req, res);
      if (webhooks && (WEBHOOK_PATHS as readonly string[]).includes(path)) return webhooks(req, res, path);
      const readOnly = req.method === 'GET' || req.method === 'HEAD';
      if (readOnly && (path === '/health' || path === '/health/live'))
        return sendJson(res, 200, { status: 'ok', service: 'gateway' });
      if (readOnly && path === '/health/ready') {
        if (closing) return sendJson(res, 503, { status: 'draining', service: 'gateway' });
        const report = await checkSubgraphs(readySubgraphs, healthTimeoutMs);
        return sendJson(res, report.status === 'ok' ? 200 : 503, {
          status: report.status === 'ok' ? 'ok' : 'unavailable',
          service: 'gateway',
          subgraphs: report.subgraphs,
        });
      }
      if (readOnly && path === '/health/subgraphs') {
        const report = await checkSubgraphs(
          subgraphs,
          healthTimeoutMs,
          (name) => dataSourceFor(name).breaker.state,
        );
        return sendJson(res, report.status === 'ok' ? 200 : 503, report);
      }
      if (readOnly && path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return void res.end(await metrics.render()); // observability: prom-client renders asynchronously
      }
      if (path === '/docs' || path.startsWith('/docs/')) {
        if (docs.handle(req, res, path)) return;
        // Never the web app's SPA fallback: a mistyped docs address is a 404.
        return sendJson(res, 404, { error: 'not found' });
      }
      if (readOnly && options.staticHandler && (await options.staticHandler(req, res))) return;
      sendJson(res, 404, { error: 'not found' });
    };
    // observability: a request id per request (the client's when well-formed), echoed in the response.
    runWithRequestId(req, res, true, handle).catch((error: unknown) => {
      logger.error('request failed', { path, error });
      if (!res.headersSent)
        sendGraphQLError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
      else res.end();
    });
  });

  // Lab terminals are relayed to the labs subgraph when the supergraph has one.
  const labs = byName.get('labs');
  const subscriptions = attachSubscriptionServer({
    httpServer,
    supergraphSdl,
    serviceMap: Object.fromEntries(
      subgraphs.map((endpoint) => [endpoint.name, dataSourceFor(endpoint.name)]),
    ),
    subgraphUrls: Object.fromEntries(subgraphs.map((endpoint) => [endpoint.name, endpoint.url])),
    authenticate: (authorization) => credentials.resolve(authorization),
    logger,
    metrics,
    validationRules: limitRules,
    gatewayHeaders: { 'x-learncraft-gateway': gatewaySecret },
    hideSuggestions: production,
    exposeLimits: limits.exposeLimits,
    clientAddressOf: (req) => clientAddressOf(req, config.TRUSTED_PROXY_HOPS),
    upgrades: labs
      ? {
          '/labs/terminal': terminalProxy({
            labsUrl: labs.url,
            gatewaySecret,
            logger: logger.child('terminal'),
            metrics,
          }),
        }
      : {},
    chargeSubscription: rateLimits
      ? (connection, operation, cost) => rateLimits.chargeSubscription(connection, operation, cost)
      : undefined,
    checkOperation: ({ schema, operation, fragments, variables }) => {
      const cost = operationCost(schema, operation, fragments, variables, listSizes);
      return {
        cost,
        error:
          cost > limits.maxCost
            ? operationTooComplex('cost', cost, limits.maxCost, limits.exposeLimits)
            : undefined,
      };
    },
    formatError,
    executeOperation: (request, contextValue) => apollo.executeOperation(request, { contextValue }),
    dataSourceContext: (authorization) =>
      ({
        viewer: null,
        apiKey: null,
        authorization,
        clientAddress: null,
        rateLimit: null,
      }) satisfies GatewayContext,
    limits: {
      maxSocketsPerUser: config.MAX_SOCKETS_PER_USER,
      maxCostPerSocket: limits.maxCost,
      maxTokens: limits.maxTokens,
      ...options.subscriptionLimits,
    },
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.PORT, config.HOST, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${urlHost(config.HOST)}:${port}/graphql`;
  logger.debug('gateway ready', { url, subgraphs: subgraphs.map((s) => s.name) });

  return {
    url,
    port,
    metrics,
    subgraphs,
    httpServer,
    apolloGateway,
    subscriptions,
    // Subscribers are told first (1001); then Apollo drains in-flight requests and closes the server.
    close: () =>
      (closing ??= (async () => {
        await subscriptions.close();
        await apollo.stop();
        await Promise.all([...dataSources.values()].map((dataSource) => dataSource.close()));
        await revocations.close();
        await rateLimits?.close();
      })()),
  };
}

/**
 * Cost depends on `first`/`last` variables, so it is checked once the operation and this request's
 * variables are known (Apollo caches validation per document). The same estimate is then charged
 * against the caller's rate limit (src/rateLimit), before anything executes. The first-party
 * safelist (src/persisted) is checked first, so a refused document spends nothing. A GraphQLError
 * thrown here becomes the response, with the status (and `retry-after`) in its `extensions.http`.
 */
function costLimitPlugin(
  limits: OperationLimits,
  listSizes: ListSizes,
  rateLimits: RateLimitGate | null,
  safelist: (request: SafelistRequest) => GraphQLError | null,
): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: async ({ schema, document, operation, request, contextValue }) => {
          if (!operation) return;
          const refused = safelist(request);
          if (refused) throw refused;
          const cost = operationCost(
            schema,
            operation,
            fragmentsOf(document),
            request.variables ?? {},
            listSizes,
          );
          if (cost > limits.maxCost)
            throw operationTooComplex('cost', cost, limits.maxCost, limits.exposeLimits);
          await rateLimits?.charge(contextValue, operation, cost);
        },
        willSendResponse: ({ contextValue, response }) => {
          rateLimits?.settle(contextValue, response.http.headers);
          return Promise.resolve();
        },
      }),
  };
}

/** The subgraphs `/health/ready` waits for: the named ones (each must exist), else all of them. */
function requiredSubgraphs(subgraphs: SubgraphEndpoint[], names: string[] | undefined): SubgraphEndpoint[] {
  if (!names) return subgraphs;
  return names.map((name) => {
    const endpoint = subgraphs.find((subgraph) => subgraph.name === name);
    if (!endpoint)
      throw new ConfigError(
        `READY_SUBGRAPHS names ${name}, which is not in the supergraph (${subgraphs.map((s) => s.name).join(', ')}).`,
      );
    return endpoint;
  });
}

function readSupergraph(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read the supergraph at ${path} (${(error as Error).message}); run \`npm run compose\` or set SUPERGRAPH_PATH.`,
    );
  }
}

/** Apollo's loggers take any value; ours takes a message string. */
function apolloLoggerFrom(logger: Logger) {
  return {
    debug: (message: unknown) => logger.debug(String(message)),
    info: (message: unknown) => logger.info(String(message)),
    warn: (message: unknown) => logger.warn(String(message)),
    error: (message: unknown) => logger.error(String(message)),
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
