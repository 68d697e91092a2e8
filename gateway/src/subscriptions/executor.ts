/**
 * Executes federated subscriptions: listens on the shared upstream stream of the plan's `primary`
 * fetch and, for each event, runs the plan's `rest` through Apollo's own query plan executor (the
 * event stands in as the primary fetch's response), so entity fields from other subgraphs and
 * errors are merged exactly as the gateway does for queries.
 * Client subscriptions of the same upstream stream (subgraph, subject, document, variables) form
 * one shared execution: each event runs the `rest` once for all of them (one set of entity
 * fetches, not one per client), in order; the result goes to every member's own bounded queue.
 * Only one subject's clients ever share an execution, so no one's data reaches another.
 * A burst beyond `queueLimit` drops the oldest pending events (counted), before execution for
 * the stream and per client that cannot keep up.
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

type Item =
  { kind: 'event'; result: ExecutionResult } | { kind: 'error'; error: Error } | { kind: 'complete' };

/** How an upstream stream ended, queued behind its pending events. */
class End {
  constructor(readonly item: Item) {}
}

/** One client subscription of a shared execution: its own queue and wake-up. */
interface Member {
  push(item: Item): void;
}

/** The client subscriptions that run one plan on one upstream stream, and its pending events. */
interface SharedExecution {
  members: Set<Member>;
  planned: PlannedSubscription;
  /** The latest member's request: same subject, possibly a fresher token. */
  request: FederatedSubscriptionRequest;
  /** Upstream events not executed yet, oldest first, then possibly the stream's end. */
  pending: (ExecutionResult | End)[];
  running: boolean;
  unsubscribe: () => void;
}

const executionsOf = new WeakMap<ExecutorDeps, Map<string, SharedExecution>>();

/** Runs one client subscription; returns its results as an async iterator (`return()` leaves). */
export function federatedSubscription(
  deps: ExecutorDeps,
  request: FederatedSubscriptionRequest,
): AsyncIterableIterator<ExecutionResult> {
  const planned = deps.planner.plan(request.document, request.operationName);
  const queue: Item[] = [];
  let wake: (() => void) | null = null;
  const member: Member = {
    push: (item) => {
      if (item.kind === 'event' && queue.length >= deps.queueLimit) {
        const index = queue.findIndex((queued) => queued.kind === 'event');
        if (index >= 0) queue.splice(index, 1);
        deps.metrics.inc('subscription_events_dropped_total');
      }
      queue.push(item);
      wake?.();
      wake = null;
    },
  };
  const leave = join(deps, planned, request, member);

  // A hand-written iterator rather than an async generator: a generator suspended while waiting for
  // the next event cannot run `return()` (the client leaving) until that event arrives, which would
  // keep the upstream stream open for as long as the course stays quiet.
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    leave();
    wake?.();
    wake = null;
  };
  const serviceName = planned.node.primary.serviceName;
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
          const extensions = { code: ErrorCode.SERVICE_UNAVAILABLE, serviceName };
          return { done: false, value: { errors: [new GraphQLError(item.error.message, { extensions })] } };
        }
        deps.metrics.inc('subscription_events_total');
        return { done: false, value: item.result };
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

/** Adds `member` to the shared execution of its stream and plan (opening it); returns how to leave. */
function join(
  deps: ExecutorDeps,
  planned: PlannedSubscription,
  request: FederatedSubscriptionRequest,
  member: Member,
): () => void {
  let executions = executionsOf.get(deps);
  if (!executions) executionsOf.set(deps, (executions = new Map<string, SharedExecution>()));
  const primary = planned.node.primary;
  const key = JSON.stringify([primary.serviceName, request.subject, planned.key, request.variables]);
  let shared = executions.get(key);
  if (shared) {
    shared.request = request;
  } else {
    const opened: SharedExecution = {
      members: new Set(),
      planned,
      request,
      pending: [],
      running: false,
      unsubscribe: () => undefined,
    };
    shared = opened;
    executions.set(key, opened);
    // A later client opens a fresh stream; these members get the end after the pending events.
    const ends = (item: Item) => {
      if (executions.get(key) === opened) executions.delete(key);
      opened.pending.push(new End(item));
      if (!opened.running) void drain(deps, opened);
    };
    const upstreamVariables = Object.fromEntries(
      (primary.variableUsages ?? [])
        .filter((name) => name in request.variables)
        .map((name) => [name, request.variables[name]]),
    );
    opened.unsubscribe = deps.hub.subscribe(
      {
        serviceName: primary.serviceName,
        operation: primary.operation,
        operationName: primary.operationName,
        variables: upstreamVariables,
        subject: request.subject,
        authorization: request.authorization,
      },
      {
        next: (result) => {
          if (opened.pending.length >= deps.queueLimit) {
            opened.pending.shift(); // events only: the stream has not ended while it delivers
            deps.metrics.inc('subscription_events_dropped_total', opened.members.size);
          }
          opened.pending.push(result);
          if (!opened.running) void drain(deps, opened);
        },
        error: (error) => ends({ kind: 'error', error }),
        complete: () => ends({ kind: 'complete' }),
      },
    );
  }
  const joined = shared;
  joined.members.add(member);
  return () => {
    joined.members.delete(member);
    if (joined.members.size > 0 || executions.get(key) !== joined) return;
    executions.delete(key);
    joined.pending.length = 0;
    joined.unsubscribe();
  };
}

/**
 * Executes a shared execution's pending events one at a time, in order. It starts on a later
 * microtask, so a burst that arrived at once is bounded by the queue before any is executed.
 */
async function drain(deps: ExecutorDeps, shared: SharedExecution): Promise<void> {
  shared.running = true;
  try {
    await Promise.resolve();
    for (let event = shared.pending.shift(); event; event = shared.pending.shift()) {
      if (shared.members.size === 0) break;
      if (event instanceof End) {
        for (const member of shared.members) member.push(event.item);
        shared.members.clear();
        break;
      }
      let result: ExecutionResult;
      try {
        result = await executeRest(deps, shared.planned, shared.request, event);
      } catch (error) {
        // Masked by the socket's error formatter like any unexpected error.
        const originalError = error instanceof Error ? error : new Error(String(error));
        result = { data: null, errors: [new GraphQLError('event execution failed', { originalError })] };
      }
      for (const member of shared.members) member.push({ kind: 'event', result });
    }
  } finally {
    shared.running = false;
  }
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
