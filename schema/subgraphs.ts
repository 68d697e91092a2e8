/**
 * The list of subgraphs the supergraph is composed from, with the URL each has in the embedded
 * default. The gateway can override any URL at run time (`<NAME>_URL`).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface SubgraphEntry {
  name: string;
  port: number;
  sdlPath: string;
}

export const REPO_ROOT = resolve(__dirname, '..');
export const SUPERGRAPH_PATH = join(REPO_ROOT, 'schema', 'supergraph.graphql');
export const API_SCHEMA_PATH = join(REPO_ROOT, 'schema', 'api.graphql');

/** Every LearnCraft subgraph and its default port, in start order. */
export const KNOWN_SUBGRAPHS: readonly { name: string; port: number }[] = [
  { name: 'identity', port: 4001 },
  { name: 'catalog', port: 4002 },
  { name: 'progress', port: 4003 },
  { name: 'labs', port: 4004 },
  { name: 'ai', port: 4005 },
  { name: 'commerce', port: 4006 },
];

/** Subgraphs that exist in this checkout (a package with `src/schema.graphql`). */
export function listSubgraphs(): SubgraphEntry[] {
  return KNOWN_SUBGRAPHS.map((entry) => ({
    ...entry,
    sdlPath: join(REPO_ROOT, 'subgraphs', entry.name, 'src', 'schema.graphql'),
  })).filter((entry) => existsSync(entry.sdlPath));
}
