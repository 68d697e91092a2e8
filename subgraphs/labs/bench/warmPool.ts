/**
 * `tsx subgraphs/labs/bench/warmPool.ts`: what the warm pool buys. Provision latency of the
 * `kubernetes` lab runtime against the fake API server (test/runtime/fakeKubernetes.ts), through the
 * real client library over HTTP and WebSocket:
 *
 * - warm claim: a ready warm pod is claimed (list + JSON patch), with and without a setup script
 *   (one exec round trip); the pool is refilled and ready again before each claim, outside the timing;
 * - cold start: a pod is created and followed with a watch until Running. The fake's simulated start
 *   delay is subtracted, so the figure is the runtime's own overhead (requests, watch, exec), not
 *   the cluster's.
 *
 * Bounded: 30 claims with a pool of 3, 15 cold starts.
 */
import { createLogger } from '@learncraft/kit';
import { createKubernetesRuntime, type KubernetesLabRuntime } from '../src/runtime/kubernetes';
import type { SandboxSpec } from '../src/runtime/types';
import { FakeKubernetes } from '../test/runtime/fakeKubernetes';

const CLAIMS = 30;
const POOL_SIZE = 3;
const COLD_STARTS = 15;
const START_DELAY_MS = 200;
const SCHEDULE_DELAY_MS = 50;

const logger = createLogger('bench', 'silent');
const images = { linux: 'learncraft/lab-linux:1' };

function spec(sessionId: string, setupScript: string | null = null): SandboxSpec {
  return { sessionId, profile: 'linux', setupScript, expiresAt: new Date(Date.now() + 3_600_000) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('the warm pool did not refill in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function warmClaims(fake: FakeKubernetes, setupScript: string | null): Promise<number[]> {
  const runtime: KubernetesLabRuntime = createKubernetesRuntime({
    kubeConfig: await fake.kubeConfig(),
    namespace: 'learncraft-labs',
    images,
    warmPool: { linux: POOL_SIZE },
    logger,
  });
  const readyWarm = () =>
    fake
      .podObjects()
      .filter(
        (pod) => pod.metadata.labels?.['learncraft.dev/pool'] === 'warm' && pod.status?.phase === 'Running',
      ).length;
  const timings: number[] = [];
  await runtime.refillWarmPool();
  // One claim outside the figures: it loads the client library.
  for (let claim = -1; claim < CLAIMS; claim++) {
    await waitFor(() => readyWarm() === POOL_SIZE);
    const creates = fake.count('POST', /\/pods$/);
    let id = '';
    const ms = await timed(async () => {
      id = (await runtime.provision(spec(`warm-${claim}`, setupScript))).id;
    });
    if (fake.count('POST', /\/pods$/) !== creates) throw new Error('a claim created a pod');
    if (claim >= 0) timings.push(ms);
    await runtime.destroy(id);
  }
  await runtime.close();
  return timings;
}

async function coldStarts(fake: FakeKubernetes): Promise<number[]> {
  const runtime = createKubernetesRuntime({
    kubeConfig: await fake.kubeConfig(),
    namespace: 'learncraft-labs',
    images,
    logger,
  });
  const timings: number[] = [];
  for (let start = -1; start < COLD_STARTS; start++) {
    let id = '';
    const ms = await timed(async () => {
      id = (await runtime.provision(spec(`cold-${start}`))).id;
    });
    if (start >= 0) timings.push(ms - START_DELAY_MS);
    await runtime.destroy(id);
  }
  await runtime.close();
  return timings;
}

async function main() {
  const fake = await FakeKubernetes.start({
    startDelayMs: START_DELAY_MS,
    scheduleDelayMs: SCHEDULE_DELAY_MS,
  });
  try {
    const rows: [string, number[]][] = [
      [`warm claim, no setup (${CLAIMS} claims, pool ${POOL_SIZE})`, await warmClaims(fake, null)],
      [`warm claim + setup exec (${CLAIMS} claims, pool ${POOL_SIZE})`, await warmClaims(fake, 'true')],
      [`cold start (${COLD_STARTS} starts)`, await coldStarts(fake)],
    ];
    console.log(
      `fake API server: pods run ${START_DELAY_MS} ms after creation (subtracted from cold starts)\n`,
    );
    console.log('case | p50 ms | p95 ms | max ms');
    console.log('--- | ---: | ---: | ---:');
    for (const [name, values] of rows) {
      const cells = [percentile(values, 50), percentile(values, 95), Math.max(...values)].map((value) =>
        value.toFixed(1),
      );
      console.log(`${name} | ${cells.join(' | ')}`);
    }
  } finally {
    await fake.close();
  }
}

void main();
