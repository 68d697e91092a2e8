/**
 * Executes one client's federated subscription: listens on the shared upstream stream of the
 * plan's `primary` fetch and, for each event, runs the plan's `rest` through Apollo's own query
 * plan executor (the event stands in as the primary fetch's response), so entity fields from
 * other subgraphs and errors are merged exactly as the gateway does for queries.
 * Events are handled one at a time, in order; a bounded queue absorbs bursts and drops the oldest
 * pending event (counted) when the client cannot keep up.
 */
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from '@apollo/gateway';
import type { FetchNode, QueryPlan } from '@apollo/query-planner';
import { GraphQLError, type DocumentNode, type ExecutionResult } from 'graphql';
import { ErrorCode, type Logger, type Metrics } from '@learncraft/kit';
import type { PlannedSubscription, SubscriptionPlanner } from './planner';
import type { UpstreamHub } from './upstream';

const EVENT_SERVICE = '__subscription_event__';

export interface FederatedSubscriptionRequest {
  document: DocumentNode;
  operationName?: string | null;
  variables: Record<string, unknown>;
  subject: string;
  authorization: string | null;
  /** The context handed to the gateway's data sources (forwards the client's token). */
  dataSourceContext: Record<string, unknown>;
}

export interface ExecutorDeps {
  planner: SubscriptionPlanner;
  hub: Pick<UpstreamHub, 'subscribe'>;
  serviceMap: ServiceMap;
  logger: Logger;
  metrics: Metrics;
  queueLimit: number;
}

export function federatedSubscription(
  deps: ExecutorDeps,
  request: FederatedSubscriptionRequest,
): AsyncIterableIterator<ExecutionResult> {
  const planned = deps.planner.plan(request.document, request.operationName);
  const primary = planned.node.primary;
  const upstreamVariables = Object.fromEntries(
    (primary.variableUsages ?? [])
      .filter((name) => name in request.variables)
      .map((name) => [name, request.variables[name]]),
  );

  type Item =
    { kind: 'event'; result: ExecutionResult } | { kind: 'error'; error: Error } | { kind: 'complete' };
  const queue: Item[] = [];
  let wake: (() => void) | null = null;
  const push = (item: Item) => {
    if (item.kind === 'event' && queue.length >= deps.queueLimit) {
      const index = queue.findIndex((queued) => queued.kind === 'event');
      if (index >= 0) queue.splice(index, 1);
      deps.metrics.inc('subscription_events_dropped_total');
    }
    queue.push(item);
    wake?.();
    wake = null;
  };
  const unsubscribe = deps.hub.subscribe(
    {
      serviceName: primary.serviceName,
      operation: primary.operation,
      operationName: primary.operationName,
      variables: upstreamVariables,
      subject: request.subject,
      authorization: request.authorization,
    },
    {
      next: (result) => push({ kind: 'event', result }),
      error: (error) => push({ kind: 'error', error }),
      complete: () => push({ kind: 'complete' }),
    },
  );

  // A hand-written iterator rather than an async generator: a generator suspended while waiting for
  // the next event cannot run `return()` (the client leaving) until that event arrives, which would
  // keep the upstream stream open for as long as the course stays quiet.
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    unsubscribe();
    wake?.();
    wake = null;
  };
  const finished: IteratorResult<ExecutionResult> = { done: true, value: undefined };
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      for (;;) {
        if (done) return finished;
        const item = queue.shift();
        if (!item) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        if (item.kind === 'complete') {
          finish();
          return finished;
        }
        if (item.kind === 'error') {
          finish();
          const extensions = { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName: primary.serviceName };
          return { done: false, value: { errors: [new GraphQLError(item.error.message, { extensions })] } };
        }
        deps.metrics.inc('subscription_events_total');
        const value = await executeRest(deps, planned, request, item.result);
        return done ? finished : { done: false, value };
      }
    },
    return() {
      finish();
      return Promise.resolve(finished);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** Runs the whole plan with the upstream event standing in for the primary fetch's response. */
async function executeRest(
  deps: ExecutorDeps,
  planned: PlannedSubscription,
  request: FederatedSubscriptionRequest,
  event: ExecutionResult,
): Promise<ExecutionResult> {
  const { node, operationContext } = planned;
  const eventFetch: FetchNode = { ...node.primary, serviceName: EVENT_SERVICE };
  const queryPlan: QueryPlan = {
    kind: 'QueryPlan',
    node: node.rest ? { kind: 'Sequence', nodes: [eventFetch, node.rest] } : eventFetch,
  };
  const eventSource: GraphQLDataSource = {
    process: () => Promise.resolve({ data: event.data ?? null, errors: event.errors as never }),
  };
  const serviceMap: ServiceMap = { ...deps.serviceMap, [EVENT_SERVICE]: eventSource };
  const requestContext = {
    request: { variables: request.variables, operationName: request.operationName ?? undefined },
    context: request.dataSourceContext,
    logger: loggerAdapter(deps.logger),
    operation: operationContext.operation,
    metrics: {},
  };
  const result = await executeQueryPlan(
    queryPlan,
    serviceMap,
    requestContext as unknown as Parameters<typeof executeQueryPlan>[2],
    operationContext,
    deps.planner.supergraphSchema,
    deps.planner.federatedApiSchema,
  );
  return { data: result.data ?? null, ...(result.errors?.length ? { errors: result.errors } : {}) };
}

function loggerAdapter(logger: Logger) {
  return {
    debug: (message: string) => logger.debug(message),
    info: (message: string) => logger.info(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
}
