/**
 * The response shaper: turns the data the query plan's fetches merged together into the client's
 * answer, following the operation's selection set (aliases, `__typename`, fragments on abstract
 * types, `@skip`/`@include`, null propagation on non-null fields, leaf value checks).
 *
 * It gives the same answer as @apollo/gateway's post-processing (`computeResponse`), but the
 * selection set is compiled once per operation: directives, type conditions, leaf checks and the
 * type names used in error messages are worked out at compile time, so the per-request pass only
 * walks the data. Fragments with a type condition keep a memo of "does this __typename match".
 */
import {
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  typenameFieldName,
  Variable,
  type CompositeType,
  type NamedType,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/** What the compiler reads of an applied `@skip`/`@include`. */
interface AppliedDirective {
  readonly name: string;
  arguments(): Record<string, unknown>;
}

/** A value in an internal error message (these are masked before they reach a client). */
export function printValue(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** `true`/`false` known at compile time, or the name of the Boolean variable that decides. */
type Flag = boolean | string;

interface Condition {
  skip: Flag | null;
  include: Flag | null;
}

/** How one position in the answer is completed: the type's wrappers down to its named type. */
type Completion = { hasSelections: boolean } & (
  | { kind: 'nonNull'; of: Completion; innerName: string }
  | { kind: 'list'; of: Completion; name: string }
  | { kind: 'leaf'; valid: (value: unknown) => boolean; name: string }
  | { kind: 'composite'; name: string; selections: CompiledSelection[] | null }
);

type CompiledSelection =
  | {
      kind: 'field';
      responseName: string;
      condition: Condition | null;
      typename: boolean;
      completion: Completion;
    }
  | {
      kind: 'fragment';
      condition: Condition | null;
      /** The fragment's type condition; null when it has none. */
      typeCondition: string | null;
      selections: CompiledSelection[];
    };

export interface ShapeResult {
  data: Record<string, unknown> | null;
  errors: GraphQLError[];
}

export interface ResponseShaper {
  /** Whether the operation selects `__schema`/`__type` (the shaper does not answer those). */
  readonly hasIntrospection: boolean;
  /** Introspection, or a response name the shaper's plain objects cannot hold (`__proto__`). */
  readonly unsupported: boolean;
  shape(input: Record<string, unknown>, variables: Record<string, unknown> | undefined): ShapeResult;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const NULL_BUBBLE_UP = 1;
const OK = 0;

/** Compiles `operation` (built over the API schema) into a shaper. */
export function compileShaper(operation: Operation): ResponseShaper {
  const schema = operation.schema();
  const facts = new SchemaFacts(schema);
  let hasIntrospection = false;
  let unsafeName = false;

  const conditionOf = (directives: readonly AppliedDirective[]): Condition | null => {
    const skip = directives.find((directive) => directive.name === 'skip');
    const include = directives.find((directive) => directive.name === 'include');
    if (!skip && !include) return null;
    const flag = (directive: AppliedDirective | undefined): Flag | null => {
      if (!directive) return null;
      const value = directive.arguments().if;
      return value instanceof Variable ? value.name : Boolean(value);
    };
    return { skip: flag(skip), include: flag(include) };
  };

  const completionOf = (type: Type, selectionSet: SelectionSet | undefined): Completion => {
    // Apollo keeps a merged value as-is when the field has no selection set, at every wrapper.
    const hasSelections = selectionSet !== undefined;
    if (isNonNullType(type))
      return {
        kind: 'nonNull',
        hasSelections,
        of: completionOf(type.ofType as Type, selectionSet),
        innerName: String(type.ofType),
      };
    if (isListType(type))
      return {
        kind: 'list',
        hasSelections,
        of: completionOf(type.ofType as Type, selectionSet),
        name: String(type),
      };
    if (isCompositeType(type))
      return {
        kind: 'composite',
        hasSelections,
        name: type.name,
        selections: selectionSet ? compile(selectionSet) : null,
      };
    return { kind: 'leaf', hasSelections, valid: leafCheck(schema, type), name: String(type) };
  };

  const compile = (selectionSet: SelectionSet): CompiledSelection[] =>
    selectionSet.selections().map((selection): CompiledSelection => {
      const condition = conditionOf(selection.element.appliedDirectives);
      if (selection.kind === 'FieldSelection') {
        const field = selection.element;
        if (field.definition.isSchemaIntrospectionField()) hasIntrospection = true;
        if (field.responseName() === '__proto__') unsafeName = true;
        return {
          kind: 'field',
          responseName: field.responseName(),
          condition,
          typename: field.name === typenameFieldName,
          completion: completionOf(field.definition.type!, selection.selectionSet),
        };
      }
      return {
        kind: 'fragment',
        condition,
        typeCondition: selection.element.typeCondition?.name ?? null,
        selections: compile(selection.selectionSet),
      };
    });

  const root = compile(operation.selectionSet);
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!.name;
  const defaults = operation.collectDefaultedVariableValues();

  return {
    hasIntrospection,
    unsupported: hasIntrospection || unsafeName,
    shape(input, variables) {
      const run: Run = {
        facts,
        variables: { __proto__: null, ...defaults, ...variables },
        errors: [],
        path: [],
        invalid: false,
        hasErrors: false,
      };
      const data: Record<string, unknown> = {};
      const result = applySelections(run, input, root, data, rootType);
      return { data: result === NULL_BUBBLE_UP ? null : data, errors: run.errors };
    },
  };
}

interface Run {
  facts: SchemaFacts;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  path: (string | number)[];
  /** Set by `complete`: the value it returned is a null in a non-null position. */
  invalid: boolean;
  /** Set by `complete`: an error was recorded for the value it returned. */
  hasErrors: boolean;
}

/** Type questions answered from the schema once and remembered. */
class SchemaFacts {
  private readonly subtype = new Map<string, boolean>();
  private readonly objects = new Map<string, boolean>();
  private readonly composites = new Map<string, boolean>();

  constructor(private readonly schema: Schema) {}

  /** Whether `name` is a type of the schema that satisfies the type condition `condition`. */
  satisfies(condition: string, name: string): boolean {
    const key = `${condition}\u0000${name}`;
    let verdict = this.subtype.get(key);
    if (verdict === undefined) {
      const conditionType = this.schema.type(condition);
      const type = this.schema.type(name);
      verdict =
        !!conditionType &&
        !!type &&
        isCompositeType(conditionType) &&
        isSubtype(conditionType, type as CompositeType);
      this.subtype.set(key, verdict);
    }
    return verdict;
  }

  isObject(name: string): boolean {
    let verdict = this.objects.get(name);
    if (verdict === undefined) {
      const type = this.schema.type(name);
      verdict = !!type && isObjectType(type);
      this.objects.set(name, verdict);
    }
    return verdict;
  }

  isComposite(name: string): boolean {
    let verdict = this.composites.get(name);
    if (verdict === undefined) {
      const type = this.schema.type(name);
      verdict = !!type && isCompositeType(type);
      this.composites.set(name, verdict);
    }
    return verdict;
  }

  exists(name: string): boolean {
    return this.schema.type(name) !== undefined;
  }
}

/** The leaf check of @apollo/federation-internals' `isValidLeafValue`, decided per type once. */
function leafCheck(schema: Schema, type: NamedType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.booleanType();
  const isInt = type === schema.intType() || type === schema.idType();
  const isFloat = type === schema.floatType();
  const enumValues = isEnumType(type) ? new Set(type.values.map((value) => value.name)) : null;
  const stringOk = !isBoolean && type !== schema.intType() && !isFloat;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    if (typeof value === 'number' && Number.isFinite(value)) {
      if (isInt) return INTEGER.test(String(value));
      return isFloat;
    }
    if (typeof value === 'string') return enumValues ? enumValues.has(value) : stringOk;
    return false;
  };
}

function flagValue(run: Run, flag: Flag): boolean {
  if (typeof flag === 'boolean') return flag;
  const value = run.variables[flag];
  if (typeof value !== 'boolean')
    throw new Error(`Unexpected value ${printValue(value)} for variable $${flag} of @skip/@include`);
  return value;
}

function skipped(run: Run, condition: Condition | null): boolean {
  if (!condition) return false;
  if (condition.skip !== null && flagValue(run, condition.skip)) return true;
  return condition.include !== null && !flagValue(run, condition.include);
}

function applySelections(
  run: Run,
  input: Record<string, unknown>,
  selections: CompiledSelection[],
  output: Record<string, unknown>,
  parentType: string,
): number {
  for (let index = 0; index < selections.length; index++) {
    const selection = selections[index]!;
    if (selection.condition && skipped(run, selection.condition)) continue;
    if (selection.kind === 'field') {
      const { responseName } = selection;
      const outputValue = output[responseName];
      let inputValue = Object.prototype.hasOwnProperty.call(input, responseName)
        ? input[responseName]
        : undefined;
      if (inputValue === undefined) inputValue = null;
      if (selection.typename) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== typenameFieldName)
            inputValue = input[typenameFieldName] ?? null;
          const typeName =
            typeof inputValue === 'string' && run.facts.exists(inputValue) ? inputValue : parentType;
          if (!run.facts.isObject(typeName)) return NULL_BUBBLE_UP;
          output[responseName] = typeName;
        }
        continue;
      }
      run.path.push(responseName);
      output[responseName] = complete(run, outputValue, selection.completion, inputValue, parentType);
      run.path.pop();
      if (run.invalid) return NULL_BUBBLE_UP;
    } else {
      const typename = input[typenameFieldName];
      if (typename && typeof typename !== 'string')
        throw new Error(`Got unexpected value for __typename: ${printValue(typename)}`);
      const applies =
        selection.typeCondition === null ||
        run.facts.satisfies(selection.typeCondition, typename ? (typename as string) : parentType);
      if (applies) {
        const result = applySelections(
          run,
          input,
          selection.selections,
          output,
          selection.typeCondition ?? parentType,
        );
        if (result === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
      }
    }
  }
  return OK;
}

function describeLast(path: (string | number)[], currentType: string, parentType: string): string {
  const element = path[path.length - 1];
  return typeof element === 'string'
    ? `field ${parentType}.${element}`
    : `array element of type ${currentType} at index ${element}`;
}

/**
 * Completes one position of the answer (Apollo's `updateOutputValue`). Returns the value; whether
 * it was invalid (a null in a non-null position) and whether an error was recorded are left in
 * `run.invalid` and `run.hasErrors`, so the pass allocates nothing but the answer itself.
 */
function complete(
  run: Run,
  outputValue: unknown,
  completion: Completion,
  inputValue: unknown,
  parentType: string,
): unknown {
  run.invalid = false;
  run.hasErrors = false;
  if (outputValue === null || (outputValue !== undefined && !completion.hasSelections)) return outputValue;
  switch (completion.kind) {
    case 'nonNull': {
      const value = complete(run, outputValue, completion.of, inputValue, parentType);
      if (value === null) {
        if (!run.hasErrors)
          run.errors.push(
            ERRORS.INVALID_GRAPHQL.err(
              `Cannot return null for non-nullable ${describeLast(run.path, completion.innerName, parentType)}.`,
              { path: Array.from(run.path) },
            ),
          );
        run.invalid = true;
        run.hasErrors = true;
        return null;
      }
      run.invalid = false;
      run.hasErrors = false;
      return value;
    }
    case 'list': {
      if (inputValue === null) return null;
      if (!Array.isArray(inputValue))
        throw new Error(
          `Invalid non-list value ${printValue(inputValue)} returned by subgraph for list type ${completion.name}`,
        );
      if (outputValue !== undefined && !Array.isArray(outputValue))
        throw new Error(
          `Invalid non-list value ${printValue(outputValue)} returned by subgraph for list type ${completion.name}`,
        );
      const outputs = outputValue as unknown[] | undefined;
      if (outputs && outputs.length !== inputValue.length)
        throw new Error(
          `[${printValue(inputValue)}].length (${inputValue.length}) !== [${printValue(outputs)}].length (${outputs.length})`,
        );
      let nullify = false;
      let hasErrors = false;
      const updated = new Array<unknown>(inputValue.length);
      for (let index = 0; index < inputValue.length; index++) {
        run.path.push(index);
        updated[index] = complete(run, outputs?.[index], completion.of, inputValue[index], parentType);
        run.path.pop();
        if (run.invalid) nullify = true;
        if (run.hasErrors) hasErrors = true;
      }
      run.invalid = false;
      run.hasErrors = hasErrors;
      return nullify ? null : updated;
    }
    case 'composite': {
      if (inputValue === null) return null;
      if (!completion.selections)
        throw new Error(`Invalid empty selection set for composite type ${completion.name}`);
      if (typeof inputValue !== 'object')
        throw new Error(
          `Invalid non-object value ${printValue(inputValue)} returned by subgraph for composite type ${completion.name}`,
        );
      const input = inputValue as Record<string, unknown>;
      const inputTypename = input[typenameFieldName];
      if (inputTypename !== undefined && typeof inputTypename !== 'string')
        throw new Error(
          `Invalid non-string value ${printValue(inputTypename)} for __typename at ${run.path.join(',')}`,
        );
      let objectType = completion.name;
      if (inputTypename) {
        if (!run.facts.isComposite(inputTypename)) {
          run.errors.push(
            ERRORS.INVALID_GRAPHQL.err(
              `Invalid __typename found for object at ${describeLast(run.path, completion.name, parentType)}.`,
              { path: Array.from(run.path) },
            ),
          );
          run.hasErrors = true;
          return null;
        }
        objectType = inputTypename;
      }
      // Plain objects (response names never are `__proto__`: such operations go to Apollo).
      const output = (outputValue === undefined ? {} : outputValue) as Record<string, unknown>;
      const failed =
        applySelections(run, input, completion.selections, output, objectType) === NULL_BUBBLE_UP;
      run.invalid = false;
      run.hasErrors = failed;
      return failed ? null : output;
    }
    case 'leaf': {
      if (inputValue === null) return null;
      if (outputValue !== undefined)
        throw new Error(`Excepted output to be undefined for type ${completion.name}`);
      if (completion.valid(inputValue)) return inputValue;
      run.errors.push(
        ERRORS.INVALID_GRAPHQL.err(
          `Invalid value found for ${describeLast(run.path, completion.name, parentType)}.`,
          {
            path: Array.from(run.path),
          },
        ),
      );
      run.hasErrors = true;
      return null;
    }
  }
}
