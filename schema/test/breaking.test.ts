/**
 * The breaking-change check (schema/breaking.ts, `npm run check:breaking`): on the real files, and
 * on copies of the contract with one thing changed, each asserted change by change.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Kind,
  parse,
  print,
  visit,
  type ConstDirectiveNode,
  type EnumValueDefinitionNode,
  type FieldDefinitionNode,
} from 'graphql';
import { RELEASED_API_SCHEMA_PATH, checkBreakingChanges, formatReport, readContracts } from '../breaking';
import { API_SCHEMA_PATH } from '../subgraphs';

const SCHEMA_DIR = join(__dirname, '..');
const api = readFileSync(API_SCHEMA_PATH, 'utf8');

const deprecated = (reason: string): ConstDirectiveNode => ({
  kind: Kind.DIRECTIVE,
  name: { kind: Kind.NAME, value: 'deprecated' },
  arguments: [
    {
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: 'reason' },
      value: { kind: Kind.STRING, value: reason },
    },
  ],
});

type Edit<T> = (node: T) => T | null;

/** A copy of `sdl` with the field `Type.field` edited (null removes it); throws when there is none. */
function editField(
  sdl: string,
  typeName: string,
  fieldName: string,
  edit: Edit<FieldDefinitionNode>,
): string {
  let found = false;
  const document = visit(parse(sdl), {
    ObjectTypeDefinition: (type) => ({
      ...type,
      fields: type.fields?.flatMap((field) => {
        if (type.name.value !== typeName || field.name.value !== fieldName) return [field];
        found = true;
        const edited = edit(field);
        return edited ? [edited] : [];
      }),
    }),
  });
  if (!found) throw new Error(`no field ${typeName}.${fieldName}`);
  return print(document);
}

function editEnumValue(
  sdl: string,
  enumName: string,
  value: string,
  edit: Edit<EnumValueDefinitionNode>,
): string {
  let found = false;
  const document = visit(parse(sdl), {
    EnumTypeDefinition: (type) => ({
      ...type,
      values: type.values?.flatMap((node) => {
        if (type.name.value !== enumName || node.name.value !== value) return [node];
        found = true;
        const edited = edit(node);
        return edited ? [edited] : [];
      }),
    }),
  });
  if (!found) throw new Error(`no enum value ${enumName}.${value}`);
  return print(document);
}

const remove = () => null;
const deprecate = <T extends FieldDefinitionNode | EnumValueDefinitionNode>(node: T): T => ({
  ...node,
  directives: [...(node.directives ?? []), deprecated('Use something else.')],
});

function runCli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'checkBreaking.ts', ...args], {
    cwd: SCHEMA_DIR,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

describe('the breaking-change check on the real files', () => {
  it('finds no breaking change between schema/released/api.graphql and schema/api.graphql', async () => {
    const { releasedSdl, currentSdl } = readContracts();
    const result = await checkBreakingChanges(releasedSdl, currentSdl);
    expect(result.breaking).toEqual([]);
  });

  it('`npm run check:breaking` exits 0 and says so', () => {
    const result = runCli();
    expect(result.status).toBe(0);
    const lines = result.stdout.split('\n');
    // Dangerous changes (e.g. an enum value added) are named, one per line, but do not fail.
    expect(lines.slice(0, -1).filter((line) => !line.startsWith('dangerous '))).toEqual([]);
    expect(lines.at(-1)).toMatch(
      /^No breaking changes against the released contract \(0 deprecated removal\(s\), \d+ dangerous, \d+ safe\)\.$/,
    );
  });

  it('`npm run check:breaking` exits 1 and names the field when the current schema removes one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-breaking-'));
    const current = join(dir, 'api.graphql');
    writeFileSync(current, editField(api, 'Query', 'courseSearch', remove));
    const result = runCli('--released', RELEASED_API_SCHEMA_PATH, '--current', current);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n').filter((line) => !line.startsWith('dangerous '))).toEqual([
      "BREAKING  Query.courseSearch: Field 'courseSearch' was removed from object type 'Query'",
      '1 breaking change(s) to the released contract. Deprecate first (@deprecated(reason: "...")), ' +
        'release, and remove in a later release; see docs/partners/deprecation.md.',
    ]);
  });
});

describe('the breaking-change check on a changed copy of the contract', () => {
  it('fails when a field is removed that was not deprecated', async () => {
    const result = await checkBreakingChanges(api, editField(api, 'Query', 'courseSearch', remove));
    expect(result.breaking).toEqual([
      {
        path: 'Query.courseSearch',
        type: 'FIELD_REMOVED',
        message: "Field 'courseSearch' was removed from object type 'Query'",
      },
    ]);
    expect(result.allowedRemovals).toEqual([]);
  });

  it('passes when the removed field was deprecated in the release', async () => {
    const released = editField(api, 'Query', 'courseSearch', deprecate);
    const result = await checkBreakingChanges(released, editField(api, 'Query', 'courseSearch', remove));
    expect(result.breaking).toEqual([]);
    expect(result.allowedRemovals).toEqual([
      {
        path: 'Query.courseSearch',
        type: 'FIELD_REMOVED',
        message: "Field 'courseSearch' (deprecated) was removed from object type 'Query'",
      },
    ]);
  });

  it('fails when a field is removed by the change that deprecates it (the release never had it deprecated)', async () => {
    const deprecatedNow = editField(api, 'Course', 'title', deprecate);
    expect((await checkBreakingChanges(api, deprecatedNow)).breaking).toEqual([]);
    const result = await checkBreakingChanges(api, editField(api, 'Course', 'title', remove));
    expect(result.breaking.map((change) => change.path)).toEqual(['Course.title']);
  });

  it('passes when a field is added, reporting it as safe', async () => {
    const withField = api.replace('\ntype Course {\n', '\ntype Course {\n  partnerNote: String\n');
    expect(withField).not.toBe(api);
    const result = await checkBreakingChanges(api, withField);
    expect(result.breaking).toEqual([]);
    expect(result.safe).toEqual([
      {
        path: 'Course.partnerNote',
        type: 'FIELD_ADDED',
        message: "Field 'partnerNote' was added to object type 'Course'",
      },
    ]);
  });

  it('fails when a nullable argument becomes required', async () => {
    const required = editField(api, 'Query', 'courses', (field) => ({
      ...field,
      arguments: field.arguments?.map((argument) =>
        argument.name.value === 'first' && argument.type.kind !== Kind.NON_NULL_TYPE
          ? { ...argument, type: { kind: Kind.NON_NULL_TYPE, type: argument.type } }
          : argument,
      ),
    }));
    const result = await checkBreakingChanges(api, required);
    expect(result.breaking).toEqual([
      {
        path: 'Query.courses.first',
        type: 'FIELD_ARGUMENT_TYPE_CHANGED',
        message: "Type for argument 'first' on field 'Query.courses' changed from 'Int' to 'Int!'",
      },
    ]);
  });

  it('fails when an enum value is removed, and passes once it was deprecated in the release', async () => {
    const withoutAdvanced = editEnumValue(api, 'CourseLevel', 'ADVANCED', remove);
    const failing = await checkBreakingChanges(api, withoutAdvanced);
    expect(failing.breaking).toEqual([
      {
        path: 'CourseLevel.ADVANCED',
        type: 'ENUM_VALUE_REMOVED',
        message: "Enum value 'ADVANCED' was removed from enum 'CourseLevel'",
      },
    ]);
    const released = editEnumValue(api, 'CourseLevel', 'ADVANCED', deprecate);
    const passing = await checkBreakingChanges(released, withoutAdvanced);
    expect([passing.breaking, passing.allowedRemovals.map((change) => change.path)]).toEqual([
      [],
      ['CourseLevel.ADVANCED'],
    ]);
  });

  it('lets a type go only once every field that returned it was deprecated in the release', async () => {
    const current = 'type Query { now: String }';
    const allDeprecated = await checkBreakingChanges(
      'type Query { old: Legacy @deprecated(reason: "Use now.") now: String } type Legacy { a: String }',
      current,
    );
    expect([
      allDeprecated.breaking,
      allDeprecated.allowedRemovals.map((change) => change.path).sort(),
    ]).toEqual([[], ['Legacy', 'Query.old']]);
    const stillUsed = await checkBreakingChanges(
      'type Query { old: Legacy @deprecated(reason: "Use now.") other: Legacy now: String } type Legacy { a: String }',
      current,
    );
    expect(stillUsed.breaking.map((change) => `${change.type} ${change.path}`).sort()).toEqual([
      'FIELD_REMOVED Query.other',
      'TYPE_REMOVED Legacy',
    ]);
  });

  it('reports the allowed removal in its summary', async () => {
    const released = editField(api, 'Query', 'courseSearch', deprecate);
    const result = await checkBreakingChanges(released, editField(api, 'Query', 'courseSearch', remove));
    expect(formatReport(result).split('\n')[0]).toBe(
      "allowed   Query.courseSearch: Field 'courseSearch' (deprecated) was removed from object type 'Query'",
    );
  });
});
