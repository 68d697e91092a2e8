/**
 * Operation limits: depth, aliases, estimated cost and token count. A public endpoint must refuse
 * documents that are cheap to send and expensive to plan or execute (depth bombs, alias bombs,
 * nested page sizes). Everything here is pure; the gateway wires it into Apollo Server.
 *
 * Depth and aliases do not depend on variables, so they are validation rules (Apollo caches a
 * validated document). Cost depends on `first`/`last` variables, so it is checked per request.
 * Tokens are bounded by graphql-js while parsing (`maxTokens`); `tokenLimitError` reports it.
 */
import {
  GraphQLError,
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  valueFromASTUntyped,
  type ArgumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from '@learncraft/kit';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
}

/**
 * Introspection nests `ofType` deeply (the explorer's query reaches depth 13 or so); it is answered
 * from the gateway's in-memory schema, so its root fields get this allowance and cost nothing.
 */
export const INTROSPECTION_MAX_DEPTH = 24;

/** Assumed length of a list field that has no `first`/`last` argument. */
export const DEFAULT_LIST_SIZE = 10;

export type LimitName = 'depth' | 'introspectionDepth' | 'aliases' | 'cost' | 'tokens';

const LABELS: Record<LimitName, string> = {
  depth: 'Query depth',
  introspectionDepth: 'Introspection query depth',
  aliases: 'Query alias count',
  cost: 'Query cost',
  tokens: 'Query token count',
};

/** The one error every limit raises: `Query depth 40 exceeds the limit of 12.` (HTTP 400). */
export function operationTooComplex(limit: LimitName, value: number, maximum: number): GraphQLError {
  return new GraphQLError(`${LABELS[limit]} ${value} exceeds the limit of ${maximum}.`, {
    extensions: { code: ErrorCode.OPERATION_TOO_COMPLEX, limit, value, maximum, http: { status: 400 } },
  });
}

type Fragments = (name: string) => FragmentDefinitionNode | undefined;

const isIntrospectionRoot = (name: string) => name === '__schema' || name === '__type';

/**
 * Depth of an operation: the longest chain of nested fields (`{ a { b } }` is 2), following
 * fragments. `__typename` adds nothing. Returns regular and introspection depth separately.
 */
export function operationDepth(
  operation: OperationDefinitionNode,
  fragments: Fragments,
): { depth: number; introspectionDepth: number } {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  const depthOf = (selectionSet: SelectionSetNode | undefined): number => {
    let deepest = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename')
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depthOf(selection.selectionSet));
      } else {
        const name = selection.name.value;
        deepest = Math.max(
          deepest,
          memoized(name, () => depthOf(fragments(name)?.selectionSet), memo, visiting),
        );
      }
    }
    return deepest;
  };

  let depth = 0;
  let introspectionDepth = 0;
  for (const field of rootFields(operation.selectionSet, fragments)) {
    const fieldDepth = 1 + depthOf(field.selectionSet);
    if (isIntrospectionRoot(field.name.value)) introspectionDepth = Math.max(introspectionDepth, fieldDepth);
    else if (field.name.value !== '__typename') depth = Math.max(depth, fieldDepth);
  }
  return { depth, introspectionDepth };
}

/** Number of aliased fields the operation would resolve: a fragment counts each time it is spread. */
export function operationAliases(operation: OperationDefinitionNode, fragments: Fragments): number {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const aliasesOf = (selectionSet: SelectionSetNode | undefined): number => {
    let count = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD)
        count += (selection.alias ? 1 : 0) + aliasesOf(selection.selectionSet);
      else if (selection.kind === Kind.INLINE_FRAGMENT) count += aliasesOf(selection.selectionSet);
      else {
        const name = selection.name.value;
        count += memoized(name, () => aliasesOf(fragments(name)?.selectionSet), memo, visiting);
      }
    }
    return count;
  };
  return aliasesOf(operation.selectionSet);
}

/**
 * Estimated cost: every field costs 1; a field with `first`/`last` (a literal, or a variable's value
 * or default) multiplies its subtree by that number; a list field without them by
 * DEFAULT_LIST_SIZE, except `edges`/`nodes` directly under a paginated field (the page size already
 * counted them). Introspection and `__typename` are free.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Record<string, unknown> = {},
): number {
  const defaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue)
      defaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  const variableValue = (name: string) => (name in variables ? variables[name] : defaults.get(name));
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  const pageSize = (args: readonly ArgumentNode[] = []) => {
    let size: number | undefined;
    for (const argument of args) {
      if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
      const value =
        argument.value.kind === Kind.VARIABLE
          ? variableValue(argument.value.name.value)
          : valueFromASTUntyped(argument.value);
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.max(0, value));
    }
    return size;
  };

  const costOf = (
    parent: GraphQLNamedType | undefined,
    selectionSet: SelectionSetNode | undefined,
    paginated: boolean,
  ): number => {
    let total = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field) continue; // unknown fields are reported by the standard validation rules
        const size = pageSize(selection.arguments);
        const isList = isListType(getNullableType(field.type));
        const multiplier =
          size ??
          (isList ? (paginated && (name === 'edges' || name === 'nodes') ? 1 : DEFAULT_LIST_SIZE) : 1);
        total +=
          1 + multiplier * costOf(getNamedType(field.type), selection.selectionSet, size !== undefined);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += costOf(type ?? undefined, selection.selectionSet, paginated);
      } else {
        const fragment = fragments(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        total += memoized(
          `${selection.name.value}:${paginated}`,
          () => costOf(type ?? undefined, fragment?.selectionSet, paginated),
          memo,
          visiting,
        );
      }
    }
    return total;
  };

  const root = schema.getRootType(operation.operation) ?? undefined;
  return costOf(root, operation.selectionSet, false);
}

/**
 * Tokens graphql-js counts against `parseOptions.maxTokens` (comments excluded), optionally only
 * those starting at or before `position`. Lexing stops at a lexical error.
 */
export function countTokens(source: string, position = Infinity): number {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    for (
      let token = lexer.advance();
      token.kind !== TokenKind.EOF && token.start <= position;
      token = lexer.advance()
    ) {
      count++;
    }
  } catch {
    // A syntax error: the parser reports it; the tokens before it still count.
  }
  return count;
}

/**
 * graphql-js aborts with a syntax error at the first token past `maxTokens`; its message is not a
 * stable contract, so a parse error is recognised as the token limit by position instead: a genuine
 * syntax error comes at or before token `maxTokens`. Returns the limit error to report, if any.
 */
export function tokenLimitError(
  source: string,
  errorPosition: number,
  maxTokens: number,
): GraphQLError | undefined {
  if (countTokens(source, errorPosition) <= maxTokens) return undefined;
  return operationTooComplex('tokens', countTokens(source), maxTokens);
}

/** Rejects operations nested deeper than `maxDepth` (introspection gets INTROSPECTION_MAX_DEPTH). */
export function maxDepthRule(
  maxDepth: number,
  introspectionMaxDepth = Math.max(maxDepth, INTROSPECTION_MAX_DEPTH),
): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const { depth, introspectionDepth } = operationDepth(
        operation,
        (name) => context.getFragment(name) ?? undefined,
      );
      if (depth > maxDepth) context.reportError(operationTooComplex('depth', depth, maxDepth));
      if (introspectionDepth > introspectionMaxDepth) {
        context.reportError(
          operationTooComplex('introspectionDepth', introspectionDepth, introspectionMaxDepth),
        );
      }
    },
  });
}

/** Rejects operations with more than `maxAliases` aliased fields (alias bombs). */
export function maxAliasesRule(maxAliases: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const aliases = operationAliases(operation, (name) => context.getFragment(name) ?? undefined);
      if (aliases > maxAliases) context.reportError(operationTooComplex('aliases', aliases, maxAliases));
    },
  });
}

/**
 * Rejects operations whose estimated cost exceeds `maxCost`. Cost depends on variables, so run it
 * per request with that request's variables (a validation result is cached per document).
 */
export function maxCostRule(maxCost: number, variables: Record<string, unknown> = {}): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const cost = operationCost(
        context.getSchema(),
        operation,
        (name) => context.getFragment(name) ?? undefined,
        variables,
      );
      if (cost > maxCost) context.reportError(operationTooComplex('cost', cost, maxCost));
    },
  });
}

/**
 * Computes a fragment's value once per operation (so shared fragments cannot blow up the walk); a
 * spread inside its own expansion (a cycle, rejected by NoFragmentCyclesRule anyway) counts as 0.
 */
function memoized(
  key: string,
  compute: () => number,
  memo: Map<string, number>,
  visiting: Set<string>,
): number {
  const known = memo.get(key);
  if (known !== undefined) return known;
  if (visiting.has(key)) return 0;
  visiting.add(key);
  const value = compute();
  visiting.delete(key);
  memo.set(key, value);
  return value;
}

/** The root fields of an operation, looking through inline fragments and spreads at the root. */
function rootFields(
  selectionSet: SelectionSetNode,
  fragments: Fragments,
  seen = new Set<string>(),
): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) fields.push(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      fields.push(...rootFields(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments(selection.name.value);
      if (fragment) fields.push(...rootFields(fragment.selectionSet, fragments, seen));
    }
  }
  return fields;
}
