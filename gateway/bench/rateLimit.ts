/**
 * `npm run bench:ratelimit`: what cost-based rate limits cost a request, and that replicas share
 * one budget. Everything in this process on 127.0.0.1: the test fixtures' two small subgraphs
 * (users, posts) behind real gateways, Redis at REDIS_URL (default 127.0.0.1:6379) under a key
 * prefix of this run. Prints
 *  - the limiter call itself (`CostRateLimiter.admit` + release), in memory and in Redis, p50/p95/p99
 *    over many calls spread across 1,000 users (target p50 <= 0.5 ms);
 *  - a gateway request (`{ users { id name } }`, sequential, the variants taking turns) with the
 *    limiter off, in memory and in Redis, and the difference of the p50s;
 *    A Redis PING between the requests shows what one round trip costs in this process at that
 *    moment (the subgraphs, the gateways and the client share its event loop): on a loaded
 *    machine it, not the limiter, is most of the Redis row's difference;
 *  - two gateway replicas over one Redis and a budget of 100 points: alternate requests until both
 *    refuse, how many each admitted and the `x-ratelimit-used` each last reported.
 * Bounded in count; stops by itself; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import type { RunningServer } from '@learncraft/kit';
import { CostRateLimiter, type RateLimitBudgets } from '../src/rateLimit';
import type { RunningGateway } from '../src';
import {
  GENEROUS_RATE_LIMITS,
  POSTS_SDL,
  USERS_SDL,
  composeSupergraph,
  createKeys,
  startPostsSubgraph,
  startTestGateway,
  startUsersSubgraph,
} from '../test/support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MEMORY_CALLS = 50_000;
const REDIS_CALLS = 5_000;
const SUBJECTS = 1_000;
const WARM_UP_REQUESTS = 200;
const REQUESTS = 2_000;
const SHARED_BUDGET = 100;
const QUERY = '{ users { id name } }';

const BUDGETS: RateLimitBudgets = {
  apiKey: { pointsPerHour: 1e12, pointsPerMinute: 1e12, maxConcurrent: 1_000 },
  user: { pointsPerHour: 1e12, pointsPerMinute: 1e12, maxConcurrent: 1_000 },
  address: { pointsPerHour: 1e12, pointsPerMinute: 1e12, maxConcurrent: 1_000 },
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(3)} ms`;
const runPrefix = `lc-bench-ratelimit-${randomBytes(4).toString('hex')}:`;

async function limiterCalls(label: string, calls: number, redisUrl?: string) {
  const limiter = await CostRateLimiter.create({
    budgets: BUDGETS,
    keyPrefix: `${runPrefix}${label}:`,
    redisUrl,
  });
  const samples: number[] = [];
  try {
    for (let i = 0; i < calls + 500; i++) {
      const subject = { kind: 'user' as const, id: `u${i % SUBJECTS}` };
      const started = performance.now();
      const admission = await limiter.admit(subject, 1 + (i % 7));
      if (admission.allowed) admission.release();
      if (i >= 500) samples.push(performance.now() - started); // the first 500 warm up JIT and pool
    }
  } finally {
    await limiter.close();
  }
  return samples;
}

async function post(url: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });
}

/**
 * Sequential requests, the gateways taking turns, so that load from elsewhere on the machine falls
 * on every variant alike.
 */
async function requestTimes(gateways: RunningGateway[], redis: Redis): Promise<number[][]> {
  for (let i = 0; i < WARM_UP_REQUESTS; i++)
    for (const gateway of gateways) await (await post(gateway.url)).arrayBuffer();
  const samples = gateways.map((): number[] => []);
  const pings: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const pinged = performance.now();
    await redis.ping();
    pings.push(performance.now() - pinged);
    for (const [index, gateway] of gateways.entries()) {
      const started = performance.now();
      const response = await post(gateway.url);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`unexpected HTTP ${response.status}`);
      samples[index]?.push(performance.now() - started);
    }
  }
  return [...samples, pings];
}

async function main() {
  const rows: [string, number[]][] = [];
  // The figures are only as quiet as the machine: say how busy it was.
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} on this machine`,
  );
  console.log(
    `limiter calls: ${MEMORY_CALLS} in memory, ${REDIS_CALLS} in Redis (${REDIS_URL}), ${SUBJECTS} users`,
  );
  rows.push(['admit + release, memory', await limiterCalls('memory', MEMORY_CALLS)]);
  rows.push(['admit + release, Redis', await limiterCalls('redis', REDIS_CALLS, REDIS_URL)]);

  const keys = await createKeys();
  const servers: RunningServer[] = [
    await startUsersSubgraph(keys.verifier),
    await startPostsSubgraph(keys.verifier),
  ];
  const [users, posts] = servers as [RunningServer, RunningServer];
  const supergraphSdl = composeSupergraph([
    { name: 'users', url: users.url, sdl: USERS_SDL },
    { name: 'posts', url: posts.url, sdl: POSTS_SDL },
  ]);
  const gateways: RunningGateway[] = [];
  const gateway = async (env: Record<string, string>) => {
    const started = await startTestGateway(supergraphSdl, keys, { ...GENEROUS_RATE_LIMITS, ...env });
    gateways.push(started);
    return started;
  };
  let overheads: number[][] = [];
  let shared: { admitted: number[]; lastUsed: (string | null)[]; refused: number } | undefined;
  try {
    console.log(
      `gateway requests: ${QUERY}, ${REQUESTS} sequential per variant, taking turns, after ${WARM_UP_REQUESTS} each to warm up`,
    );
    const pinger = new Redis(REDIS_URL);
    const [off = [], memory = [], redis = [], pings = []] = await requestTimes(
      [
        await gateway({ RATE_LIMIT_ENABLED: 'false' }),
        await gateway({}),
        await gateway({ REDIS_URL, RATE_LIMIT_KEY_PREFIX: `${runPrefix}gateway:` }),
      ],
      pinger,
    );
    pinger.disconnect();
    rows.push(
      ['gateway request, limiter off', off],
      ['gateway request, memory', memory],
      ['gateway request, Redis', redis],
      // What one Redis round trip costs in this busy process between requests: the floor under the Redis row.
      ['Redis PING between those requests', pings],
    );
    overheads = [memory, redis].map((samples) =>
      [25, 50].map((q) => percentile(samples, q) - percentile(off, q)),
    );

    // Two replicas, one budget: each admitted request spends 1 point of the same 100.
    const replicaEnv = {
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: `${runPrefix}replicas:`,
      RATE_LIMIT_ANONYMOUS_POINTS_PER_HOUR: String(SHARED_BUDGET),
      RATE_LIMIT_ANONYMOUS_POINTS_PER_MINUTE: String(SHARED_BUDGET),
    };
    const replicas = [await gateway(replicaEnv), await gateway(replicaEnv)];
    shared = { admitted: [0, 0], lastUsed: [null, null], refused: 0 };
    for (let i = 0; i < SHARED_BUDGET * 2; i++) {
      const replica = i % 2;
      const response = await post(replicas[replica]!.url);
      await response.arrayBuffer();
      if (response.status === 200) {
        shared.admitted[replica]! += 1;
        shared.lastUsed[replica] = response.headers.get('x-ratelimit-used');
      } else if (response.status === 429) shared.refused += 1;
      else throw new Error(`unexpected HTTP ${response.status}`);
    }
  } finally {
    for (const started of gateways) await started.close();
    await Promise.all(servers.map((server) => server.close()));
  }

  console.log(
    '\nmeasure                              |       p25 |       p50 |       p95 |       p99 | samples',
  );
  for (const [label, samples] of rows) {
    const p = (q: number) => ms(percentile(samples, q)).padStart(9);
    const many = samples.length > 1;
    const cell = (q: number) => (many ? p(q) : ''.padStart(9));
    console.log(
      `${label.padEnd(36)} | ${cell(25)} | ${p(50)} | ${cell(95)} | ${cell(99)} | ${many ? samples.length : ''}`,
    );
  }
  const [memoryOverhead = [], redisOverhead = []] = overheads;
  const both = (values: number[]) => values.map((value) => ms(value)).join(' / ');
  console.log(
    `\nlimiter overhead on a gateway request (p25 / p50 over "off"): memory ${both(memoryOverhead)}, Redis ${both(redisOverhead)}`,
  );
  if (shared) {
    console.log(
      `\ntwo replicas over one Redis, a budget of ${SHARED_BUDGET} points, ${SHARED_BUDGET * 2} requests alternating:`,
    );
    console.log(
      `  admitted: replica A ${shared.admitted[0]}, replica B ${shared.admitted[1]}, total ${shared.admitted[0]! + shared.admitted[1]!}; refused (429): ${shared.refused}`,
    );
    console.log(
      `  last x-ratelimit-used: replica A ${shared.lastUsed[0]}, replica B ${shared.lastUsed[1]} (one budget: they interleave up to ${SHARED_BUDGET})`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
