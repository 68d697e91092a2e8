/**
 * `npm run bench:gateway`: The Guild's gateway benchmark (github.com/graphql-hive/graphql-gateways-
 * benchmark) on this machine — its four subgraphs and its nested query (an ~88 KB answer), 50
 * keep-alive connections sending it back to back — against LearnCraft's gateway and stock
 * @apollo/gateway + @apollo/server side by side, in alternating rounds so noise hits both.
 *
 * Each gateway runs in its own process pinned to core 0 (`taskset`); the subgraphs and this load
 * generator share core 1. Every answer is compared with the expected one (the stock gateway's
 * first answer, checked against The Guild's expected values) and mismatches are counted. Prints
 * RPS, p50/p99 latency, peak RSS (VmHWM) and their ratios to stock, plus the subgraphs' CPU and
 * the requests each gateway served per CPU-second it used (the ratio that holds when other work
 * shares core 0 and RPS ratios turn into scheduler noise).
 * A third workload runs LearnCraft's gateway with in-flight deduplication on (DEDUPLICATE_IN_FLIGHT).
 *
 * BENCH_SECONDS (default 5) is the length of one round per gateway (k6's 60 s, shortened);
 * BENCH_ROUNDS (default 3); BENCH_VUS (default 50, as k6's constant mode); BENCH_CPU_PROF=<dir>
 * writes a V8 CPU profile of LearnCraft's gateway there.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { exportSPKI, generateKeyPair } from 'jose';
import { Pool } from 'undici';
import { SUBGRAPHS } from './subgraphs';
import { BENCH_QUERY } from './query';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VUS = Number(process.env.BENCH_VUS ?? 50);
const HERE = __dirname;
const HAS_TASKSET = spawnSync('taskset', ['-p', String(process.pid)]).status === 0;
const BODY = JSON.stringify({ query: BENCH_QUERY });
const PROFILE_DIR = process.env.BENCH_CPU_PROF;

interface Proc {
  child: ChildProcess;
  ready: Promise<Record<string, string | number>>;
}

/** Starts `file` under tsx on `core`; resolves with the JSON line it prints when ready. */
function startProcess(
  file: string,
  core: number,
  env: Record<string, string> = {},
  flags: string[] = [],
): Proc {
  const args = [...flags, '--import', 'tsx', join(HERE, file)];
  const child = HAS_TASKSET
    ? spawn('taskset', ['-c', String(core), process.execPath, ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(process.execPath, args, {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
  const ready = new Promise<Record<string, string | number>>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((entry) => entry.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Record<string, string | number>);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, ready };
}

/** The node process itself (taskset execs it, so the pid is the same). */
function status(pid: number, field: string): number {
  const match = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Run {
  requests: number;
  mismatches: number;
  failures: number;
  latencies: number[];
  seconds: number;
  gatewayCpu: number;
  subgraphCpu: number;
}

/** VUS connections, each sending the query back to back for `seconds`; checks every answer. */
async function load(
  url: string,
  seconds: number,
  expected: string,
  pids: { gateway: number; subgraphs: number },
): Promise<Run> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: VUS, pipelining: 1 });
  const run: Run = {
    requests: 0,
    mismatches: 0,
    failures: 0,
    latencies: [],
    seconds,
    gatewayCpu: 0,
    subgraphCpu: 0,
  };
  const expectedJson: unknown = JSON.parse(expected);
  const gatewayCpu = cpuSeconds(pids.gateway);
  const subgraphCpu = cpuSeconds(pids.subgraphs);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const vu = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        const response = await pool.request({
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: BODY,
        });
        const text = await response.body.text();
        run.latencies.push(performance.now() - sent);
        run.requests++;
        if (response.statusCode !== 200) run.failures++;
        else if (text !== expected && !isDeepStrictEqual(JSON.parse(text), expectedJson)) run.mismatches++;
      } catch {
        run.failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: VUS }, vu));
  run.seconds = (performance.now() - started) / 1000;
  run.gatewayCpu = (cpuSeconds(pids.gateway) - gatewayCpu) / run.seconds;
  run.subgraphCpu = (cpuSeconds(pids.subgraphs) - subgraphCpu) / run.seconds;
  await pool.close();
  return run;
}

async function post(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
  });
  return response.text();
}

/** Spot checks from The Guild's k6.js expected structure: the reference answer is the right one. */
function checkReference(text: string): void {
  const body = JSON.parse(text) as {
    errors?: unknown;
    data: {
      users: {
        id: string;
        reviews: { product: { shippingEstimate: null; reviews: { author: { name: string } }[] } }[];
      }[];
      topProducts: unknown[];
    };
  };
  const product = body.data.users[0]?.reviews[0]?.product;
  const ok =
    !body.errors &&
    body.data.users.length === 6 &&
    body.data.topProducts.length === 5 &&
    product?.shippingEstimate === null &&
    product.reviews.length === 4 &&
    product.reviews[0]?.author.name === 'Uri Goldshtein';
  if (!ok) throw new Error(`The stock gateway's answer is not the expected one: ${text.slice(0, 500)}`);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

interface Totals {
  requests: number;
  mismatches: number;
  failures: number;
  seconds: number;
  latencies: number[];
  gatewayCpu: number[];
  subgraphCpu: number[];
  /** CPU seconds the gateway process spent over the measured rounds. */
  gatewayCpuSeconds: number;
}

function add(totals: Totals, run: Run): void {
  totals.requests += run.requests;
  totals.mismatches += run.mismatches;
  totals.failures += run.failures;
  totals.seconds += run.seconds;
  for (const latency of run.latencies) totals.latencies.push(latency);
  totals.gatewayCpu.push(run.gatewayCpu);
  totals.gatewayCpuSeconds += run.gatewayCpu * run.seconds;
  totals.subgraphCpu.push(run.subgraphCpu);
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

async function main() {
  // This load generator shares core 1 with the subgraphs; the gateways get core 0 to themselves.
  if (HAS_TASKSET) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)]);
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const processes: ChildProcess[] = [];
  try {
    const subgraphs = startProcess('subgraphs.ts', 1);
    processes.push(subgraphs.child);
    const { port } = await subgraphs.ready;
    const composed = composeServices(
      Object.entries(SUBGRAPHS).map(([name, { typeDefs }]) => ({
        name,
        url: `http://127.0.0.1:${port}/${name}`,
        typeDefs: parse(typeDefs),
      })),
    );
    if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
    const supergraphPath = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed.supergraphSdl);
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const env = { SUPERGRAPH_PATH: supergraphPath, BENCH_JWT_PUBLIC_KEY: await exportSPKI(publicKey) };

    const gateways = [
      { name: 'stock @apollo/gateway + @apollo/server', proc: startProcess('stock.ts', 0, env) },
      {
        name: 'LearnCraft gateway',
        proc: startProcess(
          'ours.ts',
          0,
          env,
          PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
        ),
      },
      {
        name: 'LearnCraft gateway, DEDUPLICATE_IN_FLIGHT=true',
        proc: startProcess('ours.ts', 0, { ...env, DEDUPLICATE_IN_FLIGHT: 'true' }),
      },
    ].map((entry) => ({ ...entry, url: '', pid: entry.proc.child.pid ?? 0, totals: {} as Totals }));
    for (const gateway of gateways) {
      processes.push(gateway.proc.child);
      gateway.url = String((await gateway.proc.ready).url);
      gateway.totals = {
        requests: 0,
        mismatches: 0,
        failures: 0,
        seconds: 0,
        latencies: [],
        gatewayCpu: [],
        subgraphCpu: [],
        gatewayCpuSeconds: 0,
      };
    }
    const expected = await post(gateways[0]!.url);
    checkReference(expected);
    for (const gateway of gateways.slice(1)) {
      const answer = await post(gateway.url);
      if (answer !== expected) console.log(`${gateway.name} answers differently: ${answer.slice(0, 300)}`);
    }
    console.log(
      `Guild gateway benchmark: answer ${(Buffer.byteLength(expected) / 1000).toFixed(1)} KB, ${VUS} connections, ` +
        `${ROUNDS} rounds of ${SECONDS} s per gateway${HAS_TASKSET ? ', gateways on core 0, subgraphs + load on core 1' : ' (no taskset: unpinned)'}`,
    );
    const pids = (pid: number) => ({ gateway: pid, subgraphs: subgraphs.child.pid ?? 0 });
    // Warm-up like k6's setup (2 × VUs requests), then a short unmeasured run: JIT, caches, pools.
    for (const gateway of gateways) {
      for (let i = 0; i < VUS * 2; i++) await post(gateway.url);
      await load(gateway.url, 1, expected, pids(gateway.pid));
    }
    const load1 = loadavg()[0]!;
    for (let round = 0; round < ROUNDS; round++) {
      for (const gateway of gateways)
        add(gateway.totals, await load(gateway.url, SECONDS, expected, pids(gateway.pid)));
    }
    const rows = gateways.map((gateway) => {
      const sorted = gateway.totals.latencies.sort((a, b) => a - b);
      return {
        name: gateway.name,
        rps: gateway.totals.requests / gateway.totals.seconds,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        rss: status(gateway.pid, 'VmHWM'),
        perCpuSecond: gateway.totals.requests / Math.max(1e-9, gateway.totals.gatewayCpuSeconds),
        ...gateway.totals,
      };
    });
    const stock = rows[0]!;
    console.log(
      'gateway | RPS | p50 ms | p99 ms | peak RSS MB | RPS x stock | p99 x stock | RSS x stock | mismatches | failures | gateway CPU | subgraphs CPU | requests per gateway CPU-second | x stock',
    );
    for (const row of rows) {
      console.log(
        [
          row.name,
          row.rps.toFixed(0),
          row.p50.toFixed(1),
          row.p99.toFixed(1),
          (row.rss / 1e6).toFixed(0),
          (row.rps / stock.rps).toFixed(2),
          (row.p99 / stock.p99).toFixed(2),
          (row.rss / stock.rss).toFixed(2),
          row.mismatches,
          row.failures,
          `${(mean(row.gatewayCpu) * 100).toFixed(0)}%`,
          `${(mean(row.subgraphCpu) * 100).toFixed(0)}%`,
          row.perCpuSecond.toFixed(0),
          (row.perCpuSecond / stock.perCpuSecond).toFixed(2),
        ].join(' | '),
      );
    }
    const ours = rows[1]!;
    const dedup = rows[2]!;
    console.log(
      `targets: RPS >= 5x stock: ${(ours.rps / stock.rps).toFixed(2)}x; p99 < stock: ${(ours.p99 / stock.p99).toFixed(2)}x; ` +
        `RSS <= stock: ${(ours.rss / stock.rss).toFixed(2)}x; dedup >= 30x stock: ${(dedup.rps / stock.rps).toFixed(2)}x`,
    );
    // When other processes share core 0, RPS measures the scheduler as much as the gateway; the
    // requests each gateway serves per CPU-second it was given do not depend on that.
    console.log(
      `per gateway CPU-second: ${(ours.perCpuSecond / stock.perCpuSecond).toFixed(2)}x stock ` +
        `(dedup ${(dedup.perCpuSecond / stock.perCpuSecond).toFixed(2)}x)`,
    );
    console.log(
      `load average: ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')} (1-min at start ${load1.toFixed(2)})`,
    );
  } finally {
    for (const child of processes) child.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
