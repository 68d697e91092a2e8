/**
 * The subgraph server every LearnCraft subgraph runs: Apollo Server over node:http at `/graphql`,
 * graphql-ws on the same path for subscriptions, `/health`, `/metrics`, and the subgraph's own
 * extra routes (internal service-to-service endpoints). Closing drains requests and sockets.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode } from 'graphql';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { viewerFromAuthorization, type TokenVerifier, type Viewer } from './auth';
import { maskUnexpectedErrors } from './errors';
import {
  apolloHandler,
  readBody,
  sendGraphQLError,
  sendJson,
  BodyTooLargeError,
  type HttpRoute,
} from './http';
import type { Logger } from './logger';
import { Metrics } from './metrics';

export interface RequestBase {
  viewer: Viewer | null;
  /** The raw `Authorization` header, so a subgraph can call another on the viewer's behalf. */
  authorization: string | null;
  /** The client's address as the gateway forwards it (`x-learncraft-client-address`); null when absent. */
  clientAddress: string | null;
}

export const CLIENT_ADDRESS_HEADER = 'x-learncraft-client-address';

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
  /** Extra routes keyed `"METHOD /path"`, e.g. `"GET /internal/lessons"`. */
  routes?: Record<string, HttpRoute>;
  maxBodyBytes?: number;
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
  const { logger, verifier } = options;
  const metrics = options.metrics ?? new Metrics();
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const schema = buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers }]);
  const httpServer = createServer();
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: 64 * 1024 });
  const wsCleanup = useServer<{ authorization?: string }, { viewer?: Viewer | null }>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        try {
          ctx.extra.viewer = await viewerFromAuthorization(
            typeof authorization === 'string' ? authorization : undefined,
            verifier,
          );
          return true;
        } catch {
          return false;
        }
      },
      context: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        return options.context({
          viewer: ctx.extra.viewer ?? null,
          authorization: typeof authorization === 'string' ? authorization : null,
          clientAddress: null,
        });
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<C>({
    schema,
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: maskUnexpectedErrors((error) => logger.error('unexpected error', { error })),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
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
      const clientAddress = req.headers[CLIENT_ADDRESS_HEADER];
      return options.context({
        viewer,
        authorization,
        clientAddress: typeof clientAddress === 'string' ? clientAddress : null,
      });
    },
  });

  httpServer.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = options.routes?.[`${req.method} ${path}`];
    const handle = async () => {
      if (path === '/graphql') return graphql(req, res);
      if (path === '/health') return sendJson(res, 200, { status: 'ok', service: options.name });
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        return void res.end(metrics.render());
      }
      if (route) return route(req, res, await readBody(req, maxBodyBytes));
      sendJson(res, 404, { error: 'not found' });
    };
    handle().catch((error: unknown) => {
      if (error instanceof BodyTooLargeError)
        return sendGraphQLError(res, 413, 'PAYLOAD_TOO_LARGE', error.message);
      logger.error('request failed', { path, error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://${options.host}:${port}/graphql`;
  logger.info(`subgraph ${options.name} ready at ${url}`);

  let closing: Promise<void> | undefined;
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
