import { RedisRateLimiter, type RateLimiter } from '@learncraft/kit';
import { TEST_REDIS_URL } from '@learncraft/kit/testing';
import {
  SIGN_IN,
  fromAddress,
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

let addressCounter = 0;
/** A client address no other test has used (documentation range 198.51.100.0/24 and beyond). */
const newAddress = () => `198.51.${100 + Math.floor((addressCounter += 1) / 250)}.${addressCounter % 250}`;

// Memory: the default wiring (no REDIS_URL). Redis: the limiter replicas share, under a prefix of
// this run so earlier runs' counters cannot interfere.
const limiters: [string, () => RateLimiter | undefined][] = [
  ['memory', () => undefined],
  ['redis', () => new RedisRateLimiter(TEST_REDIS_URL, `lc-test-identity-${process.pid}-${Date.now()}:`)],
];

describe.each(limiters)('log-in limits (%s limiter)', (_name, createLimiter) => {
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

  const attempt = (email: string, password: string, address: string | null) =>
    identity.gql(SIGN_IN, { input: { email, password } }, undefined, address ? fromAddress(address) : {});
  const failTimes = async (email: string, times: number, address: string | null) => {
    for (let i = 0; i < times; i++) {
      expect((await attempt(email, WRONG_PASSWORD, address)).body.data!.sessionCreate).toEqual(
        INVALID_CREDENTIALS,
      );
    }
  };
  const signsIn = async (email: string, password: string, address: string | null) =>
    (await attempt(email, password, address)).body.data!.sessionCreate.userErrors;

  it('locks the email for one client address for 30 s after five wrong passwords, even for the right password', async () => {
    const { input } = await register(identity);
    const address = newAddress();
    await failTimes(input.email, 5, address);
    const retryAfterSeconds = rateLimitedError(await attempt(input.email, input.password, address));
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('lets the owner sign in from another address while an attacker’s address is locked out', async () => {
    const { input } = await register(identity);
    const attacker = newAddress();
    await failTimes(input.email, 5, attacker);
    rateLimitedError(await attempt(input.email, WRONG_PASSWORD, attacker));
    expect(await signsIn(input.email, input.password, newAddress())).toEqual([]);
    // The owner's success does not unlock the attacker's pair.
    rateLimitedError(await attempt(input.email, input.password, attacker));
  });

  it('starts over after a success from the same address: 4 failures, success, 4 failures, success', async () => {
    const { input } = await register(identity);
    const address = newAddress();
    await failTimes(input.email, 4, address);
    expect(await signsIn(input.email, input.password, address)).toEqual([]);
    await failTimes(input.email, 4, address);
    expect(await signsIn(input.email, input.password, address)).toEqual([]);
  });

  it('limits an email without an account exactly like one with an account', async () => {
    const unknown = newAccount().email;
    const address = newAddress();
    await failTimes(unknown, 5, address);
    expect(rateLimitedError(await attempt(unknown, WRONG_PASSWORD, address))).toBeGreaterThanOrEqual(29);
  });

  it('refuses an address after 30 failures across different emails (credential stuffing), for 15 minutes, while other addresses sign in', async () => {
    const { input } = await register(identity);
    const stuffer = newAddress();
    for (let i = 0; i < 30; i++) await failTimes(newAccount().email, 1, stuffer);
    const retryAfterSeconds = rateLimitedError(await attempt(input.email, input.password, stuffer));
    expect(retryAfterSeconds).toBeGreaterThan(880);
    expect(retryAfterSeconds).toBeLessThanOrEqual(900);
    expect(await signsIn(input.email, input.password, newAddress())).toEqual([]);
  });

  it('refuses an email from every address once 50 failures came from many addresses, and not before', async () => {
    const { input } = await register(identity);
    for (let i = 0; i < 10; i++) await failTimes(input.email, 5, newAddress());
    const retryAfterSeconds = rateLimitedError(await attempt(input.email, input.password, newAddress()));
    expect(retryAfterSeconds).toBeGreaterThan(880);
    expect(retryAfterSeconds).toBeLessThanOrEqual(900);
  });

  it('lets 49 failures from many addresses pass the email ceiling, so the owner still signs in', async () => {
    const { input } = await register(identity);
    for (let i = 0; i < 9; i++) await failTimes(input.email, 5, newAddress());
    await failTimes(input.email, 4, newAddress());
    expect(await signsIn(input.email, input.password, newAddress())).toEqual([]);
  });

  it('treats requests without a client address as one bucket of their own', async () => {
    const { input } = await register(identity);
    await failTimes(input.email, 5, null);
    rateLimitedError(await attempt(input.email, input.password, null));
    expect(await signsIn(input.email, input.password, newAddress())).toEqual([]);
  });

  it('counts an email however it is cased or padded, as sign-in matches it', async () => {
    const { input } = await register(identity);
    const address = newAddress();
    for (const variant of [input.email.toUpperCase(), `  ${input.email} `, input.email]) {
      await failTimes(variant, 1, address);
    }
    await failTimes(input.email.toUpperCase(), 2, address);
    rateLimitedError(await attempt(` ${input.email}`, input.password, address));
  });

  it('does not count input that fails validation, such as a malformed email', async () => {
    const address = newAddress();
    for (let i = 0; i < 6; i++) {
      const payload = (await attempt('not-an-email', WRONG_PASSWORD, address)).body.data!.sessionCreate;
      expect(payload.userErrors.map((error: { code: string }) => error.code)).toEqual(['INVALID_EMAIL']);
    }
  });
});

describe('log-in limit settings', () => {
  let identity: TestIdentity;
  beforeAll(async () => {
    identity = await startTestIdentity({
      env: {
        LOGIN_FREE_FAILURES: '2',
        LOGIN_BACKOFF_BASE_SECONDS: '1',
        LOGIN_BACKOFF_MAX_SECONDS: '2',
        LOGIN_ADDRESS_MAX_FAILURES: '1000',
      },
    });
  });
  afterAll(() => identity.dispose());

  it('takes the back-off from LOGIN_FREE_FAILURES and LOGIN_BACKOFF_*: the wait doubles after each failure up to the cap, and ends', async () => {
    const { input, user } = await register(identity);
    const headers = fromAddress('203.0.113.7');
    const attempt = (password: string) =>
      identity.gql(SIGN_IN, { input: { email: input.email, password } }, undefined, headers);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    expect((await attempt(WRONG_PASSWORD)).body.data!.sessionCreate).toEqual(INVALID_CREDENTIALS);
    expect((await attempt(WRONG_PASSWORD)).body.data!.sessionCreate).toEqual(INVALID_CREDENTIALS);
    expect(rateLimitedError(await attempt(input.password))).toBe(1);
    await sleep(1_050);
    expect((await attempt(WRONG_PASSWORD)).body.data!.sessionCreate).toEqual(INVALID_CREDENTIALS);
    expect(rateLimitedError(await attempt(input.password))).toBe(2);
    await sleep(2_050);
    expect((await attempt(input.password)).body.data!.sessionCreate.session.user.id).toBe(user.id);
  });
});
