import { generateKeyPair } from 'jose';
import type { RunningServer } from '@learncraft/kit';
import { TEST_GATEWAY_SECRET } from '@learncraft/kit/testing';
import type { RunningGateway } from '../src';
import {
  POSTS_SDL,
  USERS_SDL,
  composeSupergraph,
  createKeys,
  mintToken,
  postGraphQL,
  startPostsSubgraph,
  startTestGateway,
  startUsersSubgraph,
  type Keys,
} from './support';

/** Latency varies; its presence and type are what the health report promises. */
const anyNumber = expect.any(Number) as number;

let keys: Keys;
let users: RunningServer;
let posts: RunningServer;
let gateway: RunningGateway;
let supergraphSdl: string;

beforeAll(async () => {
  keys = await createKeys();
  users = await startUsersSubgraph(keys.verifier);
  posts = await startPostsSubgraph(keys.verifier);
  supergraphSdl = composeSupergraph([
    { name: 'users', url: users.url, sdl: USERS_SDL },
    { name: 'posts', url: posts.url, sdl: POSTS_SDL },
  ]);
  gateway = await startTestGateway(supergraphSdl, keys);
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([users?.close(), posts?.close()]);
});

const origin = () => gateway.url.replace(/\/graphql$/, '');

describe('routing across subgraphs', () => {
  it('joins users with their posts from the other subgraph in one query', async () => {
    const reply = await postGraphQL(gateway.url, {
      query: '{ users { id name posts(first: 1) { title author { name } } } }',
    });
    expect(reply).toEqual({
      status: 200,
      body: {
        data: {
          users: [
            { id: 'u1', name: 'Ada', posts: [{ title: 'Hello', author: { name: 'Ada' } }] },
            { id: 'u2', name: 'Grace', posts: [{ title: 'Compilers', author: { name: 'Grace' } }] },
          ],
        },
      },
    });
  });

  it('passes variables through to the subgraph that owns the field', async () => {
    const reply = await postGraphQL(gateway.url, {
      query: 'query Recent($n: Int) { posts(first: $n) { id author { id } } }',
      variables: { n: 2 },
    });
    expect(reply.body).toEqual({
      data: {
        posts: [
          { id: 'p1', author: { id: 'u1' } },
          { id: 'p2', author: { id: 'u1' } },
        ],
      },
    });
  });
});

describe('authentication', () => {
  it('forwards the Authorization header so the subgraph sees the same viewer', async () => {
    const token = await mintToken(keys.privateKey, 'u2');
    const reply = await postGraphQL(
      gateway.url,
      { query: '{ viewerId }' },
      { authorization: `Bearer ${token}` },
    );
    expect(reply).toEqual({ status: 200, body: { data: { viewerId: 'u2' } } });
  });

  it('lets anonymous requests through for the subgraphs to decide', async () => {
    const reply = await postGraphQL(gateway.url, { query: '{ viewerId }' });
    expect(reply).toEqual({ status: 200, body: { data: { viewerId: null } } });
  });

  it('answers 401 UNAUTHENTICATED for a token signed with another key', async () => {
    const { privateKey: otherKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await mintToken(otherKey, 'u1');
    const reply = await postGraphQL(
      gateway.url,
      { query: '{ viewerId }' },
      { authorization: `Bearer ${forged}` },
    );
    expect(reply).toEqual({
      status: 401,
      body: {
        errors: [
          { message: 'The access token is invalid or has expired.', extensions: { code: 'UNAUTHENTICATED' } },
        ],
      },
    });
  });

  it('answers 401 UNAUTHENTICATED for an expired token and for a token from another issuer', async () => {
    const expired = await mintToken(keys.privateKey, 'u1', { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const foreign = await mintToken(keys.privateKey, 'u1', { issuer: 'someone-else' });
    for (const token of [expired, foreign]) {
      const reply = await postGraphQL(
        gateway.url,
        { query: '{ viewerId }' },
        { authorization: `Bearer ${token}` },
      );
      expect(reply.status).toBe(401);
      expect(reply.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('answers 401 for an Authorization header that is not a bearer token', async () => {
    const reply = await postGraphQL(
      gateway.url,
      { query: '{ viewerId }' },
      { authorization: 'Basic dTE6cGFzc3dvcmQ=' },
    );
    expect(reply).toEqual({
      status: 401,
      body: {
        errors: [
          {
            message: 'The Authorization header must be "Bearer <access token>".',
            extensions: { code: 'UNAUTHENTICATED' },
          },
        ],
      },
    });
  });
});

describe('CSRF prevention', () => {
  const csrfMessage = /Cross-Site Request Forgery/;

  it('rejects a GET query without a preflight header', async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ users { id } }')}`);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(response.status).toBe(400);
    expect(body.errors[0]?.message).toMatch(csrfMessage);
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
  });

  it('rejects a simple text/plain POST', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ users { id } }' }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(response.status).toBe(400);
    expect(body.errors[0]?.message).toMatch(csrfMessage);
  });

  it('serves a GET query that carries apollo-require-preflight', async () => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ users { id } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { users: [{ id: 'u1' }, { id: 'u2' }] } });
  });
});

describe('HTTP routes', () => {
  it('reports the gateway itself healthy on /health and /health/live', async () => {
    for (const path of ['/health', '/health/live']) {
      const response = await fetch(`${origin()}${path}`);
      expect([response.status, await response.json()]).toEqual([200, { status: 'ok', service: 'gateway' }]);
    }
  });

  it('is ready on /health/ready when every subgraph answers', async () => {
    const response = await fetch(`${origin()}/health/ready`);
    expect([response.status, await response.json()]).toEqual([
      200,
      {
        status: 'ok',
        service: 'gateway',
        subgraphs: [
          { name: 'posts', status: 'ok', latencyMs: anyNumber },
          { name: 'users', status: 'ok', latencyMs: anyNumber },
        ],
      },
    ]);
  });

  it('reports every subgraph on /health/subgraphs', async () => {
    const response = await fetch(`${origin()}/health/subgraphs`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      subgraphs: [
        { name: 'posts', status: 'ok', latencyMs: anyNumber, circuit: 'closed' },
        { name: 'users', status: 'ok', latencyMs: anyNumber, circuit: 'closed' },
      ],
    });
  });

  it('counts GraphQL requests on /metrics', async () => {
    await postGraphQL(gateway.url, { query: '{ viewerId }' });
    const text = await (await fetch(`${origin()}/metrics`)).text();
    expect(text).toMatch(/^learncraft_graphql_requests_total [1-9]\d*$/m);
  });

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 2 MiB', async () => {
    const reply = await postGraphQL(gateway.url, {
      query: `{ users { id } } # ${'x'.repeat(2 * 1024 * 1024)}`,
    });
    expect(reply).toEqual({
      status: 413,
      body: {
        errors: [
          { message: 'Request body exceeds 2097152 bytes.', extensions: { code: 'PAYLOAD_TOO_LARGE' } },
        ],
      },
    });
  });

  it('serves the local Apollo Sandbox to a browser outside production', async () => {
    const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('new window.EmbeddedSandbox');
  });

  it('answers 404 for unknown paths when no static handler is plugged in', async () => {
    const response = await fetch(`${origin()}/courses/intro`);
    expect(response.status).toBe(404);
  });
});

describe('static handler hook', () => {
  it('gets non-GraphQL GETs and falls through to 404 when it declines', async () => {
    const { loadConfig, startGateway } = await import('../src');
    const seen: string[] = [];
    const withStatic = await startGateway({
      config: loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        JWT_PUBLIC_KEY: keys.publicKeyPem,
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      }),
      supergraphSdl,
      staticHandler: (req, res) => {
        seen.push(req.url ?? '');
        if (req.url !== '/') return false;
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>LearnCraft</title>');
        return true;
      },
    });
    try {
      const base = withStatic.url.replace(/\/graphql$/, '');
      const index = await fetch(`${base}/`);
      expect([index.status, await index.text()]).toEqual([200, '<!doctype html><title>LearnCraft</title>']);
      expect((await fetch(`${base}/missing.js`)).status).toBe(404);
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect(seen).toEqual(['/', '/missing.js']);
    } finally {
      await withStatic.close();
    }
  });
});

describe('production mode', () => {
  it('shows no Sandbox, refuses introspection and still serves operations', async () => {
    const { loadConfig, startGateway } = await import('../src');
    const production = await startGateway({
      config: loadConfig({
        PORT: '0',
        LOG_LEVEL: 'silent',
        NODE_ENV: 'production',
        JWT_PUBLIC_KEY: keys.publicKeyPem,
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      }),
      supergraphSdl,
    });
    try {
      const page = await (await fetch(production.url, { headers: { accept: 'text/html' } })).text();
      expect(page).not.toContain('new window.EmbeddedSandbox');
      expect(page).toContain(encodeURIComponent('"isProd":true'));
      const introspection = await postGraphQL(production.url, {
        query: '{ __schema { queryType { name } } }',
      });
      expect(introspection.status).toBe(400);
      expect(introspection.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(await postGraphQL(production.url, { query: '{ users { id } }' })).toEqual({
        status: 200,
        body: { data: { users: [{ id: 'u1' }, { id: 'u2' }] } },
      });
      // Limit errors say which kind of limit, never the limit or the measured value.
      const deep = `{ users { ${'posts { author { '.repeat(6)}id${' } }'.repeat(6)} } }`;
      const tooDeep = await postGraphQL(production.url, { query: deep });
      expect([tooDeep.status, tooDeep.body.errors]).toEqual([
        400,
        [
          expect.objectContaining({
            message: 'The operation is too complex (query depth).',
            extensions: { code: 'OPERATION_TOO_COMPLEX', limit: 'depth' },
          }),
        ],
      ]);
    } finally {
      await production.close();
    }
  });
});
