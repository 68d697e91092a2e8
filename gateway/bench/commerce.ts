/**
 * `npm run bench:commerce`: buying a course through the graph. The platform runs as `npm start`
 * runs it — each subgraph and the gateway its own process, embedded stores, the built-in test
 * payment provider, events pushed over HTTP — on 127.0.0.1 ports of its own and a temporary data
 * directory. Once commerce has seeded the demo prices, prints
 *  - checkoutQuote and checkoutCreate latency (WELCOME20, card 4242), p50/p95, sequential buyers;
 *  - checkouts per second with concurrent buyers, and the errors among them;
 *  - what access costs a course page: a learner with a (cached) grant, the same query on a free
 *    course, and a learner without access (refusals are not cached: each read asks commerce);
 *  - courseEnroll right after a purchase (how many needed a retry);
 *  - from orderRefund answering REFUNDED to the first lessonComplete refused with PAYMENT_REQUIRED.
 * Buyers are fresh accounts, registered and signed in outside the timing. Bounded in count and
 * time; stops by itself; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const REPO = resolve(__dirname, '../..');
const SERVICES = ['gateway', 'identity', 'catalog', 'progress', 'labs', 'ai', 'commerce'] as const;

const PAID_SLUG = 'advanced-typescript-types';
const FREE_SLUG = 'kubernetes-basics';
const COUPON = 'WELCOME20';
const CARD = { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2099, cvc: '123' };
const PASSWORD = 'a-long-bench-password';

const SEQUENTIAL_PURCHASES = 100;
const CONCURRENT_BUYERS = 20;
const CONCURRENT_PURCHASES = 200;
const READS = 200;
const REFUNDS = 30;
/** Sign-ups hash a password each (argon2): a few at a time keep the 2 cores busy, not flooded. */
const SIGN_UP_CONCURRENCY = 4;
const POLL_MS = 5;
/** Give up on one refund's revocation after this long (the access cache's TTL is 30 s). */
const REVOCATION_TIMEOUT_MS = 35_000;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;
const sleep = (millis: number) => new Promise((done) => setTimeout(done, millis));

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** `npm start` on embedded defaults and the test provider; resolves once it says it is ready. */
async function startPlatform() {
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const)),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'learncraft-bench-commerce-'));
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/(_URL|_PORT|^PORT|^PAYMENT_PROVIDER|^STRIPE_\w+)$/.test(name),
  );
  const child = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), ['gateway/src/platform/start.ts'], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...Object.fromEntries(inherited),
      ...Object.fromEntries(SERVICES.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
      DATA_DIR: dataDir,
      LEARNCRAFT_SKIP_WEB_BUILD: '1',
      LOG_LEVEL: 'warn',
      PAYMENT_PROVIDER: 'test',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const close = async () => {
    if (child.pid && child.exitCode === null) {
      process.kill(-child.pid, 'SIGTERM');
      await new Promise((done) => child.once('exit', done));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 300_000;
  while (!/LearnCraft is ready/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      // What it printed last (why it stopped) may still be on its way through the pipes.
      await sleep(500);
      await close();
      throw new Error(
        `npm start did not become ready (exit ${child.exitCode}, ${child.signalCode}):\n${output}`,
      );
    }
    await sleep(200);
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
  return {
    async graphql<T = any>(
      query: string,
      variables: Record<string, unknown> = {},
      token?: string,
    ): Promise<GraphQLAnswer<T>> {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLAnswer<T>;
    },
    close,
  };
}
type Platform = Awaited<ReturnType<typeof startPlatform>>;

const REGISTER = `mutation ($email: String!, $password: String!) { userRegister(input: { email: $email, password: $password, displayName: "Bench buyer" }) { userErrors { code } } }`;
const LOGIN = `mutation ($email: String!, $password: String!) { sessionCreate(input: { email: $email, password: $password }) { session { accessToken } userErrors { code } } }`;
const PRICED = `query ($slug: String!) { course(slug: $slug) { id price { amount } modules { lessons { id kind preview } } } }`;
const PAGE = `query ($slug: String!) { course(slug: $slug) { title viewerAccess { hasAccess } modules { lessons { id preview content { __typename } } } } }`;
const QUOTE = `query ($input: CheckoutQuoteInput!) { checkoutQuote(input: $input) { total { amount } userErrors { code } } }`;
const CHECKOUT = `mutation ($input: CheckoutCreateInput!) { checkoutCreate(input: $input) { order { id status } userErrors { code } } }`;
const ENROLL = `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { enrollment { id } userErrors { code } } }`;
const REFUND = `mutation ($input: OrderRefundInput!) { orderRefund(input: $input) { order { status } userErrors { code } } }`;
const LESSON_COMPLETE = `mutation ($id: ID!) { lessonComplete(input: { lessonId: $id }) { userErrors { code } } }`;

/** Runs `work` over `items`, `concurrency` at a time, answers in item order. */
async function pool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/** `count` fresh learners, each registered, then signed in: their access tokens. */
async function signUp(platform: Platform, prefix: string, count: number): Promise<string[]> {
  const run = randomUUID().slice(0, 8);
  const emails = Array.from({ length: count }, (_, i) => `bench-${prefix}-${i}-${run}@example.com`);
  return pool(emails, SIGN_UP_CONCURRENCY, async (email) => {
    const registered = await platform.graphql(REGISTER, { email, password: PASSWORD });
    if (registered.errors || registered.data?.userRegister.userErrors.length)
      throw new Error(`could not register ${email}: ${JSON.stringify(registered)}`);
    const login = await platform.graphql(LOGIN, { email, password: PASSWORD });
    const token = login.data?.sessionCreate.session?.accessToken as string | undefined;
    if (!token) throw new Error(`could not sign in ${email}: ${JSON.stringify(login)}`);
    return token;
  });
}

interface CourseView {
  id: string;
  price: { amount: number } | null;
  modules: { lessons: { id: string; kind: string; preview: boolean }[] }[];
}

/** Commerce seeds the demo prices in the background of its start, once catalog answers. */
async function pricedCourse(platform: Platform, slug: string): Promise<CourseView> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const view = (await platform.graphql<{ course: CourseView | null }>(PRICED, { slug })).data?.course;
    if (view?.price) return view;
    if (Date.now() > deadline) throw new Error(`${slug} never got its demo price`);
    await sleep(200);
  }
}

const checkoutInput = (courseId: string) => ({
  input: {
    items: [{ courseId }],
    couponCode: COUPON,
    idempotencyKey: randomUUID(),
    payment: { testCard: CARD },
  },
});

/** One checkout: the order when it answered PAID without errors, else null. */
async function buy(platform: Platform, courseId: string, token: string) {
  const answer = await platform.graphql(CHECKOUT, checkoutInput(courseId), token);
  const order = answer.data?.checkoutCreate.order as { id: string; status: string } | null | undefined;
  const ok =
    !answer.errors && answer.data?.checkoutCreate.userErrors.length === 0 && order?.status === 'PAID';
  return ok ? order : null;
}

/** p50/p95 of `samples` sequential runs of `read`. */
async function latency(samples: number, read: (index: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await read(i);
    times.push(performance.now() - started);
  }
  return times;
}

async function main() {
  const startedAt = performance.now();
  const platform = await startPlatform();
  try {
    const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
    const learners = SEQUENTIAL_PURCHASES + CONCURRENT_PURCHASES + 1;
    console.log(`platform ready in ${seconds(startedAt)}; signing up ${learners} learners`);
    // The sign-ups (outside every timing) overlap the wait for the demo prices.
    const readyAt = performance.now();
    const [paid, tokens] = await Promise.all([
      pricedCourse(platform, PAID_SLUG).then((view) => {
        console.log(`  demo prices seeded ${seconds(readyAt)} after ready`);
        return view;
      }),
      signUp(platform, 'buyer', learners).then((all) => {
        console.log(`  sign-ups took ${seconds(readyAt)}`);
        return all;
      }),
    ]);
    const sequentialBuyers = tokens.slice(0, SEQUENTIAL_PURCHASES);
    const concurrentBuyers = tokens.slice(SEQUENTIAL_PURCHASES, SEQUENTIAL_PURCHASES + CONCURRENT_PURCHASES);
    const outsider = tokens.at(-1)!;
    const lessons = paid.modules.flatMap((module) => module.lessons);
    // A lesson past the free preview that lessonComplete records (not a quiz or a lab).
    const locked = lessons.find((lesson) => !lesson.preview && ['READING', 'VIDEO'].includes(lesson.kind))!;

    // 1 and 4: sequential purchases, each followed at once by its enrolment.
    const quoteMs: number[] = [];
    const checkoutMs: number[] = [];
    const enrollMs: number[] = [];
    const orders: { id: string; token: string }[] = [];
    let checkoutFailures = 0;
    let quoteFailures = 0;
    let enrollRetries = 0;
    let enrollFailures = 0;
    for (const token of sequentialBuyers) {
      let started = performance.now();
      const quote = await platform.graphql(
        QUOTE,
        { input: { items: [{ courseId: paid.id }], couponCode: COUPON } },
        token,
      );
      quoteMs.push(performance.now() - started);
      if (quote.errors || quote.data?.checkoutQuote.userErrors.length !== 0) quoteFailures += 1;
      started = performance.now();
      const order = await buy(platform, paid.id, token);
      const paidAt = performance.now();
      checkoutMs.push(paidAt - started);
      if (!order) {
        checkoutFailures += 1;
        continue;
      }
      orders.push({ id: order.id, token });
      let enrolled = false;
      for (let attempt = 0; attempt < 20 && !enrolled; attempt += 1) {
        if (attempt === 1) enrollRetries += 1;
        if (attempt > 0) await sleep(POLL_MS);
        const answer = await platform.graphql(ENROLL, { id: paid.id }, token);
        enrolled = Boolean(answer.data?.courseEnroll.enrollment);
      }
      if (enrolled) enrollMs.push(performance.now() - paidAt);
      else enrollFailures += 1;
    }

    // 3: the course page with a cached grant, on a free course, and without access.
    const reader = orders.at(-1)!.token;
    const page = (slug: string, token: string) => () => platform.graphql(PAGE, { slug }, token);
    await latency(10, page(PAID_SLUG, reader)); // warm-up: plans cached, grants cached
    await latency(10, page(FREE_SLUG, reader));
    await latency(10, page(PAID_SLUG, outsider));
    const withAccessMs = await latency(READS, page(PAID_SLUG, reader));
    const freeMs = await latency(READS, page(FREE_SLUG, reader));
    const withoutAccessMs = await latency(READS, page(PAID_SLUG, outsider));

    // 2: concurrent buyers.
    const concurrentStarted = performance.now();
    const bought = await pool(concurrentBuyers, CONCURRENT_BUYERS, (token) =>
      buy(platform, paid.id, token).catch(() => null),
    );
    const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;
    const concurrentErrors = bought.filter((order) => order === null).length;

    // 5: refund, then lessonComplete every 5 ms until progress refuses it.
    const revocationMs: number[] = [];
    let revocationTimeouts = 0;
    let refundFailures = 0;
    let refusedAtOnce = 0;
    for (const { id, token } of orders.slice(0, REFUNDS)) {
      // Re-enrolling asks progress's access checker: the grant is cached again, fresh.
      await platform.graphql(ENROLL, { id: paid.id }, token);
      const refund = await platform.graphql(
        REFUND,
        { input: { orderId: id, reason: 'Benchmark refund.', idempotencyKey: randomUUID() } },
        token,
      );
      const refundedAt = performance.now();
      if (refund.data?.orderRefund.order?.status !== 'REFUNDED') {
        refundFailures += 1;
        continue;
      }
      for (let polls = 0; ; polls += 1) {
        const completed = await platform.graphql(LESSON_COMPLETE, { id: locked.id }, token);
        const codes = (completed.data?.lessonComplete.userErrors ?? []).map(
          (error: { code: string }) => error.code,
        );
        if (codes.includes('PAYMENT_REQUIRED')) {
          revocationMs.push(performance.now() - refundedAt);
          if (polls === 0) refusedAtOnce += 1;
          break;
        }
        if (performance.now() - refundedAt > REVOCATION_TIMEOUT_MS) {
          revocationTimeouts += 1;
          break;
        }
        await sleep(POLL_MS);
      }
    }

    const row = (label: string, values: number[], extra = '') =>
      console.log(
        `  ${label.padEnd(40)} p50 ${ms(percentile(values, 50)).padStart(9)}  p95 ${ms(percentile(values, 95)).padStart(9)}${extra}`,
      );
    console.log(`\ncommerce through the gateway (npm start, embedded stores, test provider, ${COUPON})`);
    console.log(`sequential, ${SEQUENTIAL_PURCHASES} fresh buyers of ${PAID_SLUG}, card 4242`);
    row('checkoutQuote', quoteMs, `  failures ${quoteFailures}`);
    row('checkoutCreate (PAID)', checkoutMs, `  failures ${checkoutFailures}`);
    console.log(`${CONCURRENT_PURCHASES} checkouts, ${CONCURRENT_BUYERS} buyers at a time`);
    console.log(
      `  ${(CONCURRENT_PURCHASES / concurrentSeconds).toFixed(1)} checkouts/s over ${concurrentSeconds.toFixed(2)} s; errors ${concurrentErrors}`,
    );
    console.log(`course page (title, viewerAccess, every lesson's content), ${READS} reads each`);
    row('paid course, learner with access', withAccessMs);
    row('free course, same learner', freeMs);
    row('paid course, learner without access', withoutAccessMs);
    console.log(
      `  access cost over the free course (p50)     with access ${ms(percentile(withAccessMs, 50) - percentile(freeMs, 50))}, without ${ms(percentile(withoutAccessMs, 50) - percentile(freeMs, 50))}`,
    );
    console.log(`courseEnroll right after checkoutCreate answered PAID (${enrollMs.length} buyers)`);
    row(
      'PAID to enrolled',
      enrollMs,
      `  needed a retry ${enrollRetries} (expected 0), never enrolled ${enrollFailures}`,
    );
    console.log(
      `orderRefund REFUNDED to the first lessonComplete refused PAYMENT_REQUIRED (${revocationMs.length} refunds, polled every ${POLL_MS} ms)`,
    );
    row(
      'REFUNDED to refused',
      revocationMs,
      `  refused at the first request ${refusedAtOnce}, timeouts ${revocationTimeouts}, refund failures ${refundFailures}`,
    );
    console.log(`\ntotal ${seconds(startedAt)}`);
  } finally {
    await platform.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
