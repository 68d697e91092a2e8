import type { RunningServer } from '@learncraft/kit';
import type { RunningGateway } from '../src';
import {
  POSTS_SDL,
  USERS_SDL,
  composeSupergraph,
  createKeys,
  postGraphQL,
  startRawServer,
  startPostsSubgraph,
  startTestGateway,
  startUsersSubgraph,
  type Keys,
} from './support';

/** Latency varies; its presence and type are what the health report promises. */
const anyNumber = expect.any(Number) as number;

const TIMEOUT_MS = 500;

const REVIEWS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query {
  """Served by a subgraph that never answers."""
  reviewCount: Int
}`;

const RATINGS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query {
  """Served by a subgraph behind a proxy that answers 502."""
  averageRating: Float
}`;

let keys: Keys;
let users: RunningServer;
let posts: RunningServer;
let hanging: Awaited<ReturnType<typeof startRawServer>>;
let broken: Awaited<ReturnType<typeof startRawServer>>;
let gateway: RunningGateway;

beforeAll(async () => {
  keys = await createKeys();
  users = await startUsersSubgraph(keys.verifier);
  posts = await startPostsSubgraph(keys.verifier);
  hanging = await startRawServer();
  broken = await startRawServer((res) =>
    res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>'),
  );
  const supergraphSdl = composeSupergraph([
    // The baked-in users URL is wrong on purpose: USERS_URL must override it.
    { name: 'users', url: 'http://127.0.0.1:9/graphql', sdl: USERS_SDL },
    { name: 'posts', url: posts.url, sdl: POSTS_SDL },
    { name: 'reviews', url: hanging.url, sdl: REVIEWS_SDL },
    { name: 'ratings', url: broken.url, sdl: RATINGS_SDL },
  ]);
  gateway = await startTestGateway(supergraphSdl, keys, {
    SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
    USERS_URL: users.url,
  });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([users?.close(), posts?.close(), hanging?.close(), broken?.close()]);
});

describe('subgraph failures', () => {
  it('routes to the subgraph URL given by <NAME>_URL instead of the supergraph one', async () => {
    const reply = await postGraphQL(gateway.url, { query: '{ users { id } }' });
    expect(reply).toEqual({ status: 200, body: { data: { users: [{ id: 'u1' }, { id: 'u2' }] } } });
    expect(gateway.subgraphs).toEqual([
      { name: 'posts', url: posts.url },
      { name: 'ratings', url: broken.url },
      { name: 'reviews', url: hanging.url },
      { name: 'users', url: users.url },
    ]);
  });

  it('turns a hanging subgraph into an error after SUBGRAPH_TIMEOUT_MS and keeps the other data', async () => {
    const started = Date.now();
    const reply = await postGraphQL(gateway.url, { query: '{ users { name } reviewCount }' });
    const elapsed = Date.now() - started;
    expect(reply).toEqual({
      status: 200,
      body: {
        data: { users: [{ name: 'Ada' }, { name: 'Grace' }], reviewCount: null },
        errors: [
          {
            message: `Subgraph "reviews" did not answer within ${TIMEOUT_MS} ms.`,
            extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'reviews' },
          },
        ],
      },
    });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it('names the subgraph and its HTTP status when it answers with a non-GraphQL error page', async () => {
    const reply = await postGraphQL(gateway.url, { query: '{ averageRating posts(first: 1) { id } }' });
    expect(reply).toEqual({
      status: 200,
      body: {
        data: { averageRating: null, posts: [{ id: 'p1' }] },
        errors: [
          {
            message: 'Subgraph "ratings" is unavailable: it answered HTTP 502.',
            extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'ratings' },
          },
        ],
      },
    });
  });

  it('passes a subgraph error with a public code through with its path and the subgraph name', async () => {
    const reply = await postGraphQL(gateway.url, { query: '{ post(id: "p9") { title } }' });
    expect(reply).toEqual({
      status: 200,
      body: {
        data: { post: null },
        errors: [
          {
            message: 'Post p9 was not found.',
            path: ['post'],
            extensions: { code: 'NOT_FOUND', typename: 'Post', id: 'p9', serviceName: 'posts' },
          },
        ],
      },
    });
  });

  it('reports a hanging subgraph as down on /health/subgraphs', async () => {
    const response = await fetch(gateway.url.replace(/\/graphql$/, '/health/subgraphs'));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'degraded',
      subgraphs: [
        { name: 'posts', status: 'ok', latencyMs: anyNumber },
        { name: 'ratings', status: 'down', latencyMs: anyNumber, error: 'HTTP 502' },
        { name: 'reviews', status: 'down', latencyMs: anyNumber, error: `no answer within ${TIMEOUT_MS} ms` },
        { name: 'users', status: 'ok', latencyMs: anyNumber },
      ],
    });
  });

  describe('after the posts subgraph stops', () => {
    beforeAll(async () => {
      await posts.close();
    });

    it('still answers with the users and an error naming the posts subgraph', async () => {
      const started = Date.now();
      const reply = await postGraphQL(gateway.url, { query: '{ users { id name posts { title } } }' });
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      expect(reply).toEqual({
        status: 200,
        body: {
          data: {
            users: [
              { id: 'u1', name: 'Ada', posts: null },
              { id: 'u2', name: 'Grace', posts: null },
            ],
          },
          errors: [
            {
              message: 'Subgraph "posts" is unavailable: connection refused.',
              extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'posts' },
            },
          ],
        },
      });
    });

    it('reports the posts subgraph as refusing connections', async () => {
      const response = await fetch(gateway.url.replace(/\/graphql$/, '/health/subgraphs'));
      const body = (await response.json()) as {
        subgraphs: { name: string; status: string; error?: string }[];
      };
      expect(body.subgraphs.find((s) => s.name === 'posts')).toEqual({
        name: 'posts',
        status: 'down',
        latencyMs: anyNumber,
        error: 'connection refused',
      });
    });

    it('counts subgraph failures on /metrics', async () => {
      const text = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(text).toMatch(/^learncraft_subgraph_errors_total 3$/m);
    });
  });
});
