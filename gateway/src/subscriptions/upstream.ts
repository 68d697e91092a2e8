/**
 * Upstream subscriptions from the gateway to subgraphs over graphql-ws. Identical upstream
 * subscriptions (same subgraph, document, variables and subject) share one stream; the last
 * listener leaving closes it; streams of different subjects are never shared (what a stream
 * carries depends on who asks). A small pool of WebSockets per subgraph, authenticated as the
 * gateway (its credential in the upgrade headers), multiplexes the streams of every subject: each
 * `subscribe` carries its subject's freshest token in `extensions.authorization`, which the
 * subgraph verifies per subscription as it does an HTTP request's header. A connection takes up
 * to `maxStreamsPerConnection` streams and stays open `idleMs` after its last one ends so the next
 * skips the handshake. A subgraph that goes away is resubscribed with backoff (streams resume
 * without clients resubscribing) until `reconnectWindowMs` has passed without success; then
 * listeners get an error.
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
  /** Headers of the WebSocket upgrade: the gateway's credential, which subgraphs require. */
  headers?: Record<string, string>;
  reconnectWindowMs: number;
  /** How long an unused connection is kept for the next stream (0: closed at once). */
  idleMs?: number;
  /** Streams one upstream WebSocket multiplexes before the pool opens another (default 1,000). */
  maxStreamsPerConnection?: number;
  logger: Logger;
  metrics: Metrics;
}

interface Connection {
  client: Client;
  serviceName: string;
  streams: number;
  /** Set while the connection has no stream: it is closed when this fires. */
  idleTimer?: NodeJS.Timeout;
}

interface Stream {
  listeners: Set<UpstreamListener>;
  connectionKey: string;
  request: UpstreamRequest;
  unsubscribe: () => void;
  /** When the stream lost its upstream; null while it is (or may be) delivering. */
  lostAt: number | null;
  attempt: number;
  retryTimer?: NodeJS.Timeout;
}

/** graphql-ws close codes 4400-4499 are the server's final word (forbidden, bad request, ...). */
const isFinalClose = (code: number) => code >= 4400 && code < 4500;

const DEFAULT_MAX_STREAMS_PER_CONNECTION = 1_000;

export class UpstreamHub {
  private socketImpl: unknown;

  /** `ws` takes upgrade headers per socket; graphql-ws takes a class: one that adds ours. */
  private socketClass(): unknown {
    const headers = this.options.headers ?? {};
    return (this.socketImpl ??= class extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    });
  }

  private readonly connections = new Map<string, Connection>();
  private readonly streams = new Map<string, Stream>();
  /** Connections opened so far: names each pooled connection. */
  private opened = 0;

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
      this.start(key, stream);
    } else if (request.authorization) {
      // A later client of the same subject may hold a fresher token: a resubscribe sends it.
      stream.request = { ...stream.request, authorization: request.authorization };
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
    for (const connection of this.connections.values()) clearTimeout(connection.idleTimer);
    await Promise.all(
      [...this.connections.values()].map((connection) => connection.client.dispose() as Promise<void>),
    );
    this.connections.clear();
  }

  private open(key: string, request: UpstreamRequest): Stream {
    const [connectionKey, connection] = this.connection(request.serviceName);
    clearTimeout(connection.idleTimer);
    connection.idleTimer = undefined;
    connection.streams += 1;
    const stream: Stream = {
      listeners: new Set(),
      connectionKey,
      request,
      unsubscribe: () => undefined,
      lostAt: null,
      attempt: 0,
    };
    this.options.metrics.inc('upstream_subscriptions_opened_total');
    return stream;
  }

  /**
   * (Re)subscribes upstream. A lost connection is retried with jittered exponential backoff (the
   * lazy graphql-ws client reconnects on the new subscribe) until the reconnect window closes;
   * GraphQL errors and final close codes go to the listeners at once.
   */
  private start(key: string, stream: Stream): void {
    const connection = this.connections.get(stream.connectionKey);
    if (!connection || this.streams.get(key) !== stream) return;
    const { request } = stream;
    stream.unsubscribe = connection.client.subscribe<Record<string, unknown>>(
      {
        query: request.operation,
        variables: request.variables,
        operationName: request.operationName,
        extensions: request.authorization ? { authorization: request.authorization } : {},
      },
      {
        next: (result) => {
          stream.lostAt = null;
          stream.attempt = 0;
          for (const listener of stream.listeners) listener.next(result as ExecutionResult);
        },
        error: (error) => {
          if (this.streams.get(key) !== stream) return;
          const closeCode = (error as { code?: unknown } | null)?.code;
          const connectionLost =
            !Array.isArray(error) && !(typeof closeCode === 'number' && isFinalClose(closeCode));
          stream.lostAt ??= Date.now();
          if (connectionLost && Date.now() - stream.lostAt < this.options.reconnectWindowMs) {
            const delay = Math.min(250 * 2 ** stream.attempt, 5_000) * (0.75 + Math.random() / 2);
            stream.attempt += 1;
            this.options.metrics.inc('upstream_reconnect_attempts_total');
            stream.retryTimer = setTimeout(() => this.start(key, stream), delay);
            return;
          }
          if (connectionLost) {
            this.options.logger.warn(
              `giving up on subgraph ${request.serviceName} after ${this.options.reconnectWindowMs} ms`,
            );
          }
          const failure = asError(error, request.serviceName);
          for (const listener of stream.listeners) listener.error(failure);
          this.close(key, stream);
        },
        complete: () => {
          if (this.streams.get(key) !== stream) return;
          for (const listener of stream.listeners) listener.complete();
          this.close(key, stream);
        },
      },
    );
  }

  private close(key: string, stream: Stream): void {
    if (this.streams.get(key) !== stream) return;
    this.streams.delete(key);
    clearTimeout(stream.retryTimer);
    stream.listeners.clear();
    stream.unsubscribe();
    const connection = this.connections.get(stream.connectionKey);
    if (connection && --connection.streams === 0) {
      const release = () => {
        if (connection.streams > 0 || this.connections.get(stream.connectionKey) !== connection) return;
        this.connections.delete(stream.connectionKey);
        void connection.client.dispose();
      };
      const idleMs = this.options.idleMs ?? 0;
      if (idleMs <= 0) return release();
      connection.idleTimer = setTimeout(release, idleMs);
      connection.idleTimer.unref();
    }
  }

  /** The first pooled connection to `serviceName` with room for a stream, or a new one. */
  private connection(serviceName: string): [string, Connection] {
    const limit = this.options.maxStreamsPerConnection ?? DEFAULT_MAX_STREAMS_PER_CONNECTION;
    for (const entry of this.connections) {
      if (entry[1].serviceName === serviceName && entry[1].streams < limit) return entry;
    }
    const connectionKey = `${serviceName}\n${(this.opened += 1)}`;
    const connection: Connection = {
      serviceName,
      streams: 0,
      client: createClient({
        url: this.options.wsUrlFor(serviceName),
        webSocketImpl: this.socketClass(),
        lazy: true,
        // The hub decides when an idle connection closes (idleMs); the client keeps it until then.
        lazyCloseTimeout: this.options.idleMs ?? 0,
        keepAlive: 10_000,
        retryAttempts: 0,
      }),
    };
    this.connections.set(connectionKey, connection);
    this.options.metrics.inc('upstream_connections_opened_total');
    return [connectionKey, connection];
  }
}

function asError(error: unknown, serviceName: string): Error {
  if (error instanceof Error) return error;
  if (Array.isArray(error)) {
    return new Error(
      error
        .map((e: { message?: unknown }) => (typeof e.message === 'string' ? e.message : 'upstream error'))
        .join('; '),
    );
  }
  const { code, reason } = (error ?? {}) as { code?: number; reason?: string };
  return new Error(
    `Subgraph ${serviceName} is unavailable${code ? ` (close ${code}${reason ? `: ${reason}` : ''})` : ''}.`,
  );
}
