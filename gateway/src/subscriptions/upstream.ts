/**
 * Upstream subscriptions from the gateway to subgraphs over graphql-ws. Identical upstream
 * subscriptions (same subgraph, document, variables and subject) share one stream; the last
 * listener leaving closes it. One WebSocket per (subgraph, subject) carries that subject's
 * streams, authenticated with the freshest token a client of that subject presented. A subgraph
 * that goes away is reconnected with backoff (streams resume without clients resubscribing) until
 * `reconnectWindowMs` has passed without a connection; then listeners get an error.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ExecutionResult } from 'graphql';
import type { Logger, Metrics } from '@learncraft/kit';

export interface UpstreamRequest {
  serviceName: string;
  operation: string;
  operationName?: string;
  variables: Record<string, unknown>;
  /** Who the stream is for (the token's subject, or "anonymous"): streams are never shared across subjects. */
  subject: string;
  authorization: string | null;
}

export interface UpstreamListener {
  next(result: ExecutionResult): void;
  error(error: Error): void;
  complete(): void;
}

export interface UpstreamHubOptions {
  /** The subgraph's graphql-ws URL (ws://host:port/graphql). */
  wsUrlFor(serviceName: string): string;
  reconnectWindowMs: number;
  logger: Logger;
  metrics: Metrics;
}

interface Connection {
  client: Client;
  authorization: string | null;
  streams: number;
  lostAt: number | null;
}

interface Stream {
  listeners: Set<UpstreamListener>;
  connectionKey: string;
  unsubscribe: () => void;
}

export class UpstreamHub {
  private readonly connections = new Map<string, Connection>();
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly options: UpstreamHubOptions) {}

  get activeStreams(): number {
    return this.streams.size;
  }

  get activeConnections(): number {
    return this.connections.size;
  }

  /** Adds a listener to the shared stream for `request`; returns the function that removes it. */
  subscribe(request: UpstreamRequest, listener: UpstreamListener): () => void {
    const key = JSON.stringify([request.serviceName, request.subject, request.operation, request.variables]);
    let stream = this.streams.get(key);
    if (!stream) {
      stream = this.open(key, request);
      this.streams.set(key, stream);
    } else {
      // A later client of the same subject may hold a fresher token than the connection's.
      const connection = this.connections.get(stream.connectionKey);
      if (connection && request.authorization) connection.authorization = request.authorization;
    }
    stream.listeners.add(listener);
    const opened = stream;
    return () => {
      opened.listeners.delete(listener);
      if (opened.listeners.size === 0 && this.streams.get(key) === opened) this.close(key, opened);
    };
  }

  async dispose(): Promise<void> {
    for (const [key, stream] of this.streams) this.close(key, stream);
    await Promise.all([...this.connections.values()].map((connection) => connection.client.dispose()));
    this.connections.clear();
  }

  private open(key: string, request: UpstreamRequest): Stream {
    const connectionKey = `${request.serviceName}\n${request.subject}`;
    const connection = this.connection(connectionKey, request);
    connection.streams += 1;
    const stream: Stream = { listeners: new Set(), connectionKey, unsubscribe: () => undefined };
    this.options.metrics.inc('upstream_subscriptions_opened_total');
    stream.unsubscribe = connection.client.subscribe<Record<string, unknown>>(
      { query: request.operation, variables: request.variables, operationName: request.operationName },
      {
        next: (result) => {
          for (const listener of stream.listeners) listener.next(result as ExecutionResult);
        },
        error: (error) => {
          const failure = asError(error, request.serviceName);
          for (const listener of stream.listeners) listener.error(failure);
          this.close(key, stream);
        },
        complete: () => {
          for (const listener of stream.listeners) listener.complete();
          this.close(key, stream);
        },
      },
    );
    return stream;
  }

  private close(key: string, stream: Stream): void {
    if (this.streams.get(key) !== stream) return;
    this.streams.delete(key);
    stream.listeners.clear();
    stream.unsubscribe();
    const connection = this.connections.get(stream.connectionKey);
    if (connection && --connection.streams === 0) {
      this.connections.delete(stream.connectionKey);
      void connection.client.dispose();
    }
  }

  private connection(connectionKey: string, request: UpstreamRequest): Connection {
    const existing = this.connections.get(connectionKey);
    if (existing) {
      if (request.authorization) existing.authorization = request.authorization;
      return existing;
    }
    const { reconnectWindowMs, logger } = this.options;
    const connection: Connection = {
      authorization: request.authorization,
      streams: 0,
      lostAt: null,
      client: undefined as never,
    };
    connection.client = createClient({
      url: this.options.wsUrlFor(request.serviceName),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      keepAlive: 10_000,
      connectionParams: () => (connection.authorization ? { authorization: connection.authorization } : {}),
      retryAttempts: Number.MAX_SAFE_INTEGER,
      retryWait: async (retries) => {
        const delay = Math.min(250 * 2 ** retries, 5_000) * (0.75 + Math.random() / 2);
        await new Promise((resolve) => setTimeout(resolve, delay));
      },
      shouldRetry: () => {
        connection.lostAt ??= Date.now();
        const retry = Date.now() - connection.lostAt < reconnectWindowMs;
        if (!retry) logger.warn(`giving up on subgraph ${request.serviceName} after ${reconnectWindowMs} ms`);
        return retry;
      },
      on: {
        connected: () => {
          if (connection.lostAt !== null) logger.info(`reconnected to subgraph ${request.serviceName}`);
          connection.lostAt = null;
        },
        closed: () => {
          connection.lostAt ??= Date.now();
        },
      },
    });
    this.connections.set(connectionKey, connection);
    this.options.metrics.inc('upstream_connections_opened_total');
    return connection;
  }
}

function asError(error: unknown, serviceName: string): Error {
  if (error instanceof Error) return error;
  if (Array.isArray(error)) {
    return new Error(error.map((e: { message?: string }) => e.message ?? String(e)).join('; '));
  }
  const reason = (error as { reason?: string; code?: number } | null)?.reason;
  const code = (error as { code?: number } | null)?.code;
  return new Error(`Subgraph ${serviceName} is unavailable${code ? ` (close ${code}${reason ? `: ${reason}` : ''})` : ''}.`);
}
