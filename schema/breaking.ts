/**
 * The breaking-change check of the public contract: @graphql-inspector/core's `diff` of the last
 * released API schema (schema/released/api.graphql) against the current one (schema/api.graphql).
 * A BREAKING change fails the check unless what it breaks was `@deprecated` in the release, which
 * is the deprecation policy in docs/partners/deprecation.md: deprecate in one release, remove in a
 * later one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { API_SCHEMA_PATH, REPO_ROOT } from './subgraphs';

export const RELEASED_API_SCHEMA_PATH = join(REPO_ROOT, 'schema', 'released', 'api.graphql');

/** One change as the check reports it: where, what, and the library's reason when it gives one. */
export interface ContractChange {
  path: string;
  type: string;
  message: string;
}

export interface BreakingCheckResult {
  /** BREAKING changes to things that were not deprecated in the release: these fail the check. */
  breaking: ContractChange[];
  /** BREAKING changes to things deprecated in the release: removals the policy allows. */
  allowedRemovals: ContractChange[];
  /** DANGEROUS changes (a new enum value, a changed default): reported, never failing. */
  dangerous: ContractChange[];
  /** Everything else (additions, descriptions). */
  safe: ContractChange[];
}

const toContractChange = (change: Change): ContractChange => ({
  path: change.path ?? '(schema)',
  type: String(change.type),
  message: change.message,
});

/**
 * Was the element at `path` (`Type.field`, `Type.field.argument`, `Enum.VALUE`, `Input.field`)
 * deprecated in the release? A deprecated field's arguments go with it.
 */
function deprecatedIn(schema: GraphQLSchema, path: string): boolean {
  const [typeName, memberName, argumentName] = path.split('.');
  if (!typeName || !memberName) return false;
  const type = schema.getType(typeName);
  if (isEnumType(type)) return Boolean(type.getValue(memberName)?.deprecationReason);
  if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) return false;
  const member = type.getFields()[memberName];
  if (!member) return false;
  if (member.deprecationReason) return true;
  if (!argumentName || !('args' in member)) return false;
  return Boolean(member.args.find((argument) => argument.name === argumentName)?.deprecationReason);
}

/**
 * GraphQL cannot deprecate a type, so a type may go once everything that used it in the release
 * (fields, arguments, input fields) was deprecated, and at least one thing was.
 */
function onlyUsedByDeprecated(schema: GraphQLSchema, typeName: string): boolean {
  /** Each place a type can be used, and whether it (or the field it belongs to) was deprecated. */
  const uses: { type: GraphQLType; deprecated: boolean }[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name === typeName) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        uses.push({ type: field.type, deprecated: Boolean(field.deprecationReason) });
        for (const argument of field.args)
          uses.push({
            type: argument.type,
            deprecated: Boolean(field.deprecationReason || argument.deprecationReason),
          });
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        uses.push({ type: field.type, deprecated: Boolean(field.deprecationReason) });
    }
  }
  const ofType = uses.filter((use) => getNamedType(use.type).name === typeName);
  return ofType.length > 0 && ofType.every((use) => use.deprecated);
}

function allowedByDeprecation(released: GraphQLSchema, change: Change): boolean {
  if (!change.path) return false;
  if (change.type === 'TYPE_REMOVED') return onlyUsedByDeprecated(released, change.path);
  return deprecatedIn(released, change.path);
}

export async function checkBreakingChanges(
  releasedSdl: string,
  currentSdl: string,
): Promise<BreakingCheckResult> {
  const released = buildSchema(releasedSdl);
  const current = buildSchema(currentSdl);
  const result: BreakingCheckResult = { breaking: [], allowedRemovals: [], dangerous: [], safe: [] };
  for (const change of await diff(released, current)) {
    const level = change.criticality.level;
    if (level === CriticalityLevel.Breaking)
      (allowedByDeprecation(released, change) ? result.allowedRemovals : result.breaking).push(
        toContractChange(change),
      );
    else if (level === CriticalityLevel.Dangerous) result.dangerous.push(toContractChange(change));
    else result.safe.push(toContractChange(change));
  }
  return result;
}

/** The check's report, one line per change, as `npm run check:breaking` prints it. */
export function formatReport(result: BreakingCheckResult): string {
  const lines = [
    ...result.breaking.map((c) => `BREAKING  ${c.path}: ${c.message}`),
    ...result.allowedRemovals.map((c) => `allowed   ${c.path}: ${c.message}`),
    ...result.dangerous.map((c) => `dangerous ${c.path}: ${c.message}`),
  ];
  const summary =
    result.breaking.length > 0
      ? `${result.breaking.length} breaking change(s) to the released contract. Deprecate first ` +
        '(@deprecated(reason: "...")), release, and remove in a later release; see docs/partners/deprecation.md.'
      : `No breaking changes against the released contract (${result.allowedRemovals.length} deprecated ` +
        `removal(s), ${result.dangerous.length} dangerous, ${result.safe.length} safe).`;
  return [...lines, summary].join('\n');
}

export function readContracts(
  releasedPath = RELEASED_API_SCHEMA_PATH,
  currentPath = API_SCHEMA_PATH,
): { releasedSdl: string; currentSdl: string } {
  return { releasedSdl: readFileSync(releasedPath, 'utf8'), currentSdl: readFileSync(currentPath, 'utf8') };
}
