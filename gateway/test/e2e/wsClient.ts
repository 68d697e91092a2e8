/**
 * A test subscriber: a real graphql-ws client over a real WebSocket, collecting results in order.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Received {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export interface TestSubscription {
  /** Resolves with the next result (or rejects after `timeoutMs`). */
  next(timeoutMs?: number): Promise<Received>;
  /** Resolves when the server completes or errors the subscription. */
  readonly ended: Promise<'complete' | { error: unknown }>;
  readonly received: Received[];
  unsubscribe(): void;
}

export interface TestClient {
  client: Client;
  /** Resolves with the close event code once the socket closes. */
  closed: Promise<number>;
  /** Resolves once the server acknowledged `connection_init`. */
  connected: Promise<void>;
  subscribe(query: string, variables?: Record<string, unknown>): TestSubscription;
  dispose(): Promise<void>;
}

export function connect(httpUrl: string, token?: string): TestClient {
  let resolveClosed: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  let resolveConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (resolveConnected = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      connected: () => resolveConnected(),
      closed: (event) => resolveClosed((event as { code: number }).code),
    },
  });
  return {
    client,
    closed,
    connected,
    subscribe(query, variables = {}) {
      const received: Received[] = [];
      const waiters: ((result: Received) => void)[] = [];
      let end: (value: 'complete' | { error: unknown }) => void = () => undefined;
      const ended = new Promise<'complete' | { error: unknown }>((resolve) => (end = resolve));
      const unsubscribe = client.subscribe(
        { query, variables },
        {
          next: (result) => {
            const waiter = waiters.shift();
            if (waiter) waiter(result as Received);
            else received.push(result as Received);
          },
          error: (error) => end({ error }),
          complete: () => end('complete'),
        },
      );
      return {
        received,
        ended,
        unsubscribe,
        next(timeoutMs = 10_000) {
          const queued = received.shift();
          if (queued) return Promise.resolve(queued);
          return new Promise<Received>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no event within ${timeoutMs} ms`)), timeoutMs);
            waiters.push((result) => {
              clearTimeout(timer);
              resolve(result);
            });
          });
        },
      };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}

export async function waitFor(
  condition: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
