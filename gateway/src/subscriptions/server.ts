/**
 * The gateway's graphql-ws endpoint (`graphql-transport-ws`) on the same `/graphql` path as HTTP.
 * The access token (or an API key, exchanged like on HTTP) travels in `connection_init`
 * (`{ authorization: "Bearer …" }`) and is verified like on HTTP: missing or invalid → close 4403; no `connection_init` within 3 s → 4408; the socket is closed
 * with 4403 when the token expires; one user holding `maxSocketsPerUser` sockets → 4429.
 *
 * Every operation is checked like on HTTP before anything is sent upstream: graphql-js's
 * `specifiedRules` plus the gateway's own rules, variable coercion, and the gateway's per-request
 * check (the cost limit). A failure is a graphql-ws `error` message carrying the GraphQL errors.
 * Subscriptions run through the federated executor; queries and mutations through the gateway's
 * Apollo Server (`executeOperation`), so they pass the same limits, auth and masking as on HTTP.
 * Every error sent on the socket goes through the gateway's HTTP error formatter.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import type { ServiceMap } from '@apollo/gateway';
import type { GraphQLRequest, GraphQLResponse } from '@apollo/server';
import { ErrorCode, Metrics, maskUnexpectedErrors, type Logger, type Viewer } from '@learncraft/kit';
import type { Credentials } from '../apiKeys';
import type { VerifiedApiKey } from '../rateLimit/subject';
import { federatedSubscription } from './executor';
import { SubscriptionPlanner } from './planner';
import { UpstreamHub } from './upstream';

/** What a per-request check sees: the validated operation and this request's coerced variables. */
export interface OperationCheckRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  fragments: (name: string) => FragmentDefinitionNode | undefined;
  variables: Record<string, unknown>;
}

/** A per-request check's verdict: an error refuses the operation; a subscription's cost is budgeted. */
export interface OperationCheck {
  error?: GraphQLError;
  /** Counts toward the socket's `maxCostPerSocket` while the subscription lasts. */
  cost?: number;
}

/** The auth context a socket operation runs with (the gateway's Apollo context). */
export interface SocketContext {
  viewer: Viewer | null;
  /** The API key the socket was opened with (its minted token is `authorization`). */
  apiKey: VerifiedApiKey | null;
  authorization: string | null;
  /** The socket's peer address, forwarded like on HTTP (log-in limits per address). */
  clientAddress: string | null;
}

export interface SubscriptionServerOptions {
  httpServer: HttpServer;
  supergraphSdl: string;
  /** The gateway's data sources, used for the entity fetches of each event. */
  serviceMap: ServiceMap;
  /** HTTP URL of each subgraph's GraphQL endpoint; its WebSocket URL is derived from it. */
  subgraphUrls: Record<string, string>;
  /** The gateway's credential check (HTTP's): access tokens verified, API keys exchanged. */
  authenticate: (authorization: string) => Promise<Credentials>;
  logger: Logger;
  metrics?: Metrics;
  /** Rules run in addition to graphql-js's `specifiedRules` (the gateway's depth and alias limits). */
  validationRules?: readonly ValidationRule[];
  /** Other WebSocket endpoints of the gateway by path (the lab terminal proxy). */
  upgrades?: Record<string, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>;
  /** Headers the upstream WebSocket upgrades carry (the gateway's credential). */
  gatewayHeaders?: Record<string, string>;
  /** Omits "Did you mean …?" from validation errors (production, as on HTTP). */
  hideSuggestions?: boolean;
  /** Says the limit and the measured value in limit errors (development only, as on HTTP). */
  exposeLimits?: boolean;
  /** The end client's address for an upgrade request (as on HTTP: the peer, or a trusted proxy's entry). */
  clientAddressOf?: (req: IncomingMessage) => string | null;
  /** A check that needs the variables (the gateway's cost limit); its error refuses the operation. */
  checkOperation?: (request: OperationCheckRequest) => OperationCheck;
  /**
   * Charges a subscription's subscribe cost (`checkOperation`'s) to the connection's rate limit;
   * the error it returns is sent on that subscription instead of starting it.
   */
  chargeSubscription?: (
    connection: SocketContext,
    operation: OperationDefinitionNode,
    cost: number,
  ) => Promise<GraphQLError | undefined>;
  /** Formats every error sent on the socket; the gateway passes its HTTP `formatError`. */
  formatError?: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /**
   * Runs a query or mutation sent over the socket (the gateway's `ApolloServer.executeOperation`).
   * Without it, queries and mutations are refused with BAD_USER_INPUT.
   */
  executeOperation?: (request: GraphQLRequest, context: SocketContext) => Promise<GraphQLResponse>;
  /** Builds the data-source context for a connection (the gateway forwards `authorization`). */
  dataSourceContext: (authorization: string | null) => Record<string, unknown>;
  limits?: Partial<SubscriptionLimits>;
}

export interface SubscriptionLimits {
  maxPayloadBytes: number;
  /** Operations (subscriptions, and queries in flight) one socket may hold at once. */
  maxSubscriptionsPerSocket: number;
  /** Concurrent sockets of one user (token subject) on this gateway process; more → close 4429. */
  maxSocketsPerUser: number;
  /** The summed `checkOperation` cost of one socket's active subscriptions. */
  maxCostPerSocket: number;
  maxTokens: number;
  queueLimit: number;
  reconnectWindowMs: number;
  /**
   * How long a subject's upstream connection to a subgraph stays open after its last stream ends,
   * so short subscriptions in a row (a tutor reply after each question) reuse it.
   */
  upstreamIdleMs: number;
  connectionInitWaitTimeoutMs: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = {
  maxPayloadBytes: 64 * 1024,
  maxSubscriptionsPerSocket: 20,
  maxSocketsPerUser: 5,
  maxCostPerSocket: 50_000,
  maxTokens: 5_000,
  queueLimit: 100,
  reconnectWindowMs: 30_000,
  upstreamIdleMs: 10_000,
  connectionInitWaitTimeoutMs: 3_000,
};

/** Close code for a user over `maxSocketsPerUser` (4400-4499: clients must not retry at once). */
export const TOO_MANY_CONNECTIONS = 4429;

type ConnectionExtra = {
  viewer?: Viewer | null;
  apiKey?: VerifiedApiKey | null;
  authorization?: string | null;
  clientAddress?: string | null;
  expiryTimer?: NodeJS.Timeout;
  /** Set once this socket counts toward its user's socket cap. */
  countedFor?: string;
  /** The budgeted cost of each active subscription, by operation id. */
  costs?: Map<string, number>;
};

/** The `contextValue` graphql-ws hands back to `execute`/`subscribe`. */
interface OperationContext {
  connection: ConnectionExtra;
  query: string;
  variables: Record<string, unknown>;
}

export interface SubscriptionServer {
  readonly hub: UpstreamHub;
  readonly metrics: Metrics;
  /** Closes every client socket with 1001 (going away) and every upstream stream. */
  close(): Promise<void>;
}

/** An error that has already been formatted (by Apollo Server's pipeline): sent as it is. */
class FormattedError extends GraphQLError {
  constructor(readonly formatted: GraphQLFormattedError) {
    super(formatted.message, { extensions: formatted.extensions });
  }
}

export function attachSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const limits = { ...DEFAULT_SUBSCRIPTION_LIMITS, ...options.limits };
  const metrics = options.metrics ?? new Metrics();
  const logger = options.logger.child('subscriptions');
  const planner = new SubscriptionPlanner(options.supergraphSdl);
  const hub = new UpstreamHub({
    wsUrlFor: (name) => {
      const url = options.subgraphUrls[name];
      if (!url) throw new Error(`unknown subgraph ${name}`);
      return url.replace(/^http/, 'ws');
    },
    headers: options.gatewayHeaders,
    reconnectWindowMs: limits.reconnectWindowMs,
    idleMs: limits.upstreamIdleMs,
    logger,
    metrics,
  });
  metrics.gauge('upstream_streams_active', () => hub.activeStreams);
  metrics.gauge('upstream_connections_active', () => hub.activeConnections);
  const deps = {
    planner,
    hub,
    serviceMap: options.serviceMap,
    logger,
    metrics,
    queueLimit: limits.queueLimit,
  };
  const rules = [...specifiedRules, ...(options.validationRules ?? [])];
  const format =
    options.formatError ?? maskUnexpectedErrors((error) => logger.error('unexpected error', { error }));
  // As Apollo Server does before its formatError: `extensions.http` is for HTTP responses only.
  const formatErrors = (errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((error) => {
      if (error instanceof FormattedError) return error.formatted;
      const { http: _http, ...extensions } = error.extensions;
      const formatted = error.toJSON();
      return format({ ...formatted, extensions }, error);
    });

  let openSockets = 0;
  const socketsPerUser = new Map<string, number>();
  metrics.gauge('ws_connections_active', () => openSockets);
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  options.httpServer.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/graphql') {
      const route = options.upgrades?.[path];
      return route ? route(req, socket, head) : void socket.destroy();
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });

  /** Everything HTTP checks before execution; returns the errors, or the operation to run. */
  const check = (
    document: DocumentNode,
    operationName: string | null | undefined,
    rawVariables: Record<string, unknown>,
  ): readonly GraphQLError[] | { operation: OperationDefinitionNode; cost: number } => {
    const schema = planner.apiSchema;
    const invalid = validate(schema, document, rules, { hideSuggestions: options.hideSuggestions });
    if (invalid.length > 0) return invalid.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED'));
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName
        ? `Unknown operation named "${operationName}".`
        : 'Must provide operation name if query contains multiple operations.';
      return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    }
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, {
      maxErrors: 20,
      hideSuggestions: options.hideSuggestions ?? false,
    });
    if (coerced.errors) return coerced.errors.map((error) => withCode(error, ErrorCode.BAD_USER_INPUT));
    const fragments = (name: string) =>
      document.definitions.find(
        (definition): definition is FragmentDefinitionNode =>
          definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === name,
      );
    const verdict = options.checkOperation?.({
      schema,
      document,
      operation,
      fragments,
      variables: coerced.coerced,
    });
    return verdict?.error ? [verdict.error] : { operation, cost: verdict?.cost ?? 0 };
  };

  // graphql-ws answers a client sending a server's message type, or a duplicate id too long for a
  // close reason, with 4500 (an internal error); the protocol says 4400 for an unexpected message.
  // This listener runs before graphql-ws's, whose own close then does nothing.
  wsServer.on('connection', (socket: WebSocket) =>
    socket.on('message', (data: Buffer) => {
      if (isUnexpectedMessage(data)) socket.close(4400, 'Invalid message received');
    }),
  );

  const cleanup = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema: planner.apiSchema,
      connectionInitWaitTimeout: limits.connectionInitWaitTimeoutMs,
      // Close reasons of internal failures never carry the error's message, whatever NODE_ENV says.
      isProd: true,
      onConnect: async (ctx) => {
        const authorization = readAuthorization(ctx.connectionParams);
        // Every stream is personal (progress, labs, tutor replies): a socket must be signed in.
        if (!authorization) return false;
        let credentials: Credentials;
        try {
          credentials = await options.authenticate(authorization);
        } catch {
          return false;
        }
        // A person or a key: each holds its own sockets (key ids and user ids are both uuids).
        const principal = credentials.apiKey?.id ?? credentials.viewer?.id;
        if (!principal || credentials.expiresAt === null) return false;
        const socket = ctx.extra.socket;
        const held = socketsPerUser.get(principal) ?? 0;
        if (held >= limits.maxSocketsPerUser) {
          metrics.inc('ws_connections_refused_total');
          // Closed here with its own code; graphql-ws's 4403 for `false` is then a no-op.
          socket.close(TOO_MANY_CONNECTIONS, 'Too many connections');
          return false;
        }
        socketsPerUser.set(principal, held + 1);
        ctx.extra.countedFor = principal;
        ctx.extra.viewer = credentials.viewer;
        ctx.extra.apiKey = credentials.apiKey;
        // Upstream gets what HTTP's subgraphs get: for a key, the token minted for it.
        ctx.extra.authorization = credentials.authorization;
        ctx.extra.clientAddress = options.clientAddressOf
          ? options.clientAddressOf(ctx.extra.request)
          : (ctx.extra.request.socket.remoteAddress ?? null);
        // A key's socket ends with its minted token; the client reconnects with the key.
        const msLeft = credentials.expiresAt * 1000 - Date.now();
        ctx.extra.expiryTimer = setTimeout(
          () => socket.close(4403, 'Access token expired'),
          Math.max(msLeft, 0),
        );
        metrics.inc('ws_connections_total');
        openSockets += 1;
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
        if (ctx.acknowledged) openSockets -= 1;
        const user = ctx.extra.countedFor;
        if (user !== undefined) {
          const held = (socketsPerUser.get(user) ?? 1) - 1;
          if (held > 0) socketsPerUser.set(user, held);
          else socketsPerUser.delete(user);
          ctx.extra.countedFor = undefined;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        // Refused by the listener above, or the socket is going: nothing more is started for it.
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return [socketClosing()];
        // graphql-ws has already registered this subscription's id when onSubscribe runs.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(`At most ${limits.maxSubscriptionsPerSocket} subscriptions per connection.`, {
              extensions: { code: ErrorCode.OPERATION_TOO_COMPLEX },
            }),
          ];
        }
        let document;
        try {
          document = parse(payload.query, { maxTokens: limits.maxTokens });
        } catch (error) {
          // Anything but graphql-js's GraphQLError (a stack overflow, say) is masked.
          if (!(error instanceof GraphQLError))
            return [new GraphQLError('parse failed', { originalError: asError(error) })];
          return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
        }
        const checked = check(document, payload.operationName, payload.variables ?? {});
        if (isErrorList(checked)) return checked;
        if (checked.operation.operation === OperationTypeNode.SUBSCRIPTION) {
          const costs = (ctx.extra.costs ??= new Map<string, number>());
          const total = checked.cost + [...costs.values()].reduce((sum, cost) => sum + cost, 0);
          if (total > limits.maxCostPerSocket) {
            const exposed = options.exposeLimits ?? false;
            return [
              new GraphQLError(
                exposed
                  ? `The subscriptions of this connection would cost ${total}, over the limit of ${limits.maxCostPerSocket}.`
                  : 'The subscriptions of this connection would be too costly; end one first.',
                {
                  extensions: {
                    code: ErrorCode.OPERATION_TOO_COMPLEX,
                    limit: 'socketCost',
                    ...(exposed ? { value: total, maximum: limits.maxCostPerSocket } : {}),
                  },
                },
              ),
            ];
          }
          const limited = await options.chargeSubscription?.(
            {
              viewer: ctx.extra.viewer ?? null,
              apiKey: ctx.extra.apiKey ?? null,
              authorization: ctx.extra.authorization ?? null,
              clientAddress: ctx.extra.clientAddress ?? null,
            },
            checked.operation,
            checked.cost,
          );
          if (limited) return [limited];
          try {
            planner.plan(document, payload.operationName); // cached: `subscribe` reuses this plan
          } catch (error) {
            // A valid document the planner cannot handle is our fault: masked, with the original logged.
            return [
              new GraphQLError('The subscription could not be planned.', { originalError: asError(error) }),
            ];
          }
          costs.set(id, checked.cost); // released in onComplete
        } else if (!options.executeOperation) {
          return [
            new GraphQLError('Send queries and mutations over HTTP; this socket carries subscriptions.', {
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            }),
          ];
        }
        // The request's own variables go on, as on HTTP (coercion above only checked them).
        const variables = payload.variables ?? {};
        const contextValue: OperationContext = { connection: ctx.extra, query: payload.query, variables };
        const args: ExecutionArgs = {
          schema: planner.apiSchema,
          document,
          operationName: payload.operationName,
          variableValues: variables,
          contextValue,
        };
        return args;
      },
      execute: async (args) => {
        const { connection, query, variables } = args.contextValue as OperationContext;
        if (!options.executeOperation) throw new Error('queries are refused in onSubscribe');
        // Apollo Server runs its whole pipeline again (limits, plugins, formatError), as for HTTP.
        let response: GraphQLResponse;
        try {
          response = await options.executeOperation(
            { query, variables, operationName: args.operationName ?? undefined },
            {
              viewer: connection.viewer ?? null,
              apiKey: connection.apiKey ?? null,
              authorization: connection.authorization ?? null,
              clientAddress: connection.clientAddress ?? null,
            },
          );
        } catch (error) {
          // A throw here would close the socket with 4500; the client gets a masked error instead.
          return { errors: [new GraphQLError('execution failed', { originalError: asError(error) })] };
        }
        if (response.body.kind !== 'single') {
          return {
            errors: [
              new GraphQLError('Incremental delivery (@defer, @stream) is available over HTTP only.', {
                extensions: { code: ErrorCode.BAD_USER_INPUT },
              }),
            ],
          };
        }
        return formattedResult(response.body.singleResult);
      },
      subscribe: (args) => {
        const { connection } = args.contextValue as OperationContext;
        try {
          return federatedSubscription(deps, {
            document: args.document,
            operationName: args.operationName,
            variables: args.variableValues ?? {},
            subject: connection.apiKey
              ? `key:${connection.apiKey.id}`
              : (connection.viewer?.id ?? 'anonymous'),
            authorization: connection.authorization ?? null,
            dataSourceContext: options.dataSourceContext(connection.authorization ?? null),
          });
        } catch (error) {
          return {
            errors: [
              new GraphQLError('The subscription could not be planned.', { originalError: asError(error) }),
            ],
          };
        }
      },
      // graphql-ws calls this for every operation that got past onSubscribe, however it ended.
      onComplete: (ctx, id) => {
        ctx.extra.costs?.delete(id);
      },
      onNext: (_ctx, _id, _payload, _args, result): FormattedExecutionResult => {
        const { errors, ...rest } = result;
        return errors?.length ? { ...rest, errors: formatErrors(errors) } : rest;
      },
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
    },
    wsServer,
  );

  return {
    hub,
    metrics,
    async close() {
      for (const client of wsServer.clients) client.close(1001, 'Gateway shutting down');
      await cleanup.dispose();
      await hub.dispose();
      wsServer.close();
    },
  };
}

/** Apollo Server's already formatted result, as graphql-ws's ExecutionResult. */
function formattedResult(result: FormattedExecutionResult): ExecutionResult {
  const { errors, ...rest } = result;
  return errors?.length ? { ...rest, errors: errors.map((error) => new FormattedError(error)) } : rest;
}

/** Apollo labels graphql-js's parse, validation and coercion errors; the socket does the same. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (typeof error.extensions.code === 'string') return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

const SERVER_MESSAGE_TYPES = new Set(['connection_ack', 'next', 'error']);
/** graphql-ws clients use UUIDs; a close reason (which may quote the id) holds at most 123 bytes. */
const MAX_ID_LENGTH = 64;

function isUnexpectedMessage(data: Buffer): boolean {
  try {
    const message = JSON.parse(data.toString('utf8')) as { type?: unknown; id?: unknown } | null;
    if (typeof message?.type === 'string' && SERVER_MESSAGE_TYPES.has(message.type)) return true;
    return typeof message?.id === 'string' && message.id.length > MAX_ID_LENGTH;
  } catch {
    return false; // graphql-ws closes with 4400 itself
  }
}

function socketClosing(): GraphQLError {
  return new GraphQLError('The connection is closing.', { extensions: { code: ErrorCode.BAD_USER_INPUT } });
}

function isErrorList(value: readonly GraphQLError[] | object): value is readonly GraphQLError[] {
  return Array.isArray(value);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function readAuthorization(params: Record<string, unknown> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value === 'string' && value.length > 0) return value;
  const token = params?.accessToken;
  return typeof token === 'string' && token.length > 0 ? `Bearer ${token}` : null;
}
