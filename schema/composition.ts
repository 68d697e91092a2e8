/**
 * Composes the subgraph SDLs into the supergraph (for the gateway) and the API schema (what
 * clients and partners see). Errors come back as readable lines naming the subgraph and location.
 */
import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse, printSchema, type GraphQLError } from 'graphql';
import type { SubgraphEntry } from './subgraphs';

export type ComposeResult =
  | { ok: true; supergraphSdl: string; apiSchemaSdl: string; hints: string[] }
  | { ok: false; errors: string[] };

export function composeSupergraph(subgraphs: SubgraphEntry[], host = '127.0.0.1'): ComposeResult {
  const services = [];
  const errors: string[] = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({
        name: subgraph.name,
        url: `http://${host}:${subgraph.port}/graphql`,
        typeDefs: parse(readFileSync(subgraph.sdlPath, 'utf8')),
      });
    } catch (error) {
      errors.push(`${subgraph.name}: ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map(describeError) };
  return {
    ok: true,
    supergraphSdl: result.supergraphSdl.trimEnd() + '\n',
    apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()) + '\n',
    hints: result.hints.map((hint) => `${hint.definition.code}: ${hint.message}`),
  };
}

function describeError(error: GraphQLError): string {
  const code = typeof error.extensions.code === 'string' ? `[${error.extensions.code}] ` : '';
  return `${code}${error.message}`;
}
