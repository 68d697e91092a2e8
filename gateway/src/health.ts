/**
 * `GET /health/subgraphs`: pings every subgraph's `/health` with a short deadline, in parallel, and
 * reports each with the state of its circuit breaker. Subgraph URLs are deliberately left out of
 * the report (the route is public).
 */
import type { CircuitStateName } from './breaker';
import type { SubgraphEndpoint } from './supergraph';

export interface SubgraphHealth {
  name: string;
  status: 'ok' | 'down';
  latencyMs: number;
  /** Why the subgraph counts as down. */
  error?: string;
  /** The gateway's breaker for it: `open` means operations fail fast without calling it. */
  circuit?: CircuitStateName;
}

export interface SubgraphsHealthReport {
  /** `ok` when every subgraph answered its health check, `degraded` otherwise. */
  status: 'ok' | 'degraded';
  subgraphs: SubgraphHealth[];
}

/** `http://host:4001/graphql` -> `http://host:4001/health` (a path prefix is kept). */
export function healthUrl(graphqlUrl: string): string {
  return new URL('health', graphqlUrl).toString();
}

export async function checkSubgraphs(
  endpoints: SubgraphEndpoint[],
  timeoutMs: number,
  circuitOf?: (name: string) => CircuitStateName,
): Promise<SubgraphsHealthReport> {
  const subgraphs = await Promise.all(
    endpoints.map(async (endpoint) => {
      const health = await checkSubgraph(endpoint, timeoutMs);
      return circuitOf ? { ...health, circuit: circuitOf(endpoint.name) } : health;
    }),
  );
  return { status: subgraphs.every((s) => s.status === 'ok') ? 'ok' : 'degraded', subgraphs };
}

async function checkSubgraph({ name, url }: SubgraphEndpoint, timeoutMs: number): Promise<SubgraphHealth> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(healthUrl(url), { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.ok
      ? { name, status: 'ok', latencyMs: latency() }
      : { name, status: 'down', latencyMs: latency(), error: `HTTP ${response.status}` };
  } catch (error) {
    const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError'; // a DOMException
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    const reason = timedOut
      ? `no answer within ${timeoutMs} ms`
      : code === 'ECONNREFUSED'
        ? 'connection refused'
        : typeof code === 'string'
          ? code
          : 'unreachable';
    return { name, status: 'down', latencyMs: latency(), error: reason };
  }
}
