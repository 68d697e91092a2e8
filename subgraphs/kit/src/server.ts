/**
 * The subgraph server every LearnCraft subgraph runs: Apollo Server over node:http at `/graphql`,
 * graphql-ws on the same path for subscriptions, `/health`, `/metrics`, and the subgraph's own
 * extra routes (internal service-to-service endpoints). Closing drains requests and sockets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { apiKeyOperationError, apiKeyScopesFromSdl, type ApiKeyFieldScopes } from './apiKeys';
import { viewerFromAuthorization, type ApiKeyPrincipal, type TokenVerifier, type Viewer } from './auth';
import { ErrorCode, maskUnexpectedErrors, unauthenticated } from './errors';
import { tracingPlugin } from './spans';
import { metricsPlugin } from './operationMetrics';
import { runWithRequestId } from './requestId';
import {
  apolloHandler,
  readBody,
  sendGraphQLError,
  sendJson,
  BodyTooLargeError,
  type HttpRoute,
} from './http';
import type { SubgraphEnv } from './config';
import {
  CLIENT_ADDRESS_HEADER,
  GATEWAY_HEADER,
  INTERNAL_HEADER,
  SECRET_FILES,
  isGatewayCaller,
  isInternalCaller,
  secretFromDataDir,
} from './internal';
import {
  DEFAULT_OPERATION_LIMITS,
  costLimitError,
  isLimitViolation,
  listSizesFromSdl,
  operationLimitRules,
  subgraphLimits,
  tokenLimitOf,
  type ListSizes,
  type OperationLimits,
} from './limits';
import type { Logger } from './logger';
import { Metrics } from './metrics';
import { operationResolutionPlugin } from './operations';
import { RATE_LIMIT_HEADER, decodeRateLimitStatus, type RateLimitStatus } from './rateLimitStatus';

export interface RequestBase {
  /** The signed-in person; null when anonymous or when an API key sends the request. */
  viewer: Viewer | null;
  /**
   * The API key the request is sent with (acting as its organization); null otherwise. Root
   * fields it may call are checked before execution (`@apiKeyScope`, apiKeys.ts).
   */
  apiKey: ApiKeyPrincipal | null;
  /** The raw `Authorization` header, so a subgraph can call another on the viewer's behalf. */
  authorization: string | null;
  /** The end client's address as the gateway saw it (null on WebSocket and for tooling). */
  clientAddress: string | null;
  /** This request's rate-limit figures as the gateway computed them (`Query.rateLimit`); null when absent. */
  rateLimit?: RateLimitStatus | null;
}

/** Who sent an operation: the gateway, or operator tooling with the internal secret. */
type Caller = 'gateway' | 'tooling';

export interface SubgraphServerOptions<C extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<C>;
  host: string;
  port: number;
  verifier: TokenVerifier;
  logger: Logger;
  metrics?: Metrics;
  /** Builds the per-request context (stores, fresh DataLoaders) from the verified viewer. */
  context: (base: RequestBase) => C | Promise<C>;
  /**
   * Extra WebSocket endpoints by path (e.g. labs' `/terminal`), reached through the gateway: the
   * kit has already checked the gateway's credential when the handler is called.
   */
  upgrades?: Record<string, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  /** Extra routes keyed `"METHOD /path"`, e.g. `"GET /internal/lessons"`. */
  routes?: Record<string, HttpRoute>;
  maxBodyBytes?: number;
  /**
   * The variables every subgraph parses (`subgraphEnv`): the gateway's credential (every operation
   * must carry it; generated into DATA_DIR when unset), the internal secret (operator tooling, the
   * only caller allowed introspection) and the request timeout.
   */
  config: Pick<SubgraphEnv, 'DATA_DIR' | 'GATEWAY_SECRET' | 'INTERNAL_API_SECRET' | 'REQUEST_TIMEOUT_MS'> &
    Partial<Pick<SubgraphEnv, 'SHUTDOWN_DRAIN_MS'>>;
  /** Limits of the gateway this subgraph sits behind; the kit adds the room query plans need. */
  limits?: OperationLimits;
  /**
   * `GET /internal/backup` (internal secret): the subgraph's embedded database as a gzipped
   * tarball (`Database.snapshot`), `null` when its data is on a real server (`npm run backup`).
   */
  backup?: () => Promise<Blob | null>;
  /** Readiness: throws when a store the subgraph needs does not answer (`/health/ready`). */
  ready?: () => Promise<void>;
  onClose?: () => Promise<void>;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export function loadSchemaFile(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

export async function startSubgraph<C extends BaseContext>(
  options: SubgraphServerOptions<C>,
): Promise<RunningServer> {
  const { logger, verifier, config } = options;
  const gatewaySecret = secretFromDataDir(config.GATEWAY_SECRET, config.DATA_DIR, SECRET_FILES.gateway);
  const internalSecret = config.INTERNAL_API_SECRET;
  const metrics = options.metrics ?? new Metrics();
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const requestTimeoutMs = config.REQUEST_TIMEOUT_MS;
  const limits = subgraphLimits(options.limits ?? DEFAULT_OPERATION_LIMITS);
  const listSizes = listSizesFromSdl(options.typeDefs);
  const apiKeyScopes = apiKeyScopesFromSdl(options.typeDefs);
  const limitRules = operationLimitRules(limits);
  const schema = buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]);
  const formatError = maskUnexpectedErrors((error, correlationId) =>
    logger.error('unexpected error', { correlationId, error }),
  );
  const callerOf = (headers: IncomingMessage['headers']): Caller | undefined =>
    isInternalCaller(headers[INTERNAL_HEADER], internalSecret)
      ? 'tooling'
      : isGatewayCaller(headers[GATEWAY_HEADER], gatewaySecret)
        ? 'gateway'
        : undefined;

  const httpServer = createServer({ requestTimeout: requestTimeoutMs + 5_000 });
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  // Every WebSocket comes from the gateway (upstream subscriptions, proxied lab terminals):
  // anyone else is refused before the upgrade.
  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = path === '/graphql' ? undefined : options.upgrades?.[path];
    if (path !== '/graphql' && !route) return refuseUpgrade(socket, 404, 'Not Found');
    if (!isGatewayCaller(req.headers[GATEWAY_HEADER], gatewaySecret))
      return refuseUpgrade(socket, 401, 'Unauthorized');
    if (route) return route(req, socket, head);
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  // One gateway connection multiplexes the subscriptions of many people: each `subscribe` carries
  // its own token in `extensions.authorization`, verified here exactly as an HTTP request's header
  // (a bad one refuses that subscription alone with UNAUTHENTICATED). A token in `connection_init`
  // is the default for subscriptions that carry none (one connection per person, as before).
  // observability: open sockets, and the subscriptions running on them (graphql-ws's own records).
  const subscribedSockets = new Set<{ subscriptions: Record<string, unknown> }>();
  metrics.gauge('ws_connections_active', () => wsServer.clients.size);
  metrics.gauge('subscriptions_active', () =>
    [...subscribedSockets].reduce((total, ctx) => total + Object.keys(ctx.subscriptions).length, 0),
  );
  const wsCleanup = useServer<{ authorization?: unknown }, { viewers?: Map<string, SocketPrincipal> }>(
    {
      schema,
      // A connection-wide token is checked up front, as before: a bad one is refused with 4403.
      onConnect: async (ctx) => {
        const authorization = socketAuthorization(undefined, ctx.connectionParams);
        if (!authorization) return true;
        return viewerFromAuthorization(authorization, verifier).then(
          () => true,
          () => false,
        );
      },
      onSubscribe: async (ctx, id, payload) => {
        subscribedSockets.add(ctx); // observability
        const authorization = socketAuthorization(payload.extensions, ctx.connectionParams);
        let viewer: Viewer | null;
        try {
          viewer = await viewerFromAuthorization(authorization, verifier);
        } catch (error) {
          const refused = error instanceof GraphQLError ? error : null;
          return [refused ?? unauthenticated('The access token could not be verified.')];
        }
        const errors = checkSocketOperation(schema, payload, limits, limitRules, listSizes, {
          apiKey: viewer?.apiKey ?? null,
          scopes: apiKeyScopes,
        });
        if (errors.length > 0) return errors;
        (ctx.extra.viewers ??= new Map()).set(id, { viewer, authorization });
      },
      // Events are masked like HTTP answers: an unexpected error never leaves with its message.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors
          ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) }
          : undefined,
      // A subscription refused after onSubscribe (graphql-ws's own validation) never reaches
      // `context`: its principal goes here instead of staying with the connection.
      onError: (ctx, id) => {
        ctx.extra.viewers?.delete(id);
      },
      onComplete: (ctx, id) => {
        ctx.extra.viewers?.delete(id);
      },
      onClose: (ctx) => void subscribedSockets.delete(ctx), // observability
      context: async (ctx, id) => {
        const principal = ctx.extra.viewers?.get(id);
        ctx.extra.viewers?.delete(id);
        return options.context({
          ...principalOf(principal?.viewer ?? null),
          authorization: principal?.authorization ?? null,
          clientAddress: null,
        });
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<C>({
    schema,
    csrfPrevention: true,
    introspection: true, // gated per caller by introspectionPlugin
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: limitRules,
    formatError: (formatted, error) => {
      if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED') {
        const tokens = tokenLimitFormatted(error, limits);
        if (tokens) return tokens;
      }
      // Apollo relabels every validation error GRAPHQL_VALIDATION_FAILED, limit violations included.
      if (isLimitViolation(error)) {
        const { http: _http, ...extensions } = formatted.extensions ?? {};
        return { ...formatted, extensions: { ...extensions, code: ErrorCode.OPERATION_TOO_COMPLEX } };
      }
      return formatError(formatted, error);
    },
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // No subgraph gives cache hints, so the cache-control plugin's per-field hooks only ever
      // concluded `no-store`: that header is set once per response instead.
      ApolloServerPluginCacheControlDisabled(),
      uncacheableResponsesPlugin(),
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: config.SHUTDOWN_DRAIN_MS ?? 10_000,
      }),
      operationResolutionPlugin(),
      subgraphGuardPlugin(limits, listSizes, apiKeyScopes),
      tracingPlugin(), // observability: one span per operation (spans.ts)
      metricsPlugin(metrics), // observability: duration and count per operation (operationMetrics.ts)
      {
        serverWillStart: () => Promise.resolve({ drainServer: async () => void (await wsCleanup.dispose()) }),
      },
    ],
  });
  await apollo.start();

  const graphql = apolloHandler(apollo, {
    maxBodyBytes,
    context: async (req: IncomingMessage) => {
      metrics.inc('graphql_requests_total');
      const authorization = req.headers.authorization ?? null;
      const viewer = await viewerFromAuthorization(authorization, verifier);
      const caller = callerOf(req.headers);
      const address = req.headers[CLIENT_ADDRESS_HEADER];
      const fromGateway = caller === 'gateway';
      const context = await options.context({
        ...principalOf(viewer),
        authorization,
        clientAddress: fromGateway && typeof address === 'string' ? address : null,
        rateLimit: fromGateway ? decodeRateLimitStatus(req.headers[RATE_LIMIT_HEADER]) : null,
      });
      return Object.assign(context, { [CALLER]: caller ?? 'gateway' });
    },
  });

  const serveGraphQL = async (req: IncomingMessage, res: ServerResponse) => {
    if (!callerOf(req.headers)) {
      metrics.inc('graphql_requests_refused_total');
      return sendGraphQLError(
        res,
        401,
        ErrorCode.UNAUTHENTICATED,
        'This service accepts operations from the LearnCraft gateway only.',
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), requestTimeoutMs);
    });
    const outcome = await Promise.race([graphql(req, res).then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout' && !res.headersSent) {
      metrics.inc('graphql_requests_timed_out_total');
      logger.warn('request timed out', { timeoutMs: requestTimeoutMs });
      sendGraphQLError(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The request took too long.');
    }
  };

  let closing: Promise<void> | undefined;
  httpServer.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = options.routes?.[`${req.method} ${path}`];
    const handle = async () => {
      if (path === '/graphql') return serveGraphQL(req, res);
      if (path === '/health' || path === '/health/live')
        return sendJson(res, 200, { status: 'ok', service: options.name });
      if (path === '/health/ready') return sendReadiness(res);
      if (path === '/internal/backup' && req.method === 'GET') return sendBackup(req, res);
      if (path === '/metrics') {
        const text = await metrics.render(); // prom-client renders asynchronously
        res.writeHead(200, { 'content-type': metrics.contentType });
        return void res.end(text);
      }
      if (route) return route(req, res, await readBody(req, maxBodyBytes));
      sendJson(res, 404, { error: 'not found' });
    };
    // observability: the request id of every log line; kept from the gateway and internal callers only.
    runWithRequestId(req, res, callerOf(req.headers) !== undefined, handle).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError)
        return sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', error.message);
      logger.error('request failed', { path, error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  async function sendBackup(req: IncomingMessage, res: ServerResponse) {
    if (!isInternalCaller(req.headers[INTERNAL_HEADER], internalSecret))
      return sendJson(res, 403, { error: 'forbidden' });
    const snapshot = options.backup ? await options.backup() : null;
    if (!snapshot)
      return sendJson(res, 409, {
        error: 'NOT_EMBEDDED',
        message: `${options.name} keeps no embedded database here: back its server up with its own tools (README: Backup and recovery).`,
      });
    const body = Buffer.from(await snapshot.arrayBuffer());
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
    res.end(body);
  }

  async function sendReadiness(res: ServerResponse) {
    if (closing) return sendJson(res, 503, { status: 'draining', service: options.name });
    try {
      await Promise.race([
        options.ready?.(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('readiness timed out')), 2_000).unref()),
      ]);
      sendJson(res, 200, { status: 'ok', service: options.name });
    } catch (error) {
      logger.warn('not ready', { error });
      sendJson(res, 503, { status: 'unavailable', service: options.name });
    }
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info(`subgraph ${options.name} ready at ${url}`);

  return {
    url,
    port,
    metrics,
    close: () =>
      (closing ??= (async () => {
        await apollo.stop();
        await options.onClose?.();
      })()),
  };
}

/** Who one socket subscription runs as, verified in `onSubscribe`. */
interface SocketPrincipal {
  viewer: Viewer | null;
  authorization: string | null;
}

/** The subscription's own token (`extensions.authorization`), else the connection's. */
function socketAuthorization(
  extensions: Record<string, unknown> | null | undefined,
  connectionParams: { authorization?: unknown } | undefined,
): string | null {
  const own = extensions?.authorization;
  if (typeof own === 'string' && own.length > 0) return own;
  const shared = connectionParams?.authorization;
  return typeof shared === 'string' && shared.length > 0 ? shared : null;
}

/** A verified token's caller: a person (`viewer`) or an organization's API key (`apiKey`). */
function principalOf(viewer: Viewer | null): Pick<RequestBase, 'viewer' | 'apiKey'> {
  return viewer?.apiKey ? { viewer: null, apiKey: viewer.apiKey } : { viewer, apiKey: null };
}

/** Where a request's context carries its caller, for the plugins (Apollo copies contexts, symbols too). */
const CALLER = Symbol('learncraft.caller');
const callerOfContext = (context: object): Caller | undefined => (context as { [CALLER]?: Caller })[CALLER];

const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '_service']);

/**
 * Per request, after the document is known: introspection and `_service` only for operator
 * tooling, and the pagination-aware cost with this request's variables.
 */
/** Every answer is per request (viewer, entitlements): never stored by a cache on the way. */
function uncacheableResponsesPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse: ({ response }) => {
          response.http.headers.set('cache-control', 'no-store');
          return Promise.resolve();
        },
      }),
  };
}

function subgraphGuardPlugin<C extends BaseContext>(
  limits: OperationLimits,
  listSizes: ListSizes,
  apiKeyScopes: ApiKeyFieldScopes,
): ApolloServerPlugin<C> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ schema, document, operation, request, contextValue }) => {
          if (!operation) return Promise.resolve();
          const introspects = operation.selectionSet.selections.some(
            (selection) => selection.kind === Kind.FIELD && INTROSPECTION_FIELDS.has(selection.name.value),
          );
          if (introspects && callerOfContext(contextValue) !== 'tooling') {
            return Promise.reject(
              new GraphQLError('Introspection is available to operator tooling only.', {
                extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
              }),
            );
          }
          const { apiKey } = contextValue as Partial<RequestBase>;
          const error =
            (apiKey ? apiKeyOperationError(apiKey, document, operation, apiKeyScopes) : null) ??
            costLimitError(schema, document, operation, request.variables ?? {}, limits, listSizes);
          return error ? Promise.reject(error) : Promise.resolve();
        },
      }),
  };
}

function tokenLimitFormatted(error: unknown, limits: OperationLimits) {
  const tokens = tokenLimitOf(error, limits);
  if (!tokens) return undefined;
  const { http: _http, ...extensions } = tokens.extensions;
  return { message: tokens.message, extensions };
}

/**
 * The WebSocket twin of Apollo's checks: parse with the token bound, standard validation plus the
 * limit rules, one operation, no introspection, and the cost with the subscription's variables.
 */
function checkSocketOperation(
  schema: GraphQLSchema,
  payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  limits: OperationLimits,
  limitRules: ReturnType<typeof operationLimitRules>,
  listSizes: ListSizes,
  keys: { apiKey: ApiKeyPrincipal | null; scopes: ApiKeyFieldScopes },
): readonly GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query, { maxTokens: limits.maxTokens });
  } catch (error) {
    return [tokenLimitOf(error, limits) ?? (error as GraphQLError)];
  }
  const errors = validate(schema, document, [...specifiedRules, ...limitRules]);
  if (errors.length > 0) return errors;
  const operation = getOperationAST(document, payload.operationName ?? undefined);
  if (!operation) return [new GraphQLError('The document must name one operation to run.')];
  if (operation.operation !== OperationTypeNode.SUBSCRIPTION)
    return [new GraphQLError('Only subscriptions are served on this socket; send queries over HTTP.')];
  const introspects = operation.selectionSet.selections.some(
    (selection) => selection.kind === Kind.FIELD && INTROSPECTION_FIELDS.has(selection.name.value),
  );
  if (introspects) return [new GraphQLError('Introspection is available to operator tooling only.')];
  const refused = keys.apiKey ? apiKeyOperationError(keys.apiKey, document, operation, keys.scopes) : null;
  if (refused) return [refused];
  const cost = costLimitError(schema, document, operation, payload.variables ?? {}, limits, listSizes);
  return cost ? [cost] : [];
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
