import type { IncomingMessage, ServerResponse } from 'node:http';
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
  gateway = await startTestGateway(supergraphOf(), keys, {
    SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
    USERS_URL: users.url,
  });
});

function supergraphOf() {
  return composeSupergraph([
    // The baked-in users URL is wrong on purpose: USERS_URL must override it.
    { name: 'users', url: 'http://127.0.0.1:9/graphql', sdl: USERS_SDL },
    { name: 'posts', url: posts.url, sdl: POSTS_SDL },
    { name: 'reviews', url: hanging.url, sdl: REVIEWS_SDL },
    { name: 'ratings', url: broken.url, sdl: RATINGS_SDL },
  ]);
}

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
        { name: 'posts', status: 'ok', latencyMs: anyNumber, circuit: 'closed' },
        { name: 'ratings', status: 'down', latencyMs: anyNumber, error: 'HTTP 502', circuit: 'closed' },
        {
          name: 'reviews',
          status: 'down',
          latencyMs: anyNumber,
          error: `no answer within ${TIMEOUT_MS} ms`,
          circuit: 'closed',
        },
        { name: 'users', status: 'ok', latencyMs: anyNumber, circuit: 'closed' },
      ],
    });
  });

  it('is not ready while a subgraph it needs is down, and ready when only the ones it needs answer', async () => {
    const response = await fetch(gateway.url.replace(/\/graphql$/, '/health/ready'));
    expect([response.status, await response.json()]).toEqual([
      503,
      {
        status: 'unavailable',
        service: 'gateway',
        subgraphs: [
          { name: 'posts', status: 'ok', latencyMs: anyNumber },
          { name: 'ratings', status: 'down', latencyMs: anyNumber, error: 'HTTP 502' },
          {
            name: 'reviews',
            status: 'down',
            latencyMs: anyNumber,
            error: `no answer within ${TIMEOUT_MS} ms`,
          },
          { name: 'users', status: 'ok', latencyMs: anyNumber },
        ],
      },
    ]);
    const live = await fetch(gateway.url.replace(/\/graphql$/, '/health/live'));
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok', service: 'gateway' }]);

    const narrow = await startTestGateway(supergraphOf(), keys, {
      SUBGRAPH_TIMEOUT_MS: String(TIMEOUT_MS),
      USERS_URL: users.url,
      READY_SUBGRAPHS: 'users, posts',
    });
    try {
      const ready = await fetch(narrow.url.replace(/\/graphql$/, '/health/ready'));
      expect([ready.status, await ready.json()]).toEqual([
        200,
        {
          status: 'ok',
          service: 'gateway',
          subgraphs: [
            { name: 'users', status: 'ok', latencyMs: anyNumber },
            { name: 'posts', status: 'ok', latencyMs: anyNumber },
          ],
        },
      ]);
    } finally {
      await narrow.close();
    }
  });

  it('refuses to start when READY_SUBGRAPHS names a subgraph the supergraph does not have', async () => {
    await expect(
      startTestGateway(supergraphOf(), keys, { USERS_URL: users.url, READY_SUBGRAPHS: 'users,billing' }),
    ).rejects.toThrow(
      'READY_SUBGRAPHS names billing, which is not in the supergraph (posts, ratings, reviews, users).',
    );
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
        circuit: 'closed',
      });
    });

    it('counts subgraph failures on /metrics', async () => {
      const text = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
      expect(text).toMatch(/^learncraft_subgraph_errors_total 3$/m);
    });
  });
});

const BREAKER_TIMEOUT_MS = 1_000;
const BREAKER_FAILURES = 3;
/** Long enough that the fail-fast requests below all land before the first probe is let through. */
const HALF_OPEN_MS = 3_000;

const GUARDED_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query {
  """Served by a subgraph whose own token check rejects every request with 401."""
  secretCount: Int
}`;

/** A raw subgraph that counts the GraphQL requests reaching it (health pings are not counted). */
function countingSubgraph(answer: (res: ServerResponse) => void) {
  let hits = 0;
  return {
    hits: () => hits,
    reply: (res: ServerResponse, req: IncomingMessage) => {
      if (req.url !== '/graphql') return void res.writeHead(200).end();
      hits++;
      answer(res);
    },
  };
}

const metricsOf = async (gatewayUrl: string) =>
  (await fetch(gatewayUrl.replace(/\/graphql$/, '/metrics'))).text();

describe('subgraph circuit breakers', () => {
  let reviewsMode: 'hang' | 'answer' = 'hang';
  const reviews = countingSubgraph((res) => {
    if (reviewsMode === 'answer')
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"reviewCount":7}}');
  });
  const guarded = countingSubgraph((res) =>
    res
      .writeHead(401, { 'content-type': 'application/json' })
      .end('{"errors":[{"message":"Token rejected.","extensions":{"code":"UNAUTHENTICATED"}}]}'),
  );
  let reviewsServer: Awaited<ReturnType<typeof startRawServer>>;
  let guardedServer: Awaited<ReturnType<typeof startRawServer>>;
  let morePosts: RunningServer;
  let breakerGateway: RunningGateway;

  const usersAndReviews = () => postGraphQL(breakerGateway.url, { query: '{ users { id } reviewCount }' });
  const withoutReviews = (message: string) => ({
    status: 200,
    body: {
      data: { users: [{ id: 'u1' }, { id: 'u2' }], reviewCount: null },
      errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'reviews' } }],
    },
  });

  beforeAll(async () => {
    reviewsServer = await startRawServer(reviews.reply);
    guardedServer = await startRawServer(guarded.reply);
    morePosts = await startPostsSubgraph(keys.verifier);
    breakerGateway = await startTestGateway(
      composeSupergraph([
        { name: 'users', url: users.url, sdl: USERS_SDL },
        { name: 'posts', url: morePosts.url, sdl: POSTS_SDL },
        { name: 'reviews', url: reviewsServer.url, sdl: REVIEWS_SDL },
        { name: 'guarded', url: guardedServer.url, sdl: GUARDED_SDL },
      ]),
      keys,
      {
        SUBGRAPH_TIMEOUT_MS: String(BREAKER_TIMEOUT_MS),
        SUBGRAPH_BREAKER_FAILURES: String(BREAKER_FAILURES),
        SUBGRAPH_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
      },
    );
  });

  afterAll(async () => {
    await breakerGateway?.close();
    await Promise.all([reviewsServer?.close(), guardedServer?.close(), morePosts?.close()]);
  });

  it('opens after 3 timeouts of a hung subgraph, then fails fast without sending it requests', async () => {
    const first = await Promise.all(Array.from({ length: BREAKER_FAILURES }, usersAndReviews));
    expect(first).toEqual(
      Array.from({ length: BREAKER_FAILURES }, () =>
        withoutReviews(`Subgraph "reviews" did not answer within ${BREAKER_TIMEOUT_MS} ms.`),
      ),
    );
    expect(reviews.hits()).toBe(BREAKER_FAILURES);

    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const reply = await usersAndReviews();
      // Generous: a short-circuited request must not wait anything like the timeout.
      expect(Date.now() - started).toBeLessThan(BREAKER_TIMEOUT_MS);
      expect(reply).toEqual(
        withoutReviews(
          'Subgraph "reviews" is unavailable: it failed repeatedly, so requests are paused briefly.',
        ),
      );
    }
    expect(reviews.hits()).toBe(BREAKER_FAILURES);
  });

  it('shows the open breaker on /metrics and /health/subgraphs', async () => {
    const text = await metricsOf(breakerGateway.url);
    expect(text).toMatch(/^# TYPE learncraft_subgraph_circuit_state gauge$/m);
    expect(text).toMatch(/^learncraft_subgraph_circuit_state\{subgraph="reviews"\} 1$/m);
    expect(text).toMatch(/^learncraft_subgraph_circuit_state\{subgraph="users"\} 0$/m);
    expect(text).toMatch(/^learncraft_subgraph_requests_short_circuited_total 5$/m);
    const response = await fetch(breakerGateway.url.replace(/\/graphql$/, '/health/subgraphs'));
    const body = (await response.json()) as { subgraphs: { name: string; circuit: string }[] };
    expect(body.subgraphs.map(({ name, circuit }) => [name, circuit])).toEqual([
      ['guarded', 'closed'],
      ['posts', 'closed'],
      ['reviews', 'open'],
      ['users', 'closed'],
    ]);
  });

  it('lets one probe through after SUBGRAPH_BREAKER_HALF_OPEN_MS once the subgraph recovers, and closes', async () => {
    reviewsMode = 'answer';
    const deadline = Date.now() + HALF_OPEN_MS + 15_000;
    let reply = await usersAndReviews();
    while (reply.body.data?.reviewCount !== 7 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      reply = await usersAndReviews();
    }
    expect(reply).toEqual({
      status: 200,
      body: { data: { users: [{ id: 'u1' }, { id: 'u2' }], reviewCount: 7 } },
    });
    // Every poll before the probe was short-circuited: exactly one more request reached the subgraph.
    expect(reviews.hits()).toBe(BREAKER_FAILURES + 1);

    expect((await usersAndReviews()).body.data).toEqual({
      users: [{ id: 'u1' }, { id: 'u2' }],
      reviewCount: 7,
    });
    expect(reviews.hits()).toBe(BREAKER_FAILURES + 2);
    expect(await metricsOf(breakerGateway.url)).toMatch(
      /^learncraft_subgraph_circuit_state\{subgraph="reviews"\} 0$/m,
    );
  });

  it('does not open on GraphQL errors in a 200 answer', async () => {
    for (let i = 0; i < BREAKER_FAILURES + 2; i++) {
      const reply = await postGraphQL(breakerGateway.url, { query: '{ post(id: "p9") { title } }' });
      expect(reply.body.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    }
    expect((await postGraphQL(breakerGateway.url, { query: '{ posts(first: 1) { id } }' })).body).toEqual({
      data: { posts: [{ id: 'p1' }] },
    });
    expect(await metricsOf(breakerGateway.url)).toMatch(
      /^learncraft_subgraph_circuit_state\{subgraph="posts"\} 0$/m,
    );
  });

  it("does not open on 401 answers from the subgraph's own token check", async () => {
    const attempts = BREAKER_FAILURES + 2;
    for (let i = 0; i < attempts; i++) {
      const reply = await postGraphQL(breakerGateway.url, { query: '{ secretCount }' });
      expect(reply).toEqual({
        status: 200,
        body: {
          data: { secretCount: null },
          errors: [
            { message: 'Token rejected.', extensions: { code: 'UNAUTHENTICATED', serviceName: 'guarded' } },
          ],
        },
      });
    }
    expect(guarded.hits()).toBe(attempts);
    expect(await metricsOf(breakerGateway.url)).toMatch(
      /^learncraft_subgraph_circuit_state\{subgraph="guarded"\} 0$/m,
    );
  });
});
