/**
 * `npm run compose`: writes schema/supergraph.graphql and schema/api.graphql from the subgraphs'
 * SDL. `npm run compose -- --check` only verifies that the checked-in files are current.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { composeSupergraph } from './composition';
import { API_SCHEMA_PATH, SUPERGRAPH_PATH, listSubgraphs } from './subgraphs';

const check = process.argv.includes('--check');
const subgraphs = listSubgraphs();
const result = composeSupergraph(subgraphs);

if (!result.ok) {
  console.error(`Composition failed (${result.errors.length} error(s)):\n`);
  for (const error of result.errors) console.error(`  - ${error}`);
  process.exit(1);
}
for (const hint of result.hints) console.warn(`hint: ${hint}`);

const outputs: [string, string][] = [
  [SUPERGRAPH_PATH, result.supergraphSdl],
  [API_SCHEMA_PATH, result.apiSchemaSdl],
];
if (check) {
  const stale = outputs.filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text);
  if (stale.length > 0) {
    console.error(
      `Stale: ${stale.map(([path]) => path).join(', ')}. Run \`npm run compose\` and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`supergraph is current (${subgraphs.map((s) => s.name).join(', ')})`);
} else {
  for (const [path, text] of outputs) writeFileSync(path, text);
  console.log(`composed ${subgraphs.map((s) => s.name).join(', ')} -> ${SUPERGRAPH_PATH}`);
}
