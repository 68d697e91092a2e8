/**
 * How the gateway talks to one subgraph: the configured URL, the client's `Authorization` header
 * forwarded (every subgraph verifies the token again), a hard per-request timeout and a circuit
 * breaker. A subgraph that is down, hangs or answers garbage fails only its part of the query
 * plan: the rest of the response is still delivered, with an error that names the subgraph; once
 * it keeps failing, its breaker opens and that error comes at once instead of after the timeout.
 * Requests go over a keep-alive connection pool per subgraph (undici), not a socket per request.
 */
import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { Pool } from 'undici';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import {
  CLIENT_ADDRESS_HEADER,
  ErrorCode,
  GATEWAY_HEADER,
  RATE_LIMIT_HEADER,
  encodeRateLimitStatus,
  observeSubgraphFetch,
  requestIdHeaders,
  type Logger,
  type SubgraphFetchOutcome,
  type RateLimitStatus,
  type Metrics,
  type Viewer,
} from '@learncraft/kit';
import { CIRCUIT_GAUGE, CircuitOpenError, SubgraphBreaker, type BreakerSettings } from './breaker';
import type { SubgraphEndpoint } from './supergraph';
import type { VerifiedApiKey } from './rateLimit/subject';
import type { SubgraphAnswer } from './execution/plan';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/**
 * Sockets one subgraph's pool keeps at most: enough for every operation in flight to fetch at
 * once under load, bounded so a slow subgraph cannot make the gateway open sockets without end.
 */
const POOL_CONNECTIONS = 128;
/** Idle keep-alive sockets are closed after this (below Node's server default of 5 s). */
const POOL_KEEP_ALIVE_MS = 4_000;
type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** Per-request context of the gateway's Apollo Server. */
export interface GatewayContext {
  viewer: Viewer | null;
  /**
   * `Bearer <access token>` forwarded to subgraphs: the client's own token, or for an API key the
   * token identity minted for it (a key never leaves the gateway).
   */
  authorization: string | null;
  /** The client's address (the socket's peer), forwarded for per-address limits such as log-in. */
  clientAddress: string | null;
  /**
   * The API key the request was verified with (src/apiKeys.ts); `viewer` is then null. Its
   * rate-limit subject wins over the viewer's (src/rateLimit/subject.ts).
   */
  apiKey?: VerifiedApiKey | null;
  /** This request's rate-limit figures once charged (src/rateLimit), forwarded for `Query.rateLimit`. */
  rateLimit?: RateLimitStatus | null;
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
  private readonly pool: Pool;
  private readonly requestPath: string;
  /** An operation's fetches to this subgraph share one header object (its context is fixed by then). */
  private readonly headersByContext = new WeakMap<GatewayContext, Record<string, string>>();
  readonly breaker: SubgraphBreaker;

  constructor(options: SubgraphDataSourceOptions) {
    super({ url: options.endpoint.url });
    this.options = options;
    this.pool = subgraphPool(options.endpoint.url);
    const target = new URL(options.endpoint.url);
    this.requestPath = `${target.pathname}${target.search}`;
    this.fetcher = pooledFetcher(this.pool, options.timeoutMs);
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
    // Only the gateway speaks for the rate limit: whatever else put this header here goes.
    headers?.delete(RATE_LIMIT_HEADER);
    if (context?.rateLimit) headers?.set(RATE_LIMIT_HEADER, encodeRateLimitStatus(context.rateLimit));
    for (const [name, value] of Object.entries(requestIdHeaders())) headers?.set(name, value);
  }

  /**
   * Never throws: a failed fetch becomes a response carrying only errors, so the gateway keeps the
   * data other subgraphs returned and tags the error with `serviceName`.
   */
  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const started = performance.now();
    try {
      const answer = await this.breaker.execute(() => super.process(options));
      this.observe(started, 'ok');
      return answer;
    } catch (error) {
      this.observe(started, fetchOutcome(error));
      return { errors: this.failed(error) };
    }
  }

  /**
   * The plan executor's path (src/execution): posts a request body that is already serialised,
   * with the same headers, deadline, breaker and error answers as `process`, and restricts the
   * operation's cache policy by the subgraph's `cache-control` like Apollo's data source does.
   */
  async send(body: string, context: GatewayContext, cachePolicy?: CachePolicy): Promise<SubgraphAnswer> {
    const started = performance.now();
    try {
      const answer = await this.breaker.execute(async () => {
        const { statusCode, contentType, cacheControl, text } = await post(
          this.pool,
          this.requestPath,
          this.headersFor(context),
          body,
          this.options.timeoutMs,
        );
        if (statusCode < 200 || statusCode >= 300)
          throw responseError(this.url ?? '', statusCode, contentType, text);
        const parsed = parseAnswer(contentType, text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
        if (cachePolicy) cachePolicy.restrict(cacheHint(cacheControl));
        return parsed;
      });
      this.observe(started, 'ok');
      return answer;
    } catch (error) {
      this.observe(started, fetchOutcome(error));
      return { errors: this.failed(error) };
    }
  }

  /** `subgraph_fetch_duration_seconds{subgraph,outcome}`: breaker, deadline and answer included. */
  private observe(started: number, outcome: SubgraphFetchOutcome): void {
    observeSubgraphFetch(
      this.options.metrics,
      this.options.endpoint.name,
      (performance.now() - started) / 1000,
      outcome,
    );
  }

  /** Closes the subgraph's keep-alive sockets (the gateway is shutting down). */
  async close(): Promise<void> {
    await this.pool.close();
  }

  /** The headers `willSendRequest` sets, for the executor's path (once per operation). */
  private headersFor(context: GatewayContext): Record<string, string> {
    const cached = this.headersByContext.get(context);
    if (cached) return cached;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [GATEWAY_HEADER]: this.options.gatewaySecret,
    };
    if (context.authorization) headers.authorization = context.authorization;
    if (context.clientAddress) headers[CLIENT_ADDRESS_HEADER] = context.clientAddress;
    if (context.rateLimit) headers[RATE_LIMIT_HEADER] = encodeRateLimitStatus(context.rateLimit);
    Object.assign(headers, requestIdHeaders());
    this.headersByContext.set(context, headers);
    return headers;
  }

  /** A failed request as the errors the gateway passes on: counted, logged once, never thrown. */
  private failed(error: unknown): GraphQLFormattedError[] {
    const { name } = this.options.endpoint;
    const errors = subgraphErrors(error) ?? [this.unavailable(error)];
    this.options.metrics.inc('subgraph_errors_total');
    // The breaker already logged that it opened; one line per rejected request is noise.
    if (error instanceof CircuitOpenError)
      this.options.metrics.inc('subgraph_requests_short_circuited_total');
    else this.options.logger.warn('subgraph request failed', { subgraph: name, reason: describe(error) });
    return errors;
  }

  private unavailable(error: unknown): GraphQLFormattedError {
    const { name } = this.options.endpoint;
    return {
      message: `Subgraph "${name}" ${failureReason(error, this.options.timeoutMs)}.`,
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: name },
    };
  }
}

/** The part of Apollo Server's cache policy a subgraph answer restricts. */
export interface CachePolicy {
  restrict(hint: { maxAge?: number; scope?: 'PUBLIC' | 'PRIVATE' }): void;
}

interface PostedAnswer {
  statusCode: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  text: string;
}

/**
 * One POST on the pool at undici's dispatch level: the answer's chunks are collected as they
 * arrive, without the response stream, body mixin and header object `pool.request` builds for
 * each of the many fetches one operation makes. The deadline covers the wait for a socket, the
 * headers and the body; it rejects with a TimeoutError (`failureReason`: "did not answer within").
 */
function post(
  pool: Pool,
  path: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostedAnswer> {
  return new Promise((resolve, reject) => {
    const answer: PostedAnswer = { statusCode: 0, contentType: undefined, cacheControl: undefined, text: '' };
    const chunks: Buffer[] = [];
    let abort: ((error: Error) => void) | undefined;
    let settled = false;
    const timeout = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' });
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(answer);
    };
    const timer = setTimeout(() => {
      abort?.(timeout);
      finish(timeout);
    }, timeoutMs);
    pool.dispatch(
      { path, method: 'POST', headers, body },
      {
        onConnect: (abortRequest) => {
          if (settled) abortRequest(timeout);
          else abort = abortRequest;
        },
        onHeaders: (statusCode, rawHeaders) => {
          if (statusCode < 200) return true;
          answer.statusCode = statusCode;
          for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
            const name = rawHeaders[index]!.toString('latin1').toLowerCase();
            if (name === 'content-type')
              answer.contentType = joined(answer.contentType, rawHeaders[index + 1]!);
            else if (name === 'cache-control')
              answer.cacheControl = joined(answer.cacheControl, rawHeaders[index + 1]!);
          }
          return true;
        },
        onData: (chunk) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          answer.text =
            chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          finish();
        },
        onError: (error) => finish(error),
      },
    );
  });
}

function joined(current: string | undefined, value: Buffer): string {
  const text = value.toString('latin1');
  return current === undefined ? text : `${current}, ${text}`;
}

/** Apollo's data source reads JSON bodies by content type; anything else stays text. */
function parseAnswer(contentType: string | undefined, text: string): unknown {
  if (
    contentType &&
    (contentType.startsWith('application/json') ||
      contentType.startsWith('application/graphql-response+json'))
  )
    return JSON.parse(text) as unknown;
  return text;
}

/** The error Apollo's data source throws for a non-2xx answer (read by `subgraphErrors`). */
function responseError(
  url: string,
  status: number,
  contentType: string | undefined,
  text: string,
): GraphQLError {
  const statusText = STATUS_CODES[status] ?? '';
  const extensions: Record<string, unknown> = {
    response: { url, status, statusText, body: parseAnswer(contentType, text) },
  };
  if (status === 401) extensions.code = 'UNAUTHENTICATED';
  else if (status === 403) extensions.code = 'FORBIDDEN';
  return new GraphQLError(`${status}: ${statusText}`, { extensions });
}

/** A subgraph's `cache-control` as Apollo's data source turns it into a hint (no header: max-age 0). */
function cacheHint(header: string | undefined): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const directives = new Map<string, string | true>();
  if (header) {
    for (const part of header.trim().split(/\s*,\s*/)) {
      const [key, value] = part.split(/\s*=\s*/, 2);
      directives.set(key!, value === undefined ? true : value.replace(/^"|"$/g, ''));
    }
  }
  const maxAge = directives.get('max-age');
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = {
    maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0,
  };
  if (directives.get('private') === true) hint.scope = 'PRIVATE';
  if (directives.get('public') === true) hint.scope = 'PUBLIC';
  return hint;
}

/** The keep-alive pool for one subgraph URL's origin; pipelining off (one request per socket at a time). */
export function subgraphPool(url: string): Pool {
  return new Pool(new URL(url).origin, {
    connections: POOL_CONNECTIONS,
    pipelining: 1,
    keepAliveTimeout: POOL_KEEP_ALIVE_MS,
  });
}

/**
 * Apollo's fetcher contract over an undici pool, with a deadline covering the wait for a socket,
 * the headers and the body (the body is read before the response is handed back). The answer is
 * a minimal Response: status, headers and the body already read as text.
 */
export function pooledFetcher(pool: Pool, timeoutMs: number): Fetcher {
  return async (url, init = {}) => {
    const target = new URL(url);
    return withDeadline(timeoutMs, async (signal) => {
      const response = await pool.request({
        path: `${target.pathname}${target.search}`,
        method: (init.method ?? 'GET') as 'POST',
        headers: init.headers,
        body: init.body,
        signal,
      });
      const text = await response.body.text();
      return new PooledResponse(url, response.statusCode, response.headers, text);
    });
  };
}

/**
 * Runs `work` with a signal that aborts after `timeoutMs` (an AbortError, which `failureReason`
 * reports as "did not answer within"). The timer is cleared when the work ends: unlike
 * `AbortSignal.timeout`, whose timer still fires (and builds a DOMException) for every request
 * long after it was answered, which under load cost ~6% of the gateway's CPU.
 */
async function withDeadline<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** The parts of a fetch Response that Apollo's data source reads, over an already-read body. */
class PooledResponse implements FetcherResponse {
  readonly redirected = false;
  readonly bodyUsed = false;
  readonly headers: FetcherHeaders;

  constructor(
    readonly url: string,
    readonly status: number,
    headers: Record<string, string | string[] | undefined>,
    private readonly body: string,
  ) {
    this.headers = new PooledHeaders(headers);
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get statusText(): string {
    return STATUS_CODES[this.status] ?? '';
  }

  text(): Promise<string> {
    return Promise.resolve(this.body);
  }

  json(): Promise<unknown> {
    // A body that is not JSON rejects, like fetch's `json()`.
    return new Promise((resolve) => resolve(JSON.parse(this.body)));
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.body, 'utf8');
    return Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }

  clone(): FetcherResponse {
    return this;
  }
}

/** Response headers as undici hands them over (lower-case names), behind the fetch Headers interface. */
class PooledHeaders implements FetcherHeaders {
  private readonly values_ = new Map<string, string>();

  constructor(raw: Record<string, string | string[] | undefined>) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.values_.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.values_.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.values_.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.values_.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const current = this.get(name);
    this.set(name, current === null ? value : `${current}, ${value}`);
  }
  delete(name: string): void {
    this.values_.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.values_.entries();
  }
  keys(): IterableIterator<string> {
    return this.values_.keys();
  }
  values(): IterableIterator<string> {
    return this.values_.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.values_.entries();
  }
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

function fetchOutcome(error: unknown): SubgraphFetchOutcome {
  if (error instanceof CircuitOpenError) return 'short_circuited';
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error';
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
