import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildASTSchema, getNamedType, getNullableType, isListType, isObjectType, parse } from 'graphql';
import { listSizesFromSdl } from '@learncraft/kit';
import { composeSupergraph } from '../composition';
import { API_SCHEMA_PATH, SUPERGRAPH_PATH, listSubgraphs } from '../subgraphs';

describe('the checked-in supergraph', () => {
  const result = composeSupergraph(listSubgraphs());

  it('composes without errors', () => {
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('matches schema/supergraph.graphql (run `npm run compose` when this fails)', () => {
    if (!result.ok) throw new Error('composition failed');
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(result.supergraphSdl);
  });

  it('matches schema/api.graphql, the API partners see', () => {
    if (!result.ok) throw new Error('composition failed');
    expect(readFileSync(API_SCHEMA_PATH, 'utf8')).toBe(result.apiSchemaSdl);
  });
});

describe('composition errors', () => {
  it('are reported readably, naming what conflicts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-compose-'));
    const header = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])\n';
    writeFileSync(`${dir}/a.graphql`, `${header}type Query { a: Thing } type Thing { id: ID! name: String }`);
    writeFileSync(`${dir}/b.graphql`, `${header}type Query { b: Thing } type Thing { id: ID! name: Int }`);
    const result = composeSupergraph([
      { name: 'a', port: 1, sdlPath: `${dir}/a.graphql` },
      { name: 'b', port: 2, sdlPath: `${dir}/b.graphql` },
    ]);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors.join('\n')).toMatch(/Thing\.name/);
  });
});

describe('list sizes for the cost estimate', () => {
  it('every list of objects and every connection says how long it can be (@listSize)', () => {
    const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8');
    const document = parse(sdl);
    const sizes = listSizesFromSdl(document);
    const schema = buildASTSchema(document, { assumeValidSDL: true });
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('_') || type.name.startsWith('join__')) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        const isList = isListType(getNullableType(field.type));
        const isConnection = named.name.endsWith('Connection');
        const sizedByParent = type.name.endsWith('Connection') && field.name === 'edges';
        if ((isList && isObjectType(named) && !sizedByParent) || isConnection) {
          if (!sizes.has(`${type.name}.${field.name}`)) missing.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(sizes.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
