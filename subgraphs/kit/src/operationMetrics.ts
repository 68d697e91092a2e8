/**
 * Request, operation and subgraph-fetch metrics with bounded labels. An operation name comes from
 * the client, so it becomes a label only if it is a known (e.g. persisted) name or one of the
 * first few hundred well-formed names this process has seen; everything else is `other`.
 */
import { Kind, parse } from 'graphql';
import type { Metrics } from './metrics';

/** How many distinct unknown operation names one process labels before it says `other`. */
export const DEFAULT_OPERATION_LABELS = 200;

const GRAPHQL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** The gateway names the operations it sends `<Client>__<subgraph>__<n>`: the client's name counts. */
const GATEWAY_SUFFIX = /__[a-z0-9_]+__\d+$/;

/** Maps operation names to label values from a bounded set. */
export class OperationNames {
  private readonly known: Set<string>;
  private readonly admitted = new Set<string>();

  constructor(
    known: Iterable<string> = [],
    private readonly capacity = DEFAULT_OPERATION_LABELS,
  ) {
    this.known = new Set(known);
  }

  label(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    const base = name.replace(GATEWAY_SUFFIX, '');
    if (this.known.has(base) || this.admitted.has(base)) return base;
    if (!GRAPHQL_NAME.test(base) || this.admitted.size >= this.capacity) return 'other';
    this.admitted.add(base);
    return base;
  }
}

/** The operation names in documents (e.g. a persisted-documents manifest); unparsable ones are skipped. */
export function operationNamesIn(documents: Iterable<string>): string[] {
  const names: string[] = [];
  for (const document of documents) {
    try {
      for (const definition of parse(document).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name)
          names.push(definition.name.value);
      }
    } catch {
      // A manifest is checked where it is loaded; a bad entry only loses its label here.
    }
  }
  return names;
}

export type OperationOutcome = 'ok' | 'error';

interface MetricsRequestContext {
  operationName?: string | null;
  operation?: { operation: string } | null;
  errors?: readonly unknown[];
}

/**
 * An Apollo Server plugin recording `graphql_request_duration_seconds` and
 * `graphql_operations_total`, labelled by bounded operation name, operation type and outcome.
 */
export function metricsPlugin(metrics: Metrics, names = new OperationNames()) {
  return {
    requestDidStart() {
      const started = performance.now();
      return Promise.resolve({
        willSendResponse(request: MetricsRequestContext) {
          const outcome: OperationOutcome = (request.errors?.length ?? 0) > 0 ? 'error' : 'ok';
          const labels = {
            operation: names.label(request.operationName),
            type: request.operation?.operation ?? 'unknown',
            outcome,
          };
          metrics.observe('graphql_request_duration_seconds', (performance.now() - started) / 1000, labels);
          metrics.inc('graphql_operations_total', 1, labels);
          return Promise.resolve();
        },
      });
    },
  };
}

/** How one gateway → subgraph fetch ended. */
export type SubgraphFetchOutcome = 'ok' | 'error' | 'timeout' | 'short_circuited';

/**
 * Records one subgraph fetch of the gateway in `subgraph_fetch_duration_seconds` (labels: the
 * subgraph's name from the supergraph, and the outcome). Called by the gateway's data source.
 */
export function observeSubgraphFetch(
  metrics: Metrics,
  subgraph: string,
  seconds: number,
  outcome: SubgraphFetchOutcome,
): void {
  metrics.observe('subgraph_fetch_duration_seconds', seconds, { subgraph, outcome });
}
