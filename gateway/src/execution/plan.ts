/**
 * Runs the query plans @apollo/query-planner emits (Fetch, Sequence, Parallel, Flatten,
 * Condition) over the gateway's subgraph pools, with the semantics of @apollo/gateway's
 * `executeQueryPlan`: entity representations built from each fetch's `requires`, only the
 * variables a fetch uses, subgraph errors re-rooted at their path in the client's answer, a
 * failed fetch leaving its part of the data missing (the shaper then nulls it).
 *
 * Each fetch is compiled once with its plan: its request body is a pre-serialised string (or a
 * prefix the variables are appended to), the `requires` selection is a ready walker. Plans with
 * something this executor does not run (Defer, data rewrites) are reported by `compilePlan`
 * returning null, and the caller hands the operation to Apollo's executor.
 */
import {
  ERRORS,
  errorCodeDef,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  isSubtype,
  type CompositeType,
  type Schema,
} from '@apollo/federation-internals';
import type { FetchNode, PlanNode, QueryPlan, QueryPlanSelectionNode } from '@apollo/query-planner';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { printValue } from './shape';

/** What one subgraph request returns: never throws, failures come back as `errors`. */
export interface SubgraphAnswer {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Sends a pre-serialised GraphQL request body to a subgraph. */
export type SubgraphCall = (serviceName: string, body: string) => Promise<SubgraphAnswer>;

type Path = readonly (string | number)[];

type CompiledNode =
  | { kind: 'Sequence'; nodes: CompiledNode[] }
  | { kind: 'Parallel'; nodes: CompiledNode[] }
  | { kind: 'Flatten'; path: string[]; node: CompiledNode }
  | { kind: 'Condition'; variable: string; ifClause: CompiledNode | null; elseClause: CompiledNode | null }
  | CompiledFetch;

interface CompiledFetch {
  kind: 'Fetch';
  serviceName: string;
  variableUsages: readonly string[];
  /** The whole body when the fetch takes no variables; else the body up to `"variables":`. */
  body: string;
  fixed: boolean;
  representation: ((entity: Record<string, unknown>) => Record<string, unknown> | null) | null;
}

export interface CompiledPlan {
  readonly root: CompiledNode | null;
  /** Default values of the operation's variables, for Condition nodes. */
  readonly defaults: Record<string, unknown>;
}

export interface PlanRun {
  call: SubgraphCall;
  variables: Record<string, unknown> | undefined;
  errors: Error[];
}

/** Compiles `plan`; null when it holds a node kind or feature this executor leaves to Apollo. */
export function compilePlan(
  plan: QueryPlan,
  supergraph: Schema,
  defaults: Record<string, unknown>,
): CompiledPlan | null {
  const types = new TypeConditions(supergraph);
  const compile = (node: PlanNode): CompiledNode | null => {
    switch (node.kind) {
      case 'Sequence':
      case 'Parallel': {
        const nodes = node.nodes.map(compile);
        return nodes.every((entry) => entry !== null) ? { kind: node.kind, nodes: nodes } : null;
      }
      case 'Flatten': {
        const inner = compile(node.node);
        return inner ? { kind: 'Flatten', path: node.path.map(String), node: inner } : null;
      }
      case 'Condition': {
        const ifClause = node.ifClause ? compile(node.ifClause) : null;
        const elseClause = node.elseClause ? compile(node.elseClause) : null;
        if ((node.ifClause && !ifClause) || (node.elseClause && !elseClause)) return null;
        return { kind: 'Condition', variable: node.condition, ifClause, elseClause };
      }
      case 'Fetch':
        return compileFetch(node, types);
      default:
        return null;
    }
  };
  const root = plan.node ? compile(plan.node as PlanNode) : null;
  if (plan.node && !root) return null;
  return { root, defaults };
}

function compileFetch(node: FetchNode, types: TypeConditions): CompiledFetch | null {
  if (
    node.hasDefers ||
    node.inputRewrites?.length ||
    node.outputRewrites?.length ||
    node.contextRewrites?.length
  )
    return null;
  const variableUsages = node.variableUsages ?? [];
  const head = `{"query":${JSON.stringify(node.operation)}${
    node.operationName === undefined ? '' : `,"operationName":${JSON.stringify(node.operationName)}`
  },"variables":`;
  const fixed = variableUsages.length === 0 && !node.requires;
  return {
    kind: 'Fetch',
    serviceName: node.serviceName,
    variableUsages,
    body: fixed ? `${head}{}}` : head,
    fixed,
    representation: node.requires ? representationOf(node.requires, types) : null,
  };
}

/** "Is this entity of that type", as @apollo/gateway decides it for `requires`, remembered. */
class TypeConditions {
  private readonly verdicts = new Map<string, boolean>();

  constructor(private readonly schema: Schema) {}

  matches(entity: Record<string, unknown>, condition: string): boolean {
    const typename = entity.__typename;
    if (!typename) return false;
    if (typename === condition) return true;
    if (typeof typename !== 'string') return false;
    const key = `${condition}\u0000${typename}`;
    let verdict = this.verdicts.get(key);
    if (verdict === undefined) {
      const type = this.schema.type(typename);
      const conditionType = this.schema.type(condition);
      verdict =
        !!type &&
        !!conditionType &&
        isCompositeType(conditionType) &&
        !isObjectType(conditionType) &&
        (isObjectType(type) || isInterfaceType(type)) &&
        isSubtype(conditionType as CompositeType, type);
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }
}

type Walker = (source: Record<string, unknown> | null) => Record<string, unknown> | null;

/** The representation of an entity: its `requires` selection copied out of the merged data. */
function representationOf(requires: readonly QueryPlanSelectionNode[], types: TypeConditions) {
  const walker = selectionWalker(requires, types);
  return (entity: Record<string, unknown>) => {
    const representation = walker(entity);
    return representation && representation.__typename ? representation : null;
  };
}

function selectionWalker(selections: readonly QueryPlanSelectionNode[], types: TypeConditions): Walker {
  const steps = selections.map((selection) => {
    if (selection.kind === 'Field') {
      const responseName = selection.alias ?? selection.name;
      const inner = selection.selections ? selectionWalker(selection.selections, types) : null;
      return { field: true as const, responseName, inner, condition: '', nested: null as Walker | null };
    }
    return {
      field: false as const,
      responseName: '',
      inner: null,
      condition: selection.typeCondition ?? '',
      nested: selectionWalker(selection.selections, types),
    };
  });
  const walk: Walker = (source) => {
    if (source === null) return null;
    // A plain object: `requires` names schema fields, never `__proto__`.
    const result: Record<string, unknown> = {};
    for (const step of steps) {
      if (step.field) {
        const value = Object.prototype.hasOwnProperty.call(source, step.responseName)
          ? source[step.responseName]
          : undefined;
        if (value === undefined) return null;
        const inner = step.inner;
        if (Array.isArray(value))
          result[step.responseName] = inner
            ? value.map((element) => inner(element as Record<string, unknown> | null))
            : value;
        else result[step.responseName] = inner ? inner(value as Record<string, unknown> | null) : value;
      } else if (step.condition && types.matches(source, step.condition)) {
        deepMerge(result, step.nested(source));
      }
    }
    return result;
  };
  return walk;
}

interface Cursor {
  path: string[];
  data: unknown;
  fullResult: Record<string, unknown>;
}

/** Runs the compiled plan, merging what the subgraphs answer into `data`. */
export async function runPlan(
  plan: CompiledPlan,
  run: PlanRun,
  data: Record<string, unknown>,
): Promise<void> {
  if (plan.root) await runNode(plan, plan.root, run, { path: [], data, fullResult: data });
}

async function runNode(plan: CompiledPlan, node: CompiledNode, run: PlanRun, cursor: Cursor): Promise<void> {
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await runNode(plan, child, run, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => runNode(plan, child, run, cursor)));
      return;
    case 'Flatten': {
      const moved = flattenAt(cursor.data, node.path, 0);
      if (moved === undefined || moved === null) return;
      return runNode(plan, node.node, run, {
        path: cursor.path.concat(node.path),
        data: moved,
        fullResult: cursor.fullResult,
      });
    }
    case 'Condition': {
      const branch = conditionValue(plan, run, node.variable) ? node.ifClause : node.elseClause;
      if (branch) await runNode(plan, branch, run, cursor);
      return;
    }
    case 'Fetch':
      try {
        await runFetch(node, run, cursor);
      } catch (error) {
        run.errors.push(error as Error);
      }
  }
}

function conditionValue(plan: CompiledPlan, run: PlanRun, variable: string): boolean {
  let value =
    run.variables && Object.prototype.hasOwnProperty.call(run.variables, variable)
      ? run.variables[variable]
      : undefined;
  if (value === undefined) value = plan.defaults[variable];
  if (value === undefined) throw new Error(`Missing value for variable $${variable} (and no default found)`);
  if (typeof value !== 'boolean')
    throw new Error(`Invalid non-boolean value ${printValue(value)} for Boolean! variable $${variable}`);
  return value;
}

/** The values at `path` (`@` steps into every list element), as Apollo's `flattenResultsAtPath`. */
function flattenAt(value: unknown, path: string[], from: number): unknown {
  for (let step = from; step < path.length; step++) {
    if (value === undefined || value === null) return value;
    const head = path[step]!;
    if (head === '@') {
      const out: unknown[] = [];
      for (const element of value as unknown[]) gather(element, path, step + 1, out);
      return out;
    }
    value = field(value, head);
  }
  return value;
}

/** One list element's values at the rest of `path`, appended to `out` (flatMap, without the copies). */
function gather(value: unknown, path: string[], from: number, out: unknown[]): void {
  for (let step = from; step < path.length; step++) {
    if (value === undefined || value === null) {
      out.push(value);
      return;
    }
    const head = path[step]!;
    if (head === '@') {
      for (const element of value as unknown[]) gather(element, path, step + 1, out);
      return;
    }
    value = field(value, head);
  }
  if (Array.isArray(value)) for (const element of value) out.push(element);
  else out.push(value);
}

function field(value: unknown, name: string): unknown {
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${name}`);
  const object = value as Record<string, unknown>;
  return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
}

async function runFetch(fetch: CompiledFetch, run: PlanRun, cursor: Cursor): Promise<void> {
  const entities: Record<string, unknown>[] = Array.isArray(cursor.data)
    ? (cursor.data as (Record<string, unknown> | null | undefined)[]).filter(
        (entity): entity is Record<string, unknown> => entity !== null && entity !== undefined,
      )
    : [cursor.data as Record<string, unknown>];
  if (entities.length === 0) return;
  const variables = fetch.fixed ? null : usedVariables(fetch, run.variables);

  if (!fetch.representation) {
    const body = fetch.fixed ? fetch.body : `${fetch.body}${JSON.stringify(variables)}}`;
    const received = await send(fetch, run, cursor, body);
    for (const entity of entities) deepMerge(entity, received);
    return;
  }

  // Identical representations are sent once (the nested query repeats the same product many
  // times); every entity that had one gets the answer, and an error on it is reported at each
  // of their paths, as if the subgraph had been sent every copy.
  const unique = new Map<string, number>();
  const serialised: string[] = [];
  const owners: number[] = [];
  const answerOf: number[] = [];
  for (let index = 0; index < entities.length; index++) {
    const representation = fetch.representation(entities[index]!);
    if (!representation) continue;
    const key = JSON.stringify(representation);
    let position = unique.get(key);
    if (position === undefined) {
      position = serialised.length;
      unique.set(key, position);
      serialised.push(key);
    }
    owners.push(index);
    answerOf.push(position);
  }
  if (owners.length === 0) return;
  if (variables && 'representations' in variables)
    throw new Error(`Variables cannot contain key "representations"`);
  const others = variables ? JSON.stringify(variables) : '{}';
  const representations = `"representations":[${serialised.join(',')}]}}`;
  const body =
    others === '{}'
      ? `${fetch.body}{${representations}`
      : `${fetch.body}${others.slice(0, -1)},${representations}`;
  const answer = await run.call(fetch.serviceName, body);
  if (answer.errors) reportEntityErrors(fetch, run, cursor, answer.errors, answerOf);
  const received = answer.data;
  if (!received) return;
  const answered = received._entities;
  if (!answered || !Array.isArray(answered))
    throw new Error(`Expected "data._entities" in response to be an array`);
  if (answered.length !== serialised.length)
    throw new Error(`Expected "data._entities" to contain ${owners.length} elements`);
  for (let index = 0; index < owners.length; index++) {
    const receivedEntity = answered[answerOf[index]!] as Record<string, unknown> | null;
    const entity = entities[owners[index]!]!;
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = entity.__typename;
    deepMerge(entity, receivedEntity);
  }
}

/**
 * An entity fetch's errors where Apollo would put them had every representation been sent:
 * an error on `_entities[u]` once per representation that `u` stands for, in their order.
 */
function reportEntityErrors(
  fetch: CompiledFetch,
  run: PlanRun,
  cursor: Cursor,
  errors: readonly GraphQLFormattedError[],
  answerOf: number[],
): void {
  const errorPath = errorPathFor(fetch, cursor);
  const byEntity: { index: number; order: number; error: GraphQLError }[] = [];
  errors.forEach((error, order) => {
    const position = error.path?.[1];
    if (error.path?.[0] !== '_entities' || typeof position !== 'number') {
      run.errors.push(downstreamError(error, fetch.serviceName, errorPath));
      return;
    }
    answerOf.forEach((answer, index) => {
      if (answer !== position) return;
      const copy = { ...error, path: ['_entities', index, ...error.path!.slice(2)] };
      byEntity.push({ index, order, error: downstreamError(copy, fetch.serviceName, errorPath) });
    });
  });
  byEntity.sort((left, right) => left.index - right.index || left.order - right.order);
  for (const entry of byEntity) run.errors.push(entry.error);
}

function usedVariables(fetch: CompiledFetch, provided: Record<string, unknown> | undefined) {
  // Variable names are the client's: a null prototype keeps `$__proto__` an ordinary key.
  const variables = Object.create(null) as Record<string, unknown>;
  if (!provided) return variables;
  for (const name of fetch.variableUsages) {
    if (Object.prototype.hasOwnProperty.call(provided, name) && provided[name] !== undefined)
      variables[name] = provided[name];
  }
  return variables;
}

async function send(
  fetch: CompiledFetch,
  run: PlanRun,
  cursor: Cursor,
  body: string,
): Promise<Record<string, unknown> | null | undefined> {
  const answer = await run.call(fetch.serviceName, body);
  if (answer.errors) {
    const errorPath = errorPathFor(fetch, cursor);
    for (const error of answer.errors) run.errors.push(downstreamError(error, fetch.serviceName, errorPath));
  }
  return answer.data;
}

/** Where a subgraph error's path lands in the client's answer (entity errors: by representation). */
function errorPathFor(fetch: CompiledFetch, cursor: Cursor) {
  let hydrated: (string | number)[][] | undefined;
  return (path: Path | undefined): (string | number)[] | undefined => {
    if (fetch.representation && typeof path?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        hydratePaths([], cursor.path, 0, cursor.fullResult, hydrated);
      }
      return [...(hydrated[path[1]] ?? []), ...path.slice(2)];
    }
    return path ? [...cursor.path, ...path] : undefined;
  };
}

function hydratePaths(
  parent: (string | number)[],
  path: string[],
  from: number,
  data: unknown,
  result: (string | number)[][],
): void {
  if (data === null || data === undefined) return;
  const head = path[from];
  if (head === undefined) {
    result.push(parent.slice());
  } else if (head === '@') {
    if (!Array.isArray(data)) throw new Error('expected array when encountering `@`');
    data.forEach((value, index) => {
      parent.push(index);
      hydratePaths(parent, path, from + 1, value, result);
      parent.pop();
    });
  } else if (Array.isArray(data)) {
    data.forEach((value, index) => {
      parent.push(index);
      hydratePaths(parent, path, from, value, result);
      parent.pop();
    });
  } else if (Object.prototype.hasOwnProperty.call(data, head)) {
    parent.push(head);
    hydratePaths(parent, path, from + 1, (data as Record<string, unknown>)[head], result);
    parent.pop();
  }
}

/** A subgraph's error as @apollo/gateway passes it on: its code kept, `serviceName` added. */
function downstreamError(
  original: GraphQLFormattedError,
  serviceName: string,
  errorPath: (path: Path | undefined) => (string | number)[] | undefined,
): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const options = {
    originalError: original as Error,
    path: errorPath(original.path),
    extensions: { ...original.extensions, serviceName },
  };
  const codeDefinition = errorCodeDef(original);
  if (!codeDefinition && original.extensions?.code) return new GraphQLError(message, options);
  return (codeDefinition ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}

/** @apollo/gateway's merge of fetched data into what is there (objects merged, same-length lists by element). */
export function deepMerge(
  target: Record<string, unknown>,
  source: Record<string, unknown> | null | undefined,
): void {
  if (source === undefined || source === null) return;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(target, key) && key in target)
      Object.defineProperty(target, key, {
        configurable: true,
        enumerable: true,
        value: undefined,
        writable: true,
      });
    const existing = target[key];
    if (existing && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      deepMerge(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
      for (let index = 0; index < value.length; index++) {
        const from = value[index] as unknown;
        const into = existing[index] as unknown;
        if (isPlainObject(into) && isPlainObject(from))
          deepMerge(into as Record<string, unknown>, from as Record<string, unknown>);
        else existing[index] = from;
      }
    } else {
      target[key] = value;
    }
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
