/**
 * Where the gateway applies rate limits: `charge` runs once an operation and its variables are
 * known (after the cost limit passed, before anything executes) and refuses with HTTP 429,
 * `retry-after` and RATE_LIMITED; `settle` runs as the response leaves, adds the `x-ratelimit-*`
 * headers and frees the in-flight slot. The figures also go on the context (`rateLimit`), which the
 * data source forwards to subgraphs so identity can resolve `Query.rateLimit`. Subscriptions over
 * graphql-ws are charged their subscribe cost through `chargeSubscription`.
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError, OperationTypeNode, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, type RateLimitStatus } from '@learncraft/kit';
import { operationPoints } from './cost';
import type { Admission, CostRateLimiter, ExceededLimit } from './limiter';
import { rateLimitSubjectOf, type VerifiedRequest } from './subject';

/** The context fields the gate reads and writes (the gateway's Apollo context has them). */
export interface RateLimitedContext extends VerifiedRequest {
  /** This request's figures once charged; forwarded to subgraphs. */
  rateLimit?: RateLimitStatus | null;
}

interface Charged {
  status?: RateLimitStatus;
  release?: () => void;
  /** The response already left: a charge finishing later frees its slot at once. */
  settled: boolean;
}

const MESSAGES: Record<ExceededLimit, (seconds: number) => string> = {
  hour: (seconds) => `The hourly rate limit is spent; it resets in ${seconds} s.`,
  minute: (seconds) => `Too many points in one minute; retry in ${seconds} s.`,
  concurrency: () => 'Too many requests in flight at once; retry when one has finished.',
};

/** The RATE_LIMITED error of a refused admission; on HTTP it is a 429 with `retry-after`. */
export function rateLimitedError(
  refused: Extract<Admission, { allowed: false }>,
  cost: number,
): GraphQLError {
  const { retryAfterSeconds, exceeded, status } = refused;
  const tooCostly = exceeded === 'hour' && cost > status.limit;
  return new GraphQLError(
    tooCostly
      ? `This operation costs ${cost} points, more than the hourly budget of ${status.limit}; ask for fewer items.`
      : MESSAGES[exceeded](retryAfterSeconds),
    {
      extensions: {
        code: ErrorCode.RATE_LIMITED,
        limit: exceeded,
        cost,
        retryAfterSeconds,
        http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
      },
    },
  );
}

/** The `x-ratelimit-*` headers of a status (`reset` in epoch seconds, like GitHub's). */
export function rateLimitHeaders(status: RateLimitStatus): Record<string, string> {
  return {
    'x-ratelimit-limit': String(status.limit),
    'x-ratelimit-remaining': String(status.remaining),
    'x-ratelimit-used': String(status.used),
    'x-ratelimit-reset': String(Math.floor(Date.parse(status.resetAt) / 1000)),
  };
}

export class RateLimitGate {
  private readonly charged = new WeakMap<RateLimitedContext, Charged>();

  constructor(
    readonly limiter: CostRateLimiter,
    private readonly unitsPerPoint: number,
  ) {}

  /** Spends the operation's points or throws RATE_LIMITED; `estimate` is the kit's operationCost. */
  async charge(
    context: RateLimitedContext,
    operation: OperationDefinitionNode,
    estimate: number,
  ): Promise<void> {
    // Subscriptions over HTTP are refused (operationResolutionPlugin); over a socket, see below.
    if (operation.operation === OperationTypeNode.SUBSCRIPTION) return;
    const state: Charged = { settled: false };
    this.charged.set(context, state);
    const cost = operationPoints(operation, estimate, this.unitsPerPoint);
    const admission = await this.limiter.admit(rateLimitSubjectOf(context), cost);
    state.status = admission.status;
    if (!admission.allowed) throw rateLimitedError(admission, cost);
    context.rateLimit = admission.status;
    if (state.settled) admission.release();
    else state.release = admission.release;
  }

  /** Adds the headers to the response and frees the request's in-flight slot. */
  settle(context: RateLimitedContext, headers: HeaderMap): void {
    const state = this.charged.get(context);
    if (!state) return;
    state.settled = true;
    state.release?.();
    if (state.status)
      for (const [name, value] of Object.entries(rateLimitHeaders(state.status))) headers.set(name, value);
  }

  /**
   * A graphql-ws subscription's subscribe cost: the error to send on that subscription when over
   * the limit. Streams hold no in-flight slot (sockets have their own cap per user).
   */
  async chargeSubscription(
    request: VerifiedRequest,
    operation: OperationDefinitionNode,
    estimate: number,
  ): Promise<GraphQLError | undefined> {
    const cost = operationPoints(operation, estimate, this.unitsPerPoint);
    const admission = await this.limiter.admit(rateLimitSubjectOf(request), cost);
    if (!admission.allowed) return rateLimitedError(admission, cost);
    admission.release();
    return undefined;
  }

  close(): Promise<void> {
    return this.limiter.close();
  }
}
