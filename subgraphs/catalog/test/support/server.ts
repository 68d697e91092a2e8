/**
 * Starts a real catalog subgraph for HTTP tests: in-memory PGlite, the in-process search index,
 * and a token issuer that signs exactly as identity does, so tests mint their own tokens.
 */
import type { Role } from '@learncraft/kit';
import { createTestTokenIssuer } from '@learncraft/identity';
import {
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  createTestDatabase,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { loadConfig, startCatalogSubgraph, type RunningCatalog, type StartCatalogOptions } from '../../src';
import { CATEGORIES } from './courses';

/** Untyped JSON from the wire; tests pin its exact shape with toEqual. */
export type Json = any;

export const INTERNAL_SECRET = 'test-internal-secret-0123456789';

export interface TestCatalog {
  server: RunningCatalog;
  /** POSTs a GraphQL operation, as the given token's user when one is passed. */
  gql<T = Json>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  /** POSTs an introspection query as operator tooling (the internal secret). */
  introspect<T = Json>(query: string): Promise<GraphQLResponse<T>>;
  /** POSTs JSON to an internal route, with the internal secret unless `secret` is given (null: none). */
  internal(path: string, body: unknown, secret?: string | null): Promise<{ status: number; body: Json }>;
  token(userId: string, roles: Role[]): Promise<string>;
  close(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

export async function startTestCatalog(
  env: Record<string, string> = {},
  options: Pick<StartCatalogOptions, 'eventBus'> = {},
): Promise<TestCatalog> {
  const issuer = await createTestTokenIssuer();
  const database: TestDatabase = await createTestDatabase('pglite');
  const config = loadConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    INTERNAL_API_SECRET: INTERNAL_SECRET,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    ...env,
  });
  const server = await startCatalogSubgraph({
    config,
    db: database.db,
    verifier: issuer.verifier,
    ...options,
  });
  await server.courseStore.upsertCategories(CATEGORIES);
  const base = server.url.replace(/\/graphql$/, '');

  return {
    server,
    async gql(query, variables, token) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...TEST_GATEWAY_HEADERS,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async introspect(query) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-learncraft-internal': INTERNAL_SECRET },
        body: JSON.stringify({ query }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async internal(path, body, secret = INTERNAL_SECRET) {
      const response = await fetch(base + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret ? { 'x-learncraft-internal': secret } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    token: (userId, roles) => issuer.issueAccessToken(userId, roles),
    async close() {
      await server.close();
      await database.dispose();
    },
  };
}
