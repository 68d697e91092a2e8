/**
 * How the gateway talks to one subgraph: the configured URL, the client's `Authorization` header
 * forwarded (every subgraph verifies the token again), a hard per-request timeout and a circuit
 * breaker. A subgraph that is down, hangs or answers garbage fails only its part of the query
 * plan: the rest of the response is still delivered, with an error that names the subgraph; once
 * it keeps failing, its breaker opens and that error comes at once instead of after the timeout.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import {
  CLIENT_ADDRESS_HEADER,
  ErrorCode,
  GATEWAY_HEADER,
  type Logger,
  type Metrics,
  type Viewer,
} from '@learncraft/kit';
import { CIRCUIT_GAUGE, CircuitOpenError, SubgraphBreaker, type BreakerSettings } from './breaker';
import type { SubgraphEndpoint } from './supergraph';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** Per-request context of the gateway's Apollo Server. */
export interface GatewayContext {
  viewer: Viewer | null;
  /** The client's raw `Authorization` header, forwarded to subgraphs as is. */
  authorization: string | null;
  /** The client's address (the socket's peer), forwarded for per-address limits such as log-in. */
  clientAddress: string | null;
}

export interface SubgraphDataSourceOptions {
  endpoint: SubgraphEndpoint;
  timeoutMs: number;
  /** The gateway's credential, added to every request (subgraphs refuse requests without it). */
  gatewaySecret: string;
  breaker: BreakerSettings;
  logger: Logger;
  metrics: Metrics;
}

export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly options: SubgraphDataSourceOptions;
  readonly breaker: SubgraphBreaker;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.endpoint.url });
    this.options = options;
    this.fetcher = timeoutFetcher(options.timeoutMs);
    this.breaker = new SubgraphBreaker(options.breaker);
    const { name } = options.endpoint;
    options.metrics.gauge('subgraph_circuit_state', () => CIRCUIT_GAUGE[this.breaker.state], {
      subgraph: name,
    });
    this.breaker.onStateChange((state) => {
      if (state === 'open') options.logger.warn('circuit opened: failing fast', { subgraph: name });
      else options.logger.info(`circuit ${state}`, { subgraph: name });
    });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Only operations carry a client context; health checks and schema loads have none.
    const context =
      'incomingRequestContext' in options ? (options.context as Partial<GatewayContext>) : undefined;
    const headers = options.request.http?.headers;
    headers?.set(GATEWAY_HEADER, this.options.gatewaySecret);
    if (context?.authorization) headers?.set('authorization', context.authorization);
    if (context?.clientAddress) headers?.set(CLIENT_ADDRESS_HEADER, context.clientAddress);
  }

  /**
   * Never throws: a failed fetch becomes a response carrying only errors, so the gateway keeps the
   * data other subgraphs returned and tags the error with `serviceName`.
   */
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    try {
      return await this.breaker.execute(() => super.process(options));
    } catch (error) {
      const { name } = this.options.endpoint;
      const errors = subgraphErrors(error) ?? [this.unavailable(error)];
      this.options.metrics.inc('subgraph_errors_total');
      // The breaker already logged that it opened; one line per rejected request is noise.
      if (error instanceof CircuitOpenError)
        this.options.metrics.inc('subgraph_requests_short_circuited_total');
      else this.options.logger.warn('subgraph request failed', { subgraph: name, reason: describe(error) });
      return { errors };
    }
  }

  private unavailable(error: unknown): GraphQLFormattedError {
    const { name } = this.options.endpoint;
    return {
      message: `Subgraph "${name}" ${failureReason(error, this.options.timeoutMs)}.`,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: name },
    };
  }
}

/** `fetch` with a deadline covering connect, headers and body. */
export function timeoutFetcher(timeoutMs: number): Fetcher {
  return (url, init = {}) =>
    fetch(url, {
      method: init.method,
      headers: init.headers,
      body: typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
}

/**
 * A non-2xx answer that still carries GraphQL errors (say 401 UNAUTHENTICATED from the subgraph's
 * own token check) is passed on as those errors, without the raw response (it holds internal URLs).
 */
function subgraphErrors(error: unknown): GraphQLFormattedError[] | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const response = error.extensions.response as { status?: number; body?: unknown } | undefined;
  const body = response?.body;
  if (typeof body !== 'object' || body === null || !('errors' in body) || !Array.isArray(body.errors))
    return undefined;
  const errors = (body.errors as unknown[]).filter(
    (entry): entry is GraphQLFormattedError =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as { message?: unknown }).message === 'string',
  );
  return errors.length > 0 ? errors : undefined;
}

/** Completes `Subgraph "posts" ...` in terms a client can act on, without hostnames or stack traces. */
function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof CircuitOpenError)
    return 'is unavailable: it failed repeatedly, so requests are paused briefly';
  // Checked by name: the abort reason is a DOMException, not necessarily an Error of this realm.
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `did not answer within ${timeoutMs} ms`;
  }
  if (error instanceof GraphQLError) {
    const status = (error.extensions.response as { status?: number } | undefined)?.status;
    if (typeof status === 'number') return `is unavailable: it answered HTTP ${status}`;
  }
  const code = networkCode(error);
  if (code === 'ECONNREFUSED') return 'is unavailable: connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'is unavailable: connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'is unavailable: host not found';
  if (code) return `is unavailable: ${code}`;
  return 'is unavailable: invalid response';
}

function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, hops = 0; current && hops < 4; hops++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describe(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}${networkCode(error) ? ` (${networkCode(error)})` : ''}`
    : String(error);
}
