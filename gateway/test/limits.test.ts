import { getIntrospectionQuery } from 'graphql';
import type { RunningServer } from '@learncraft/kit';
import type { RunningGateway } from '../src';
import {
  POSTS_SDL,
  USERS_SDL,
  composeSupergraph,
  createKeys,
  postGraphQL,
  startPostsSubgraph,
  startTestGateway,
  startUsersSubgraph,
} from './support';

let users: RunningServer;
let posts: RunningServer;
let gateway: RunningGateway;

beforeAll(async () => {
  const keys = await createKeys();
  users = await startUsersSubgraph(keys.verifier);
  posts = await startPostsSubgraph(keys.verifier);
  const supergraphSdl = composeSupergraph([
    { name: 'users', url: users.url, sdl: USERS_SDL },
    { name: 'posts', url: posts.url, sdl: POSTS_SDL },
  ]);
  // Limits set explicitly so the figures below stay readable; development mode shows them.
  gateway = await startTestGateway(supergraphSdl, keys, {
    MAX_DEPTH: '12',
    MAX_ALIASES: '30',
    MAX_TOKENS: '5000',
    MAX_COST: '50000',
  });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([users?.close(), posts?.close()]);
});

function tooComplex(message: string, limit: string, value: number, maximum: number) {
  return {
    status: 400,
    body: {
      errors: [
        expect.objectContaining({
          message,
          extensions: { code: 'OPERATION_TOO_COMPLEX', limit, value, maximum },
        }),
      ],
    },
  };
}

describe('operation limits over HTTP', () => {
  it('rejects a depth bomb before any subgraph is called', async () => {
    // users(1) then 19 x (posts author) = 38 levels, then id: depth 40
    const query = `{ users { ${'posts { author { '.repeat(19)}id${' } }'.repeat(19)} } }`;
    const reply = await postGraphQL(gateway.url, { query });
    expect(reply).toEqual(tooComplex('Query depth 40 exceeds the limit of 12.', 'depth', 40, 12));
    expect(reply.body.errors).toHaveLength(1);
  });

  it('rejects an alias bomb of 100 aliases', async () => {
    const query = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: viewerId`).join(' ')} }`;
    const reply = await postGraphQL(gateway.url, { query });
    expect(reply).toEqual(tooComplex('Query alias count 100 exceeds the limit of 30.', 'aliases', 100, 30));
  });

  it('rejects a document over the token limit with its token count', async () => {
    // "{ users {" + 5996 x "id" + "} }" = 6001 tokens
    const query = `{ users { ${'id '.repeat(5996)}} }`;
    const reply = await postGraphQL(gateway.url, { query });
    expect(reply).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'Query token count 6001 exceeds the limit of 5000.',
            extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'tokens', value: 6001, maximum: 5000 },
          },
        ],
      },
    });
  });

  it('reports a syntax error early in a long document as a parse failure, not as the token limit', async () => {
    const query = `{ users(id: ) { ${'id '.repeat(6000)}} }`;
    const reply = await postGraphQL(gateway.url, { query });
    expect(reply.status).toBe(400);
    expect(reply.body.errors).toEqual([
      expect.objectContaining({
        message: 'Syntax Error: Unexpected ")".',
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      }),
    ]);
  });

  it('rejects an operation whose page sizes multiply past the cost limit', async () => {
    // posts 1 + 160 * (id 1 + author (1 + posts (1 + 160 * (id 1 + title 1)))) = 51681
    const query = 'query ($n: Int!) { posts(first: $n) { id author { posts(first: $n) { id title } } } }';
    const reply = await postGraphQL(gateway.url, { query, variables: { n: 160 } });
    expect(reply).toEqual({
      status: 400,
      body: {
        errors: [
          {
            message: 'Query cost 51681 exceeds the limit of 50000.',
            extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'cost', value: 51681, maximum: 50000 },
          },
        ],
      },
    });
  });

  it('runs the same document when the variables make it cheap', async () => {
    const query = 'query ($n: Int!) { posts(first: $n) { id author { posts(first: $n) { id title } } } }';
    const reply = await postGraphQL(gateway.url, { query, variables: { n: 1 } });
    expect(reply).toEqual({
      status: 200,
      body: { data: { posts: [{ id: 'p1', author: { posts: [{ id: 'p1', title: 'Hello' }] } }] } },
    });
  });

  it('answers the explorer introspection query despite its depth', async () => {
    const reply = await postGraphQL(gateway.url, { query: getIntrospectionQuery({ descriptions: true }) });
    expect(reply.status).toBe(200);
    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data?.__schema).toMatchObject({ queryType: { name: 'Query' } });
  });

  it('counts rejected operations on /metrics', async () => {
    const text = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/^learncraft_operations_rejected_total [1-9]\d*$/m);
  });
});
