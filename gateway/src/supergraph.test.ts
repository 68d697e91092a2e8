import { DEFAULT_OPERATION_LIMITS } from '@learncraft/kit';
import { ConfigError } from '@learncraft/kit';
import { loadConfig } from './config';
import { resolveEndpoints, subgraphUrlVariable, supergraphEndpoints } from './supergraph';

const SUPERGRAPH = `
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION) { query: Query }
enum join__Graph {
  IDENTITY @join__graph(name: "identity", url: "http://127.0.0.1:4001/graphql")
  LAB_RUNNER @join__graph(name: "lab-runner", url: "http://127.0.0.1:4009/graphql")
}
type Query { ok: Boolean }
`;

describe('supergraph endpoints', () => {
  it('lists the subgraphs with the URLs baked into the supergraph', () => {
    expect(supergraphEndpoints(SUPERGRAPH)).toEqual([
      { name: 'identity', url: 'http://127.0.0.1:4001/graphql' },
      { name: 'lab-runner', url: 'http://127.0.0.1:4009/graphql' },
    ]);
  });

  it('derives the override variable from the subgraph name', () => {
    expect(subgraphUrlVariable('identity')).toBe('IDENTITY_URL');
    expect(subgraphUrlVariable('lab-runner')).toBe('LAB_RUNNER_URL');
  });

  it('applies <NAME>_URL overrides from the environment and leaves the others alone', () => {
    const config = loadConfig({
      IDENTITY_URL: 'http://identity.internal:8080/graphql',
      DATABASE_URL: 'postgres://db/x',
    });
    expect(resolveEndpoints(supergraphEndpoints(SUPERGRAPH), config.subgraphUrlOverrides)).toEqual([
      { name: 'identity', url: 'http://identity.internal:8080/graphql' },
      { name: 'lab-runner', url: 'http://127.0.0.1:4009/graphql' },
    ]);
  });

  it('refuses an override that is not an http(s) URL', () => {
    expect(() => resolveEndpoints(supergraphEndpoints(SUPERGRAPH), { LAB_RUNNER_URL: 'ftp://x' })).toThrow(
      new ConfigError('LAB_RUNNER_URL must be an http(s) URL, got "ftp://x".'),
    );
  });

  it('refuses a document without join__Graph', () => {
    expect(() => supergraphEndpoints('type Query { ok: Boolean }')).toThrow(ConfigError);
  });
});

describe('gateway configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 4000,
      SUBGRAPH_TIMEOUT_MS: 5_000,
      SUBGRAPH_BREAKER_FAILURES: 5,
      SUBGRAPH_BREAKER_HALF_OPEN_MS: 10_000,
      IDENTITY_JWKS_URL: 'http://127.0.0.1:4001/.well-known/jwks.json',
      MAX_DEPTH: 8,
      MAX_ALIASES: 15,
      MAX_DIRECTIVES: 20,
      MAX_TOKENS: 2000,
      MAX_COST: DEFAULT_OPERATION_LIMITS.maxCost,
      MAX_BODY_BYTES: 2 * 1024 * 1024,
      subgraphUrlOverrides: {},
    });
    expect(config.SUPERGRAPH_PATH).toMatch(/\/schema\/supergraph\.graphql$/);
    expect(config.JWT_PUBLIC_KEY).toBeUndefined();
  });

  it('gives labs room for a step check and ai for the model, and takes <NAME>_TIMEOUT_MS per subgraph', () => {
    expect(loadConfig({}).subgraphTimeouts).toEqual({ labs: 70_000, ai: 65_000 });
    expect(loadConfig({ CATALOG_TIMEOUT_MS: '2500', LABS_TIMEOUT_MS: '90000' }).subgraphTimeouts).toEqual({
      labs: 90_000,
      ai: 65_000,
      catalog: 2_500,
    });
    expect(() => loadConfig({ CATALOG_TIMEOUT_MS: 'soon' })).toThrow(/CATALOG_TIMEOUT_MS/);
  });

  it('turns a one-line PEM with literal \\n back into lines', () => {
    const config = loadConfig({
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\\nMCow\\n-----END PUBLIC KEY-----',
    });
    expect(config.JWT_PUBLIC_KEY).toBe('-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----');
  });

  it('names the variable that is invalid', () => {
    expect(() => loadConfig({ CATALOG_URL: 'not a url', MAX_DEPTH: '0' })).toThrow(
      /CATALOG_URL[\s\S]*MAX_DEPTH/,
    );
  });
});
