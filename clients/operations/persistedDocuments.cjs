/**
 * A graphql-codegen plugin writing the persisted-documents manifest of the first-party clients:
 * `{ "<sha256 hex of the document>": "<document>" }`, one entry per operation of
 * src/operations.ts, each document being the operation followed by the fragments it uses. The
 * gateway loads it as the safelist (gateway/src/persisted); the clients' link sends an operation's
 * hash instead of its text (src/apollo.ts), finding it by the operation's name, which is the first
 * definition of every document.
 */
const { createHash } = require('node:crypto');
const { Kind, print, visit } = require('graphql');

/** @type {import('@graphql-codegen/plugin-helpers').PluginFunction} */
function plugin(_schema, documents) {
  const fragments = new Map();
  const operations = [];
  for (const { document } of documents) {
    for (const definition of document?.definitions ?? []) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
    }
  }
  const entries = operations.map((operation) => {
    if (!operation.name) throw new Error('Every persisted operation needs a name.');
    const used = new Map();
    const collect = (node) =>
      visit(node, {
        FragmentSpread(spread) {
          const name = spread.name.value;
          if (used.has(name)) return;
          const fragment = fragments.get(name);
          if (!fragment) throw new Error(`${operation.name.value} spreads an unknown fragment ${name}.`);
          used.set(name, fragment);
          collect(fragment);
        },
      });
    collect(operation);
    const sorted = [...used.values()].sort((a, b) => a.name.value.localeCompare(b.name.value));
    const text = [operation, ...sorted].map((definition) => print(definition)).join('\n\n');
    return [createHash('sha256').update(text).digest('hex'), text];
  });
  entries.sort(([a], [b]) => a.localeCompare(b));
  return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
}

module.exports = { plugin };
