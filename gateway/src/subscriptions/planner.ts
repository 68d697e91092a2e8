/**
 * Plans subscription operations against the supergraph with Apollo's query planner. The plan's
 * `Subscription` node names the `primary` fetch (the subgraph owning the root field) and the
 * optional `rest` (entity fields from other subgraphs), which the executor runs per event.
 */
import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { QueryPlanner, type QueryPlan, type SubscriptionNode } from '@apollo/query-planner';
import { buildOperationContext } from '@apollo/gateway';
import { print, type DocumentNode, type GraphQLSchema } from 'graphql';

export type OperationContext = ReturnType<typeof buildOperationContext>;

export interface PlannedSubscription {
  /** Names the plan (operation name and printed document): subscriptions with the same key run the same plan. */
  key: string;
  queryPlan: QueryPlan;
  node: SubscriptionNode;
  operationContext: OperationContext;
}

const PLAN_CACHE_SIZE = 500;

export class SubscriptionPlanner {
  /** The API schema (what clients see), as graphql-js. */
  readonly apiSchema: GraphQLSchema;
  readonly supergraphSchema: GraphQLSchema;
  readonly federatedApiSchema: Schema;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, PlannedSubscription>();

  constructor(supergraphSdl: string) {
    const supergraph = Supergraph.build(supergraphSdl);
    this.federatedApiSchema = supergraph.apiSchema();
    this.apiSchema = this.federatedApiSchema.toGraphQLJSSchema();
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
  }

  /** Plans a validated subscription document; plans are cached by document and operation name. */
  plan(document: DocumentNode, operationName?: string | null): PlannedSubscription {
    const key = `${operationName ?? ''}\n${print(document)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const operationContext = buildOperationContext({
      schema: this.apiSchema,
      operationDocument: document,
      operationName: operationName ?? undefined,
    });
    const operation = operationFromDocument(this.federatedApiSchema, document, {
      operationName: operationName ?? undefined,
    });
    const queryPlan = this.planner.buildQueryPlan(operation);
    if (queryPlan.node?.kind !== 'Subscription') {
      throw new Error('The operation is not a subscription.');
    }
    const planned = { key, queryPlan, node: queryPlan.node, operationContext };
    if (this.cache.size >= PLAN_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, planned);
    return planned;
  }
}
