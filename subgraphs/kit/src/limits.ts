/**
 * Operation limits, shared by the gateway (first line) and every subgraph (second line): depth,
 * aliases and directives through graphql-armor's validation rules, tokens through graphql-js's own
 * `maxTokens`, at most one of each expensive mutation (log-in, sign-up, refresh) per document, and
 * a pagination-aware cost estimate that reads list sizes from the schema's `@listSize` annotations.
 *
 * Depth, aliases, directives and single-use fields do not depend on variables, so they are
 * validation rules (Apollo caches a validated document). Cost depends on `first`/`last` and on the
 * number of entity representations, so it is checked per request with that request's variables.
 * Outside development the errors say only which kind of limit was hit, never the limit or the value.
 */
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
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
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { ErrorCode } from './errors';

export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  /** Mutations that may appear at most once in one document (each costs seconds of hashing). */
  singleUseFields: readonly string[];
  /** Say the limit and the measured value in errors (development only). */
  exposeLimits: boolean;
}

/**
 * Close to graphql-armor's defaults (depth 6, aliases 15, directives 50, tokens 1,000), sized by
 * the clients' largest real operations (`npm run bench:limits`): the deepest (Dashboard) reaches
 * depth 7, the longest document about 240 tokens, and the costliest (Dashboard: 20 enrollments of
 * up to 500 lessons each) an estimated 60,324 against a budget of 100,000.
 */
export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 8,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2_000,
  maxCost: 100_000,
  singleUseFields: [
    'sessionCreate',
    'sessionRefresh',
    'userRegister',
    'passwordResetRequest',
    'passwordResetComplete',
  ],
  exposeLimits: false,
};

/**
 * A subgraph receives the gateway's query-plan fetches, which wrap the client's selections in
 * `_entities(...) { ... on T }` and may alias fields to merge them: a little more room than the
 * gateway gives clients, and the same cost budget.
 */
export function subgraphLimits(gateway: OperationLimits): OperationLimits {
  return {
    ...gateway,
    maxDepth: gateway.maxDepth + 2,
    maxAliases: gateway.maxAliases * 2,
    maxTokens: gateway.maxTokens * 4,
  };
}

/** Length of a list without `first`/`last` or a `@listSize` annotation: deliberately pessimistic. */
export const UNANNOTATED_LIST_SIZE = 100;

export type LimitName = 'depth' | 'aliases' | 'directives' | 'cost' | 'tokens' | 'singleUse';

const LABELS: Record<LimitName, string> = {
  depth: 'Query depth',
  aliases: 'Query alias count',
  directives: 'Query directive count',
  cost: 'Query cost',
  tokens: 'Query token count',
  singleUse: 'Repeated field',
};

/**
 * The one error every limit raises (HTTP 400). With `exposeLimits` it says `Query depth 40 exceeds
 * the limit of 12.`; otherwise only that the operation is too complex, and which limit.
 */
export function operationTooComplex(
  limit: LimitName,
  value: number,
  maximum: number,
  exposeLimits: boolean,
  detail?: string,
): GraphQLError {
  const message = exposeLimits
    ? (detail ?? `${LABELS[limit]} ${value} exceeds the limit of ${maximum}.`)
    : `The operation is too complex (${LABELS[limit].toLowerCase()}).`;
  return new GraphQLError(message, {
    extensions: {
      code: ErrorCode.OPERATION_TOO_COMPLEX,
      limit,
      ...(exposeLimits ? { value, maximum } : {}),
      http: { status: 400 },
    },
  });
}

/** graphql-armor's messages read `Syntax Error: Query depth limit of 8 exceeded, found 9.` */
function armorValue(error: GraphQLError): number {
  const found = /found (\d+)/.exec(error.message);
  return found ? Number(found[1]) : 0;
}

/**
 * graphql-armor reports with a bare GraphQLError; its rejection is turned into ours (with a code
 * and, in development, the figures) and reported instead of thrown.
 */
function armored(limit: LimitName, maximum: number, exposeLimits: boolean) {
  return {
    n: maximum,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(operationTooComplex(limit, armorValue(error), maximum, exposeLimits)),
    ],
  };
}

/** The variable-independent limits as validation rules, to add to graphql-js's `specifiedRules`. */
export function operationLimitRules(limits: OperationLimits): ValidationRule[] {
  const { exposeLimits } = limits;
  return [
    maxDepthRule({ ...armored('depth', limits.maxDepth, exposeLimits), flattenFragments: true }),
    maxAliasesRule(armored('aliases', limits.maxAliases, exposeLimits)),
    maxDirectivesRule(armored('directives', limits.maxDirectives, exposeLimits)),
    singleUseFieldsRule(limits.singleUseFields, exposeLimits),
  ];
}

/** Rejects a document that selects one of `fields` more than once at the root of an operation. */
export function singleUseFieldsRule(fields: readonly string[], exposeLimits: boolean): ValidationRule {
  const guarded = new Set(fields);
  return (context) => ({
    OperationDefinition(operation) {
      const counts = new Map<string, number>();
      const visit = (selectionSet: SelectionSetNode, seen: Set<string>) => {
        for (const selection of selectionSet.selections) {
          if (selection.kind === Kind.FIELD) {
            const name = selection.name.value;
            if (guarded.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
          } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
          else if (!seen.has(selection.name.value)) {
            seen.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) visit(fragment.selectionSet, seen);
          }
        }
      };
      visit(operation.selectionSet, new Set());
      for (const [name, count] of counts) {
        if (count > 1) {
          context.reportError(
            operationTooComplex(
              'singleUse',
              count,
              1,
              exposeLimits,
              `${name} may appear only once per operation.`,
            ),
          );
        }
      }
    },
  });
}

/** `Type.field` → the number of items a list (or a page without `first`) may hold. */
export type ListSizes = ReadonlyMap<string, number>;

/**
 * Reads `@listSize(assumedSize: N)` (the demand-control directive of Federation 2.9, possibly
 * renamed `@federation__listSize` or `@cost__listSize`) from SDL: a subgraph's or the supergraph.
 */
export function listSizesFromSdl(document: DocumentNode): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    for (const field of definition.fields ?? []) {
      for (const directive of field.directives ?? []) {
        const name = directive.name.value;
        if (name !== 'listSize' && !name.endsWith('__listSize')) continue;
        const assumed = directive.arguments?.find((argument) => argument.name.value === 'assumedSize');
        if (assumed?.value.kind === Kind.INT) {
          sizes.set(`${definition.name.value}.${field.name.value}`, Number(assumed.value.value));
        }
      }
    }
  }
  return sizes;
}

type Fragments = (name: string) => FragmentDefinitionNode | undefined;

/** The fragments of a document by name. */
export function fragmentsOf(document: DocumentNode): Fragments {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return (name) => fragments.get(name);
}

/**
 * Estimated cost: every field costs 1. A field's subtree is multiplied by its page size — `first`
 * or `last` (a literal, or a variable's value or default), else the argument's schema default, else
 * its `@listSize` — and a list field's by its `@listSize` (UNANNOTATED_LIST_SIZE when it has none).
 * `edges`/`nodes` under a paged field are not multiplied again. `_entities` (a subgraph's fetch
 * from the gateway) is multiplied by the number of representations. Introspection is free.
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Fragments,
  variables: Record<string, unknown> = {},
  listSizes: ListSizes = new Map(),
): number {
  const defaults = new Map<string, unknown>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue)
      defaults.set(definition.variable.name.value, valueFromASTUntyped(definition.defaultValue));
  }
  const valueOf = (argument: ArgumentNode): unknown => {
    if (argument.value.kind !== Kind.VARIABLE) return valueFromASTUntyped(argument.value, variables);
    const name = argument.value.name.value;
    return name in variables ? variables[name] : defaults.get(name);
  };
  const memo = new Map<string, number>();
  const visiting = new Set<string>();

  const pageSize = (field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[] = []) => {
    let size: number | undefined;
    for (const argument of args) {
      if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
      const value = valueOf(argument);
      if (typeof value === 'number' && Number.isFinite(value)) size = Math.max(size ?? 0, Math.max(0, value));
    }
    if (size !== undefined) return size;
    const schemaDefault = field.args.find((arg) => arg.name === 'first')?.defaultValue;
    return typeof schemaDefault === 'number' ? schemaDefault : undefined;
  };

  const costOf = (
    parent: GraphQLNamedType | undefined,
    selectionSet: SelectionSetNode | undefined,
    paged: boolean,
  ): number => {
    let total = 0;
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (!field) continue; // unknown fields are reported by the standard validation rules
        const isList = isListType(getNullableType(field.type));
        const annotated = parent ? listSizes.get(`${parent.name}.${name}`) : undefined;
        let size = pageSize(field, selection.arguments);
        if (size === undefined && name === '_entities') size = representationCount(selection.arguments);
        if (size === undefined && !isList) size = annotated;
        const multiplier =
          size ??
          (isList
            ? paged && (name === 'edges' || name === 'nodes')
              ? 1
              : (annotated ?? UNANNOTATED_LIST_SIZE)
            : 1);
        total +=
          1 + multiplier * costOf(getNamedType(field.type), selection.selectionSet, size !== undefined);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        total += costOf(type ?? undefined, selection.selectionSet, paged);
      } else {
        const fragment = fragments(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        total += memoized(
          `${selection.name.value}:${paged}`,
          () => costOf(type ?? undefined, fragment?.selectionSet, paged),
          memo,
          visiting,
        );
      }
    }
    return total;
  };

  const representationCount = (args: readonly ArgumentNode[] = []) => {
    const argument = args.find((arg) => arg.name.value === 'representations');
    const value = argument ? valueOf(argument) : undefined;
    return Array.isArray(value) ? value.length : undefined;
  };

  const root = schema.getRootType(operation.operation) ?? undefined;
  return costOf(root, operation.selectionSet, false);
}

/** The cost check for one request: the limit error to answer with, if the estimate is over it. */
export function costLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: Pick<OperationLimits, 'maxCost' | 'exposeLimits'>,
  listSizes: ListSizes,
): GraphQLError | undefined {
  const cost = operationCost(schema, operation, fragmentsOf(document), variables, listSizes);
  return cost > limits.maxCost
    ? operationTooComplex('cost', cost, limits.maxCost, limits.exposeLimits)
    : undefined;
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
  limits: Pick<OperationLimits, 'maxTokens' | 'exposeLimits'>,
): GraphQLError | undefined {
  if (countTokens(source, errorPosition) <= limits.maxTokens) return undefined;
  return operationTooComplex('tokens', countTokens(source), limits.maxTokens, limits.exposeLimits);
}

/** A parse failure caused by the token limit, recognised from the error graphql-js raised. */
export function tokenLimitOf(
  error: unknown,
  limits: Pick<OperationLimits, 'maxTokens' | 'exposeLimits'>,
): GraphQLError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const position = error.positions?.[0];
  const body = error.source?.body;
  return body === undefined || position === undefined ? undefined : tokenLimitError(body, position, limits);
}

/** True when the error, or one it wraps, is a limit violation. */
export function isLimitViolation(error: unknown): boolean {
  for (let current: unknown = error, hops = 0; current instanceof GraphQLError && hops < 3; hops++) {
    if (current.extensions.code === ErrorCode.OPERATION_TOO_COMPLEX) return true;
    current = current.originalError;
  }
  return false;
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
