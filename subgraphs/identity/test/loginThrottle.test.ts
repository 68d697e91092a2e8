import { RedisRateLimiter, type RateLimiter } from '@learncraft/kit';
import { TEST_REDIS_URL } from '@learncraft/kit/testing';
import {
  SIGN_IN,
  newAccount,
  register,
  startTestIdentity,
  type GraphQLResponse,
  type TestIdentity,
} from './helpers';

const INVALID_CREDENTIALS = {
  session: null,
  userErrors: [
    { code: 'INVALID_CREDENTIALS', message: 'The email address or password is incorrect.', field: null },
  ],
};
const WRONG_PASSWORD = 'wrong password entirely';

/** The single RATE_LIMITED error a refused sign-in answers with, and its retry delay. */
function rateLimitedError(response: GraphQLResponse) {
  expect(response.status).toBe(200);
  expect(response.body.data).toBeNull();
  const retryAfterSeconds = response.body.errors?.[0]?.extensions?.retryAfterSeconds as number;
  expect(response.body.errors).toEqual([
    {
      message: `Too many requests; retry in ${retryAfterSeconds} s.`,
      locations: [{ line: 3, column: 5 }],
      path: ['sessionCreate'],
      extensions: { code: 'RATE_LIMITED', retryAfterSeconds },
    },
  ]);
  return retryAfterSeconds;
}

// Memory: the default wiring (no REDIS_URL). Redis: the limiter replicas share, under a prefix of
// this run so earlier runs' counters cannot interfere.
const limiters: [string, () => RateLimiter | undefined][] = [
  ['memory', () => undefined],
  ['redis', () => new RedisRateLimiter(TEST_REDIS_URL, `lc-test-identity-${process.pid}-${Date.now()}:`)],
];

describe.each(limiters)('sign-in brute-force protection (%s limiter)', (_name, createLimiter) => {
  let identity: TestIdentity;
  let limiter: RateLimiter | undefined;
  beforeAll(async () => {
    limiter = createLimiter();
    identity = await startTestIdentity({ rateLimiter: limiter });
  });
  afterAll(async () => {
    await identity.dispose();
    await limiter?.close();
  });

  const attempt = (email: string, password: string) => identity.gql(SIGN_IN, { input: { email, password } });
  const failTimes = async (email: string, times: number) => {
    for (let i = 0; i < times; i++) {
      expect((await attempt(email, WRONG_PASSWORD)).body.data!.sessionCreate).toEqual(INVALID_CREDENTIALS);
    }
  };

  it('answers the first five wrong passwords with INVALID_CREDENTIALS, then RATE_LIMITED even for the right password', async () => {
    const { input } = await register(identity);
    await failTimes(input.email, 5);
    const retryAfterSeconds = rateLimitedError(await attempt(input.email, input.password));
    expect(retryAfterSeconds).toBeGreaterThan(890);
    expect(retryAfterSeconds).toBeLessThanOrEqual(900);
  });

  it('leaves other emails unaffected when one is rate limited', async () => {
    const locked = await register(identity);
    const other = await register(identity);
    await failTimes(locked.input.email, 5);
    rateLimitedError(await attempt(locked.input.email, locked.input.password));
    const payload = (await attempt(other.input.email, other.input.password)).body.data!.sessionCreate;
    expect(payload.userErrors).toEqual([]);
    expect(payload.session.user.id).toBe(other.user.id);
  });

  it('limits an email without an account exactly like one with an account', async () => {
    const unknown = newAccount().email;
    await failTimes(unknown, 5);
    const retryAfterSeconds = rateLimitedError(await attempt(unknown, WRONG_PASSWORD));
    expect(retryAfterSeconds).toBeGreaterThan(890);
    expect(retryAfterSeconds).toBeLessThanOrEqual(900);
  });

  it('resets the count on a successful sign-in: 4 failures, success, 4 failures, success', async () => {
    const { input } = await register(identity);
    await failTimes(input.email, 4);
    expect((await attempt(input.email, input.password)).body.data!.sessionCreate.userErrors).toEqual([]);
    await failTimes(input.email, 4);
    expect((await attempt(input.email, input.password)).body.data!.sessionCreate.userErrors).toEqual([]);
  });

  it('counts an email however it is cased or padded, as sign-in matches it', async () => {
    const { input } = await register(identity);
    for (const variant of [input.email.toUpperCase(), `  ${input.email} `, input.email]) {
      await failTimes(variant, 1);
    }
    await failTimes(input.email.toUpperCase(), 2);
    rateLimitedError(await attempt(` ${input.email}`, input.password));
  });

  it('does not count input that fails validation, such as a malformed email', async () => {
    for (let i = 0; i < 6; i++) {
      const payload = (await attempt('not-an-email', WRONG_PASSWORD)).body.data!.sessionCreate;
      expect(payload.userErrors.map((error: { code: string }) => error.code)).toEqual(['INVALID_EMAIL']);
    }
  });
});

describe('sign-in brute-force protection settings', () => {
  let identity: TestIdentity;
  beforeAll(async () => {
    identity = await startTestIdentity({
      env: { LOGIN_MAX_FAILURES: '2', LOGIN_FAILURE_WINDOW_SECONDS: '1' },
    });
  });
  afterAll(() => identity.dispose());

  it('takes the limit and window from LOGIN_MAX_FAILURES and LOGIN_FAILURE_WINDOW_SECONDS, and lifts the limit when the window ends', async () => {
    const { input, user } = await register(identity);
    const attempt = (password: string) => identity.gql(SIGN_IN, { input: { email: input.email, password } });
    expect((await attempt(WRONG_PASSWORD)).body.data!.sessionCreate).toEqual(INVALID_CREDENTIALS);
    expect((await attempt(WRONG_PASSWORD)).body.data!.sessionCreate).toEqual(INVALID_CREDENTIALS);
    expect(rateLimitedError(await attempt(input.password))).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await attempt(input.password)).body.data!.sessionCreate.session.user.id).toBe(user.id);
  });
});
