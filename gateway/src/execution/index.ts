/**
 * The gateway's executor: @apollo/gateway still loads the supergraph and its query planner still
 * plans every operation (once per document and operation name), but the plan runs on LearnCraft's
 * executor (./plan) and the answer is shaped by a shaper compiled with the plan (./shape), instead
 * of Apollo's `executeQueryPlan` and `RemoteGraphQLDataSource.process`.
 *
 * Anything this executor does not run goes to Apollo's executor unchanged, so it is never wrong,
 * only slower: plans with Defer nodes or data rewrites, introspection (`__schema`, `__type`),
 * subscriptions, usage-report traces and the query-plan debugging header. Apollo Server's request
 * pipeline (parse and validation caches, operation limits, plugins, error formatting) wraps this
 * executor as it wrapped Apollo's.
 */
import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { GraphQLError, OperationTypeNode, getVariableValues, type DocumentNode } from 'graphql';
import { withSpan } from '@learncraft/kit';
import type { CachePolicy, GatewayContext, SubgraphDataSource } from '../dataSource';
import { compilePlan, runPlan, type CompiledPlan, type PlanRun } from './plan';
import { compileShaper, type ResponseShaper } from './shape';

type ServerGateway = ApolloServerOptionsWithGateway<GatewayContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<ServerGateway['load']>>['executor']>;
type RequestContext = Parameters<Executor>[0];
type ExecutionResult = Awaited<ReturnType<Executor>>;

interface Compiled {
  plan: CompiledPlan;
  shaper: ResponseShaper;
  hasVariables: boolean;
}

/** A compiled operation, or the verdict that Apollo's executor runs it. */
type Entry = Compiled | 'apollo';

export interface PlanExecutorOptions {
  apolloGateway: ApolloGateway;
  supergraphSdl: string;
  dataSourceFor: (serviceName: string) => SubgraphDataSource;
  /** Called once per operation handed to Apollo's executor (a metric). */
  onFallback?: () => void;
}

/** Apollo Server's gateway: `apolloGateway` for loading and schema updates, this executor for operations. */
export function planExecutingGateway(options: PlanExecutorOptions): ServerGateway {
  const { apolloGateway } = options;
  return {
    load: async (loadOptions) => {
      const loaded = await apolloGateway.load(loadOptions);
      if (!loaded.executor) return loaded;
      return { executor: planExecutor(options, loaded.executor) };
    },
    onSchemaLoadOrUpdate: (callback) => apolloGateway.onSchemaLoadOrUpdate(callback),
    stop: () => apolloGateway.stop(),
  };
}

/**
 * The planner Apollo's own executor uses (same supergraph, same configuration, no second copy in
 * memory: about 7.5 MB for LearnCraft's supergraph). It is private in @apollo/gateway's types, so
 * it is read defensively: should a release drop it, a planner is built from the same supergraph.
 */
function plannerOf(options: PlanExecutorOptions): QueryPlanner {
  const shared: unknown = options.apolloGateway['queryPlanner'];
  return shared instanceof QueryPlanner ? shared : new QueryPlanner(Supergraph.build(options.supergraphSdl));
}

function planExecutor(options: PlanExecutorOptions, apollo: Executor): Executor {
  const planner = plannerOf(options);
  const { supergraph } = planner;
  const apiSchema = supergraph.apiSchema();
  // Apollo Server hands the same DocumentNode for the same query text (its document cache), so
  // compiled entries live as long as that cache keeps the document.
  const compiled = new WeakMap<DocumentNode, Map<string, Entry>>();

  const entryFor = (requestContext: RequestContext): Entry => {
    const { document } = requestContext;
    const operationName = requestContext.request.operationName ?? undefined;
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map<string, Entry>()));
    let entry = byName.get(operationName ?? '');
    if (!entry) {
      entry = compile(supergraph.schema, apiSchema, planner, document, operationName);
      byName.set(operationName ?? '', entry);
    }
    return entry;
  };

  return async (requestContext) => {
    if (skipsFastPath(requestContext)) return apollo(requestContext);
    const entry = entryFor(requestContext);
    if (entry === 'apollo') {
      options.onFallback?.();
      return apollo(requestContext);
    }
    return execute(entry, requestContext, options.dataSourceFor);
  };
}

function skipsFastPath(requestContext: RequestContext): boolean {
  if (requestContext.operation.operation === OperationTypeNode.SUBSCRIPTION) return true;
  if (requestContext.metrics.captureTraces) return true;
  return !!requestContext.request.http?.headers.get('apollo-query-plan-experimental');
}

function compile(
  supergraphSchema: Schema,
  apiSchema: Schema,
  planner: QueryPlanner,
  document: DocumentNode,
  operationName: string | undefined,
): Entry {
  try {
    const plan = planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName }));
    const operation = operationFromDocument(apiSchema, document, { operationName, validate: false });
    const shaper = compileShaper(operation);
    if (shaper.unsupported) return 'apollo';
    const compiledPlan = compilePlan(plan, supergraphSchema, operation.collectDefaultedVariableValues());
    if (!compiledPlan) return 'apollo';
    return {
      plan: compiledPlan,
      shaper,
      hasVariables: operation.variableDefinitions.definitions().length > 0,
    };
  } catch {
    // Apollo's executor plans the same document and answers the same failure its own way.
    return 'apollo';
  }
}

async function execute(
  entry: Compiled,
  requestContext: RequestContext,
  dataSourceFor: (serviceName: string) => SubgraphDataSource,
): Promise<ExecutionResult> {
  const { request } = requestContext;
  if (entry.hasVariables) {
    const { errors } = getVariableValues(
      requestContext.schema,
      requestContext.operation.variableDefinitions ?? [],
      request.variables ?? {},
    );
    if (errors) return { errors };
  }
  const context = requestContext.context as GatewayContext;
  const cachePolicy = cachePolicyOf(requestContext);
  const run: PlanRun = {
    // A span per fetch, named as Apollo's executor names it: the parent of the subgraph request's
    // client span (a no-op without OTEL_EXPORTER_OTLP_ENDPOINT).
    call: (serviceName, body) =>
      withSpan('gateway.fetch', { 'graphql.subgraph': serviceName }, () =>
        dataSourceFor(serviceName).send(body, context, cachePolicy),
      ),
    variables: request.variables,
    errors: [],
  };
  const data = Object.create(null) as Record<string, unknown>;
  await runPlan(entry.plan, run, data);
  try {
    const shaped = entry.shaper.shape(data, request.variables);
    if (run.errors.length === 0 && shaped.errors.length > 0)
      return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return run.errors.length === 0
      ? { data: shaped.data }
      : { errors: run.errors as GraphQLError[], data: shaped.data };
  } catch (error) {
    if (error instanceof GraphQLError) return { errors: [error] };
    const message = error instanceof Error ? error.message : 'Unexpected error during query plan execution';
    return { errors: [new GraphQLError(message, { originalError: error as Error })] };
  }
}

function cachePolicyOf(requestContext: RequestContext): CachePolicy | undefined {
  const policy = requestContext.overallCachePolicy as Partial<CachePolicy> | undefined;
  return policy && typeof policy.restrict === 'function' ? (policy as CachePolicy) : undefined;
}
