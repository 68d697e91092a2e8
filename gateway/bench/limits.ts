/**
 * `npm run bench:limits`: the operation-limit figures of every operation the clients send
 * (clients/operations/src/operations.ts, shared by the web and mobile apps), measured against the
 * checked-in API schema with the gateway's own rules: depth, aliases, directives, tokens and the
 * estimated cost. The defaults in the kit (DEFAULT_OPERATION_LIMITS) are sized from these figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, Kind, parse, validate, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { DEFAULT_OPERATION_LIMITS, countTokens, listSizesFromSdl, operationCost } from '@learncraft/kit';

const REPO = join(__dirname, '../..');
const apiSchema = buildSchema(readFileSync(join(REPO, 'schema/api.graphql'), 'utf8'));
const listSizes = listSizesFromSdl(parse(readFileSync(join(REPO, 'schema/supergraph.graphql'), 'utf8')));
const source = readFileSync(join(REPO, 'clients/operations/src/operations.ts'), 'utf8');
const documents = [...source.matchAll(/graphql\(`([\s\S]*?)`\)/g)].map((match) => match[1] ?? '');
const fragments = new Map<string, FragmentDefinitionNode>();
const operations: { text: string; document: DocumentNode }[] = [];
for (const text of documents) {
  const document = parse(text);
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else operations.push({ text, document });
  }
}

/** graphql-armor's depth, read back from its accept callback. */
function depthOf(document: DocumentNode): number {
  let depth = 0;
  const withFragments: DocumentNode = {
    ...document,
    definitions: [...document.definitions, ...fragments.values()],
  };
  validate(apiSchema, withFragments, [
    maxDepthRule({
      n: 1_000,
      flattenFragments: true,
      onAccept: [(_ctx, details: { n: number }) => (depth = details.n)],
    }),
  ]);
  return depth;
}

const rows = operations.map(({ text, document }) => {
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
  const fragmentTexts = [...text.matchAll(/\.\.\.(\w+)/g)].map((match) => match[1]);
  const tokens = countTokens(text) + fragmentTexts.length * 40; // fragments travel with the document
  const cost = operationCost(apiSchema, operation, (name) => fragments.get(name), {}, listSizes);
  return {
    name: operation.name?.value ?? '(anonymous)',
    kind: operation.operation,
    depth: depthOf(document),
    tokens,
    cost,
  };
});
rows.sort((a, b) => b.cost - a.cost);
console.log('operation | kind | depth | tokens (approx.) | estimated cost');
for (const row of rows) console.log(`${row.name} | ${row.kind} | ${row.depth} | ${row.tokens} | ${row.cost}`);
const max = (key: 'depth' | 'tokens' | 'cost') => Math.max(...rows.map((row) => row[key]));
console.log(
  `\nlargest: depth ${max('depth')}, tokens ~${max('tokens')}, cost ${max('cost')}; limits: depth ${DEFAULT_OPERATION_LIMITS.maxDepth}, tokens ${DEFAULT_OPERATION_LIMITS.maxTokens}, cost ${DEFAULT_OPERATION_LIMITS.maxCost}`,
);
