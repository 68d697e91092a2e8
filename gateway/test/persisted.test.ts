/**
 * Persisted operations through the gateway: ids from a manifest, the first-party safelist, partners'
 * ad-hoc documents, and the clients' own link (clients/operations/src/apollo.ts) against it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, toPromise } from '@apollo/client/core';
import { parse } from 'graphql';
import WebSocket from 'ws';
import { createLink } from '@learncraft/operations/apollo';
import type { RunningServer } from '@learncraft/kit';
import { sha256 } from '../src/persisted';
import {
  composeSupergraph,
  createKeys,
  POSTS_SDL,
  startPostsSubgraph,
  startTestGateway,
  startUsersSubgraph,
  USERS_SDL,
  type Keys,
} from './support';
import type { RunningGateway } from '../src';

/** Documents as codegen writes them: the operation first, `__typename` in every selection set. */
const USERS = 'query Users {\n  __typename\n  users {\n    __typename\n    id\n    name\n  }\n}';
const POSTS =
  'query Posts($first: Int) {\n  __typename\n  posts(first: $first) {\n    __typename\n    id\n    title\n  }\n}';
const MANIFEST = { [sha256(USERS)]: USERS, [sha256(POSTS)]: POSTS };

let keys: Keys;
let users: RunningServer;
let posts: RunningServer;
let supergraphSdl: string;
let manifestPath: string;
const gateways: RunningGateway[] = [];

beforeAll(async () => {
  keys = await createKeys();
  users = await startUsersSubgraph(keys.verifier);
  posts = await startPostsSubgraph(keys.verifier);
  supergraphSdl = composeSupergraph([
    { name: 'users', url: users.url, sdl: USERS_SDL },
    { name: 'posts', url: posts.url, sdl: POSTS_SDL },
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'lc-persisted-'));
  manifestPath = join(dir, 'persisted-documents.json');
  writeFileSync(manifestPath, JSON.stringify(MANIFEST));
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await users?.close();
  await posts?.close();
});

async function gatewayWith(env: Record<string, string>): Promise<RunningGateway> {
  const gateway = await startTestGateway(supergraphSdl, keys, {
    PERSISTED_DOCUMENTS_PATH: manifestPath,
    ...env,
  });
  gateways.push(gateway);
  return gateway;
}

interface Reply {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(
  gateway: RunningGateway,
  body: object,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Reply['body'],
  };
}

const byId = (document: string, variables?: Record<string, unknown>) => ({
  ...(variables ? { variables } : {}),
  extensions: { persistedQuery: { version: 1, sha256Hash: sha256(document) } },
});
const codes = (reply: Reply) => reply.body.errors?.map((error) => [error.extensions?.code, error.message]);
const USERS_DATA = {
  __typename: 'Query',
  users: [
    { __typename: 'User', id: 'u1', name: 'Ada' },
    { __typename: 'User', id: 'u2', name: 'Grace' },
  ],
};

describe('a persisted id', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await gatewayWith({ PERSISTED_OPERATIONS: 'safelist' });
  });

  it('runs the manifest’s document, with its variables, for a first-party client', async () => {
    const reply = await post(gateway, byId(USERS), { 'apollographql-client-name': 'learncraft-web' });
    expect([reply.status, reply.body]).toEqual([200, { data: USERS_DATA }]);
    const page = await post(gateway, byId(POSTS, { first: 1 }), {
      'x-learncraft-client': 'learncraft-mobile',
    });
    expect(page.body).toEqual({
      data: { __typename: 'Query', posts: [{ __typename: 'Post', id: 'p1', title: 'Hello' }] },
    });
  });

  it('that is not in the manifest is PERSISTED_QUERY_NOT_FOUND, for partners and first-party clients alike', async () => {
    const unknown = {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ users { id } }') } },
    };
    expect(codes(await post(gateway, unknown))).toEqual([
      ['PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound'],
    ]);
    const web = await post(gateway, unknown, { 'apollographql-client-name': 'learncraft-web' });
    expect(codes(web)).toEqual([['PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound']]);
  });

  it('is charged to the rate limit and bounded by the cost limit like a document', async () => {
    const limited = await gatewayWith({
      PERSISTED_OPERATIONS: 'safelist',
      RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '30',
      RATE_LIMIT_COST_UNITS_PER_POINT: '1',
      RATE_LIMIT_KEY_PREFIX: `lc-test-persisted-${process.pid}-${Date.now()}:`,
      MAX_COST: '20',
    });
    const first = await post(limited, byId(USERS), { 'apollographql-client-name': 'learncraft-web' });
    // users (1) + 10 assumed users × (id, name) = 21 > 20 (__typename costs nothing)
    expect([first.status, codes(first)]).toEqual([
      400,
      [['OPERATION_TOO_COMPLEX', 'Query cost 21 exceeds the limit of 20.']],
    ]);
    const small = await post(limited, byId(POSTS, { first: 2 }), {
      'apollographql-client-name': 'learncraft-web',
    });
    expect(small.status).toBe(200);
    // posts (1) + 2 × (id, title) = 5 points
    expect(['limit', 'remaining', 'used'].map((name) => small.headers.get(`x-ratelimit-${name}`))).toEqual([
      '30',
      '25',
      '5',
    ]);
  });
});

describe('the first-party safelist', () => {
  it('refuses an ad-hoc document claiming a first-party name with 400 and charges nothing', async () => {
    const gateway = await gatewayWith({
      PERSISTED_OPERATIONS: 'safelist',
      RATE_LIMIT_KEY_PREFIX: `lc-test-persisted-${process.pid}-${Date.now()}-refused:`,
    });
    for (const [headers, client] of [
      [{ 'apollographql-client-name': 'learncraft-web' }, 'learncraft-web'],
      [{ 'x-learncraft-client': 'Learncraft-Mobile' }, 'learncraft-mobile'],
    ] as const) {
      const reply = await post(gateway, { query: '{ users { id name } }' }, headers);
      expect([reply.status, reply.headers.get('x-ratelimit-used'), reply.body]).toEqual([
        400,
        null,
        {
          errors: [
            {
              message: `${client} may run only its persisted operations here: send the operation's id (extensions.persistedQuery.sha256Hash) from its build's manifest, not a document.`,
              extensions: { code: 'BAD_REQUEST', reason: 'PERSISTED_QUERY_REQUIRED' },
            },
          ],
        },
      ]);
    }
    // The same address's first charged request: the refused ones spent nothing.
    const partner = await post(gateway, { query: '{ users { id } }' });
    expect(partner.headers.get('x-ratelimit-used')).toBe('1');
  });

  it('refuses a first-party name sending a document with its hash (automatic persisted queries are no safelist)', async () => {
    const gateway = await gatewayWith({ PERSISTED_OPERATIONS: 'safelist' });
    const query = '{ users { id } }';
    const reply = await post(
      gateway,
      { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } },
      { 'apollographql-client-name': 'learncraft-web' },
    );
    expect([reply.status, reply.body.errors?.[0]?.extensions]).toEqual([
      400,
      { code: 'BAD_REQUEST', reason: 'PERSISTED_QUERY_REQUIRED' },
    ]);
    // …and nothing was registered under that hash.
    const again = await post(gateway, {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } },
    });
    expect(codes(again)).toEqual([['PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound']]);
  });

  it('lets partners (no first-party name) send ad-hoc operations', async () => {
    const gateway = await gatewayWith({ PERSISTED_OPERATIONS: 'safelist' });
    const anonymous = await post(gateway, { query: '{ users { id } }' });
    expect([anonymous.status, anonymous.body]).toEqual([
      200,
      { data: { users: [{ id: 'u1' }, { id: 'u2' }] } },
    ]);
    const named = await post(
      gateway,
      { query: '{ users { id } }' },
      { 'apollographql-client-name': 'acme-hr-sync' },
    );
    expect(named.body).toEqual({ data: { users: [{ id: 'u1' }, { id: 'u2' }] } });
  });

  it('is the default in production, so a claimed first-party name without an id is refused', async () => {
    const production = await gatewayWith({ NODE_ENV: 'production' });
    const claimed = await post(
      production,
      { query: '{ users { id } }' },
      { 'apollographql-client-name': 'learncraft-web' },
    );
    expect([claimed.status, claimed.body.errors?.[0]?.extensions?.reason]).toEqual([
      400,
      'PERSISTED_QUERY_REQUIRED',
    ]);
    const persisted = await post(production, byId(USERS), { 'apollographql-client-name': 'learncraft-web' });
    expect(persisted.body).toEqual({ data: USERS_DATA });
  });

  it('is off by default outside production: first-party names may send documents while developing', async () => {
    const development = await gatewayWith({});
    const reply = await post(
      development,
      { query: '{ users { id } }' },
      { 'apollographql-client-name': 'learncraft-web' },
    );
    expect([reply.status, reply.body]).toEqual([200, { data: { users: [{ id: 'u1' }, { id: 'u2' }] } }]);
  });

  it('refuses to start on a manifest whose hashes do not match its documents', async () => {
    const tampered = join(mkdtempSync(join(tmpdir(), 'lc-persisted-')), 'persisted-documents.json');
    writeFileSync(tampered, JSON.stringify({ [sha256(USERS)]: '{ users { id name } }' }));
    await expect(
      startTestGateway(supergraphSdl, keys, { PERSISTED_DOCUMENTS_PATH: tampered }),
    ).rejects.toThrow(
      `The persisted document ${sha256(USERS)} in ${tampered} is not the sha256 of its text.`,
    );
  });
});

describe('the clients’ link', () => {
  const session = {
    accessToken: () => Promise.resolve(null),
    refresh: () => Promise.resolve(null),
    subscribe: () => () => undefined,
  };
  const run = (gateway: RunningGateway, query: string, manifest = MANIFEST) => {
    const link = createLink({
      graphqlUrl: gateway.url,
      webSocketUrl: gateway.url.replace(/^http/, 'ws'),
      session,
      webSocketImpl: WebSocket,
      clientName: 'learncraft-web',
      persistedDocuments: manifest,
    });
    return toPromise(execute(link, { query: parse(query) }));
  };

  it('sends manifest operations by id with the app’s name, which a safelist gateway runs', async () => {
    const gateway = await gatewayWith({ PERSISTED_OPERATIONS: 'safelist' });
    // The text the app holds (without __typename): only its name matters, the id is sent.
    expect(await run(gateway, 'query Users { users { id name } }')).toEqual({ data: USERS_DATA });
  });

  it('sends other operations as documents, which the safelist refuses for a first-party name', async () => {
    const gateway = await gatewayWith({ PERSISTED_OPERATIONS: 'safelist' });
    await expect(run(gateway, 'query Unlisted { users { id } }')).rejects.toMatchObject({
      statusCode: 400,
      result: { errors: [{ extensions: { code: 'BAD_REQUEST', reason: 'PERSISTED_QUERY_REQUIRED' } }] },
    });
  });

  it('sends the document once more when the gateway does not know the id (a development gateway)', async () => {
    const gateway = await gatewayWith({});
    const stale = 'query Users {\n  users {\n    id\n  }\n}';
    const result = await run(gateway, 'query Users { users { id } }', { [sha256(stale)]: stale });
    expect(result).toEqual({ data: { users: [{ id: 'u1' }, { id: 'u2' }] } });
  });
});
