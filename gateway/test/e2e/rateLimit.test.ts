/**
 * Cost-based rate limits through the real gateway and subgraphs: the `x-ratelimit-*` headers move
 * by each operation's estimated cost, `Query.rateLimit` (resolved by identity from the figures the
 * gateway forwards) agrees with them, anonymous and signed-in traffic spend separate budgets, two
 * gateway replicas over one Redis spend one budget, a burst past a tiny budget is refused with 429,
 * `retry-after` and RATE_LIMITED without running anything, and a subscription over graphql-ws is
 * charged its subscribe cost. Each test speaks from its own client address (X-Forwarded-For behind
 * one trusted proxy hop), so anonymous budgets do not leak from one test into another.
 */
import { randomBytes } from 'node:crypto';
import { TEST_REDIS_URL } from '@learncraft/kit/testing';
import { demoAccount, startPlatform, type Platform } from './platform';
import { connect, type TestClient } from './wsClient';

interface Reply {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: Record<string, any> }[];
  };
}

async function post(
  url: string,
  query: string,
  options: {
    from: string;
    token?: string;
    variables?: Record<string, unknown>;
    headers?: Record<string, string>;
  },
): Promise<Reply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': options.from,
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Reply['body'],
  };
}

const figures = (reply: Reply) => ({
  limit: Number(reply.headers.get('x-ratelimit-limit')),
  remaining: Number(reply.headers.get('x-ratelimit-remaining')),
  used: Number(reply.headers.get('x-ratelimit-used')),
});

/** Estimated costs (kit's operationCost over the checked-in supergraph): 1 + 200 categories × 2. */
const CATEGORIES = '{ categories { id name } }';
const CATEGORIES_COST = 401;
/** 1 + 1 (`me` is not a list). */
const ME = '{ me { id } }';
const ME_COST = 2;
const RATE_LIMIT = '{ rateLimit { cost limit remaining used resetAt } }';

async function logIn(platform: Platform, from: string, email: string): Promise<string> {
  const reply = await post(
    platform.gateway.url,
    'mutation ($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } } }',
    { from, variables: { input: { email, password: demoAccount(email).password } } },
  );
  const token = reply.body.data?.sessionCreate.session?.accessToken;
  if (typeof token !== 'string') throw new Error(`log-in failed: ${JSON.stringify(reply.body)}`);
  return token;
}

describe('rate limits counted in Redis, one point per unit of the estimate', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({
      gatewayEnv: {
        REDIS_URL: TEST_REDIS_URL,
        RATE_LIMIT_KEY_PREFIX: `lc-e2e-ratelimit-${randomBytes(6).toString('hex')}:`,
        TRUSTED_PROXY_HOPS: '1',
        RATE_LIMIT_COST_UNITS_PER_POINT: '1',
        RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '10000',
        RATE_LIMIT_ANONYMOUS_POINTS_PER_MINUTE: '10000',
        RATE_LIMIT_USER_POINTS_PER_HOUR: '50000',
        RATE_LIMIT_USER_POINTS_PER_MINUTE: '50000',
      },
    });
  });
  afterAll(() => platform.close());

  it('moves the headers by each operation’s exact cost, and rateLimit agrees with them', async () => {
    const from = '203.0.113.1';
    const first = await post(platform.gateway.url, CATEGORIES, { from });
    expect(first.status).toBe(200);
    expect(first.body.data?.categories.length).toBeGreaterThan(0);
    expect(figures(first)).toEqual({
      limit: 10_000,
      remaining: 10_000 - CATEGORIES_COST,
      used: CATEGORIES_COST,
    });
    const second = await post(platform.gateway.url, ME, { from });
    expect(figures(second)).toEqual({
      limit: 10_000,
      remaining: 10_000 - CATEGORIES_COST - ME_COST,
      used: CATEGORIES_COST + ME_COST,
    });
    const asked = await post(platform.gateway.url, RATE_LIMIT, { from });
    const used = CATEGORIES_COST + ME_COST + 1;
    expect(asked.body.data?.rateLimit).toEqual({
      cost: 1,
      limit: 10_000,
      remaining: 10_000 - used,
      used,
      resetAt: new Date(Number(asked.headers.get('x-ratelimit-reset')) * 1000).toISOString(),
    });
    expect(figures(asked)).toEqual({ limit: 10_000, remaining: 10_000 - used, used });
    // The window is an hour from this address's first request.
    expect(Number(asked.headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeGreaterThan(3_500);
    expect(Number(asked.headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeLessThanOrEqual(3_601);
  });

  it('ignores a rate-limit header a client sends: identity sees only the gateway’s figures', async () => {
    const forged = JSON.stringify({
      cost: 0,
      limit: 1,
      remaining: 1,
      used: 0,
      resetAt: '2030-01-01T00:00:00.000Z',
    });
    const reply = await post(platform.gateway.url, RATE_LIMIT, {
      from: '203.0.113.2',
      headers: { 'x-learncraft-rate-limit': forged },
    });
    expect(reply.body.data?.rateLimit).toMatchObject({ cost: 1, limit: 10_000, remaining: 9_999, used: 1 });
  });

  it('counts anonymous traffic per address and signed-in traffic per user, in separate budgets', async () => {
    const from = '203.0.113.3';
    const token = await logIn(platform, from, 'learner@learncraft.dev');
    const anonymous = await post(platform.gateway.url, CATEGORIES, { from });
    const signedIn = await post(platform.gateway.url, CATEGORIES, { from, token });
    expect(anonymous.headers.get('x-ratelimit-limit')).toBe('10000');
    expect(signedIn.headers.get('x-ratelimit-limit')).toBe('50000');
    const anonymousUsed = figures(anonymous).used;
    expect(anonymousUsed).toBeGreaterThan(CATEGORIES_COST); // the log-in was anonymous too
    expect(figures(signedIn)).toEqual({
      limit: 50_000,
      remaining: 50_000 - CATEGORIES_COST,
      used: CATEGORIES_COST,
    });
    // Another address is another anonymous budget; the same user elsewhere is the same budget.
    const elsewhere = await post(platform.gateway.url, ME, { from: '203.0.113.4', token });
    expect(figures(elsewhere).used).toBe(CATEGORIES_COST + ME_COST);
    const otherAddress = await post(platform.gateway.url, ME, { from: '203.0.113.4' });
    expect(figures(otherAddress).used).toBe(ME_COST);
  });

  it('spends one budget across two gateway replicas over the same Redis', async () => {
    const second = await platform.startGateway();
    const from = '203.0.113.5';
    const onFirst = await post(platform.gateway.url, CATEGORIES, { from });
    const onSecond = await post(second.url, CATEGORIES, { from });
    const backOnFirst = await post(platform.gateway.url, ME, { from });
    expect(figures(onFirst).used).toBe(CATEGORIES_COST);
    expect(figures(onSecond).used).toBe(2 * CATEGORIES_COST);
    expect(figures(backOnFirst).used).toBe(2 * CATEGORIES_COST + ME_COST);
    expect(onSecond.headers.get('x-ratelimit-reset')).toBe(onFirst.headers.get('x-ratelimit-reset'));
  });

  it('charges a subscription over graphql-ws its subscribe cost', async () => {
    const from = '203.0.113.6';
    const token = await logIn(platform, from, 'ada@learncraft.dev');
    const before = await post(platform.gateway.url, RATE_LIMIT, { from, token });
    const client: TestClient = connect(platform.gateway.url, token);
    try {
      await client.connected;
      // 1 + 1 (kind) = 2 units: progressUpdated is one event, not a list. The course does not
      // exist, so the stream ends with NOT_FOUND: after the gateway charged it.
      const subscription = client.subscribe(
        'subscription ($id: ID!) { progressUpdated(courseId: $id) { kind } }',
        {
          id: 'no-such-course',
        },
      );
      expect(await subscription.ended).toBe('complete');
      expect(subscription.received[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    } finally {
      await client.dispose();
    }
    const after = await post(platform.gateway.url, RATE_LIMIT, { from, token });
    expect(after.body.data?.rateLimit.used - before.body.data?.rateLimit.used).toBe(2 + 1);
  });
});

describe('rate limits over a tiny budget, counted in memory', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({
      gatewayEnv: {
        TRUSTED_PROXY_HOPS: '1',
        RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: '5',
        RATE_LIMIT_ANONYMOUS_POINTS_PER_MINUTE: '100',
        RATE_LIMIT_USER_POINTS_PER_HOUR: '8',
        RATE_LIMIT_USER_POINTS_PER_MINUTE: '100',
      },
    });
  });
  afterAll(() => platform.close());

  it('refuses a burst past the budget with 429, retry-after and RATE_LIMITED, and runs nothing refused', async () => {
    const from = '198.51.100.1';
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => post(platform.gateway.url, CATEGORIES, { from })),
    );
    const admitted = burst.filter((reply) => reply.status === 200);
    const refused = burst.filter((reply) => reply.status === 429);
    expect(admitted).toHaveLength(5);
    expect(refused).toHaveLength(3);
    expect(admitted.map((reply) => figures(reply).used).sort()).toEqual([1, 2, 3, 4, 5]);
    for (const reply of refused) {
      expect(reply.body.data).toBeUndefined();
      expect(reply.body.errors).toHaveLength(1);
      const [error] = reply.body.errors ?? [];
      expect(error?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'hour', cost: 1 });
      expect(error?.message).toMatch(/^The hourly rate limit is spent; it resets in \d+ s\.$/);
      const retryAfter = Number(reply.headers.get('retry-after'));
      expect(retryAfter).toBe(error?.extensions?.retryAfterSeconds);
      expect(retryAfter).toBeGreaterThan(3_500);
      expect(retryAfter).toBeLessThanOrEqual(3_600);
      expect(figures(reply)).toEqual({ limit: 5, remaining: 0, used: 5 });
    }

    // A refused mutation does not run: the same email registers fine from another address.
    const email = `burst-${randomBytes(4).toString('hex')}@example.com`;
    const register =
      'mutation ($input: UserRegisterInput!) { userRegister(input: $input) { user { email } userErrors { code } } }';
    const variables = { input: { email, password: 'a long enough passphrase 42', displayName: 'Burst' } };
    const blocked = await post(platform.gateway.url, register, { from, variables });
    expect(blocked.status).toBe(429);
    expect(blocked.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const registered = await post(platform.gateway.url, register, { from: '198.51.100.2', variables });
    expect(registered.status).toBe(200);
    expect(registered.body.data?.userRegister).toEqual({ user: { email }, userErrors: [] });
  });

  it('sends RATE_LIMITED on a subscription whose subscribe cost is over the budget, and starts nothing', async () => {
    const token = await logIn(platform, '198.51.100.3', 'learner@learncraft.dev');
    const client = connect(platform.gateway.url, token);
    try {
      await client.connected;
      // 4 + 20 × 503 = 10,064 units: 11 points, over the user's 8.
      const subscription = client.subscribe(
        `subscription ($id: ID!) { progressUpdated(courseId: $id) { enrollment { user {
          enrollments(first: 20) { edges { node { lessons { status } } } } } } } }`,
        { id: 'any-course' },
      );
      const ended = await subscription.ended;
      expect(ended).not.toBe('complete');
      const errors = (ended as { error: { message: string; extensions?: Record<string, unknown> }[] }).error;
      expect(errors).toHaveLength(1);
      expect(errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'hour', cost: 11 });
      expect(errors[0]?.message).toBe(
        'This operation costs 11 points, more than the hourly budget of 8; ask for fewer items.',
      );
    } finally {
      await client.dispose();
    }
    // Nothing was spent: the user's whole budget is left (this query costs 1).
    const after = await post(platform.gateway.url, RATE_LIMIT, { from: '198.51.100.3', token });
    expect(after.body.data?.rateLimit).toMatchObject({ cost: 1, limit: 8, remaining: 7, used: 1 });
  });
});
