/**
 * The gateway's graphql-ws endpoint (`graphql-transport-ws`) on the same `/graphql` path as HTTP.
 * The access token travels in `connection_init` (`{ authorization: "Bearer …" }`) and is verified
 * like on HTTP: missing or invalid → close 4403; no `connection_init` within 3 s → 4408; the socket is closed
 * with 4403 when the token expires. Messages are bounded (64 KiB) and so are subscriptions per
 * socket. Queries and mutations belong on HTTP; subscriptions run through the federated executor.
 */
import type { Server as HttpServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, parse, validate, type ExecutionArgs, type ValidationRule } from 'graphql';
import type { ServiceMap } from '@apollo/gateway';
import {
  ErrorCode,
  Metrics,
  viewerFromAuthorization,
  type Logger,
  type TokenVerifier,
  type Viewer,
} from '@learncraft/kit';
import { federatedSubscription } from './executor';
import { SubscriptionPlanner } from './planner';
import { UpstreamHub } from './upstream';

export interface SubscriptionServerOptions {
  httpServer: HttpServer;
  supergraphSdl: string;
  /** The gateway's data sources, used for the entity fetches of each event. */
  serviceMap: ServiceMap;
  /** HTTP URL of each subgraph's GraphQL endpoint; its WebSocket URL is derived from it. */
  subgraphUrls: Record<string, string>;
  verifier: TokenVerifier;
  logger: Logger;
  metrics?: Metrics;
  validationRules?: readonly ValidationRule[];
  /** Headers the upstream WebSocket upgrades carry (the gateway's credential). */
  gatewayHeaders?: Record<string, string>;
  /** Builds the data-source context for a connection (the gateway forwards `authorization`). */
  dataSourceContext: (authorization: string | null) => Record<string, unknown>;
  limits?: Partial<SubscriptionLimits>;
}

export interface SubscriptionLimits {
  maxPayloadBytes: number;
  maxSubscriptionsPerSocket: number;
  queueLimit: number;
  reconnectWindowMs: number;
  connectionInitWaitTimeoutMs: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = {
  maxPayloadBytes: 64 * 1024,
  maxSubscriptionsPerSocket: 20,
  queueLimit: 100,
  reconnectWindowMs: 30_000,
  connectionInitWaitTimeoutMs: 3_000,
};

type ConnectionExtra = {
  viewer?: Viewer | null;
  authorization?: string | null;
  expiryTimer?: NodeJS.Timeout;
};

export interface SubscriptionServer {
  readonly hub: UpstreamHub;
  readonly metrics: Metrics;
  /** Closes every client socket with 1001 (going away) and every upstream stream. */
  close(): Promise<void>;
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

  let openSockets = 0;
  metrics.gauge('ws_connections_active', () => openSockets);
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  options.httpServer.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/graphql') return void socket.destroy();
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });

  const cleanup = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      schema: planner.apiSchema,
      connectionInitWaitTimeout: limits.connectionInitWaitTimeoutMs,
      onConnect: async (ctx) => {
        const authorization = readAuthorization(ctx.connectionParams);
        // Every stream is personal (progress, labs, tutor replies): a socket must be signed in.
        if (!authorization) return false;
        try {
          const viewer = await viewerFromAuthorization(authorization, options.verifier);
          ctx.extra.viewer = viewer;
          ctx.extra.authorization = authorization;
          if (viewer) {
            const socket = ctx.extra.socket;
            const msLeft = viewer.expiresAt * 1000 - Date.now();
            ctx.extra.expiryTimer = setTimeout(
              () => socket.close(4403, 'Access token expired'),
              Math.max(msLeft, 0),
            );
          }
          metrics.inc('ws_connections_total');
          openSockets += 1;
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => {
        clearTimeout(ctx.extra.expiryTimer);
        if (ctx.acknowledged) openSockets -= 1;
      },
      onSubscribe: (ctx, _id, payload) => {
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
          document = parse(payload.query, { maxTokens: 5_000 });
        } catch (error) {
          return [error as GraphQLError];
        }
        const errors = validate(planner.apiSchema, document, options.validationRules);
        if (errors.length > 0) return errors;
        const args: ExecutionArgs = {
          schema: planner.apiSchema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables ?? {},
          contextValue: ctx.extra,
        };
        return args;
      },
      execute: () => ({
        errors: [
          new GraphQLError('Send queries and mutations over HTTP; this socket carries subscriptions.', {
            extensions: { code: ErrorCode.BAD_USER_INPUT },
          }),
        ],
      }),
      subscribe: (args) => {
        const extra = args.contextValue as ConnectionExtra;
        try {
          return federatedSubscription(deps, {
            document: args.document,
            operationName: args.operationName,
            variables: args.variableValues ?? {},
            subject: extra.viewer?.id ?? 'anonymous',
            authorization: extra.authorization ?? null,
            dataSourceContext: options.dataSourceContext(extra.authorization ?? null),
          });
        } catch (error) {
          logger.error('could not plan subscription', { error });
          return { errors: [new GraphQLError('The subscription could not be planned.')] };
        }
      },
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

function readAuthorization(params: Record<string, unknown> | undefined): string | null {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value === 'string' && value.length > 0) return value;
  const token = params?.accessToken;
  return typeof token === 'string' && token.length > 0 ? `Bearer ${token}` : null;
}
