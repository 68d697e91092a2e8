/**
 * One circuit breaker per subgraph (cockatiel): after a run of infrastructure failures the
 * gateway stops sending that subgraph requests for a while and fails its part of each plan at
 * once, instead of making every client wait the full timeout; then one probe request decides
 * whether it closes again. Answers that prove the subgraph is alive (GraphQL errors, 4xx such as
 * its own 401/403) never count as failures.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { GraphQLError } from 'graphql';

export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long the breaker stays open before one probe request is let through. */
  halfOpenAfterMs: number;
}

export type CircuitStateName = 'closed' | 'open' | 'half-open';

/** Thrown instead of calling the subgraph while its breaker is open or probing. */
export class CircuitOpenError extends Error {
  constructor() {
    super('circuit open');
    this.name = 'CircuitOpenError';
  }
}

/** The `/metrics` value of each state: 0 closed, 1 open, 2 half-open. */
export const CIRCUIT_GAUGE: Record<CircuitStateName, number> = { closed: 0, open: 1, 'half-open': 2 };

/**
 * Whether an error from one subgraph request says the subgraph is unhealthy: no connection, no
 * answer in time, a 5xx, or a body that is not JSON. A non-2xx answer below 500 (the subgraph's
 * own 400/401/403 with GraphQL errors) shows a working subgraph, and so does any thrown error
 * that is not about the exchange itself.
 */
export function isSubgraphFailure(error: unknown): boolean {
  if (error instanceof GraphQLError) {
    const status = (error.extensions.response as { status?: unknown } | undefined)?.status;
    return typeof status === 'number' && status >= 500;
  }
  // Checked by name: the abort reason is a DOMException, not necessarily an Error of this realm.
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || name === 'SyntaxError') return true;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  if (error instanceof Error && error.message.startsWith('Expected JSON response body')) return true;
  return typeof (error as { code?: unknown } | null)?.code === 'string';
}

export class SubgraphBreaker {
  private readonly policy: CircuitBreakerPolicy;

  constructor(settings: BreakerSettings) {
    this.policy = circuitBreaker(handleWhen(isSubgraphFailure), {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(settings.failureThreshold),
    });
  }

  get state(): CircuitStateName {
    switch (this.policy.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'open';
    }
  }

  /** Calls back with each new state (for logs). */
  onStateChange(listener: (state: CircuitStateName) => void): void {
    this.policy.onStateChange(() => listener(this.state));
  }

  /**
   * Runs `request` unless the breaker is open. While the single probe is in flight other
   * requests fail fast too: cockatiel would queue them behind the probe, which can take the
   * whole timeout when the subgraph still hangs.
   */
  async execute<T>(request: () => Promise<T>): Promise<T> {
    if (this.policy.state === CircuitState.HalfOpen) throw new CircuitOpenError();
    try {
      return await this.policy.execute(request);
    } catch (error) {
      if (error instanceof BrokenCircuitError) throw new CircuitOpenError();
      throw error;
    }
  }
}
