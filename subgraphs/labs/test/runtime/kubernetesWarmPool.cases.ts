/**
 * The warm pool of the `kubernetes` lab runtime against the fake API server: it fills, a provision
 * claims a warm pod without creating one, the pool refills, and concurrent claims from two replicas
 * never share a pod.
 */
import { createLogger } from '@learncraft/kit';
import type { ProvisionProgress, SandboxSpec } from '../../src/runtime/types';
import { createKubernetesRuntime, type KubernetesLabRuntime } from '../../src/runtime/kubernetes';
import { FakeKubernetes } from './fakeKubernetes';

const IMAGES = { linux: 'learncraft/lab-linux:1', node: 'learncraft/lab-node:1' };
const logger = createLogger('test', 'silent');

let fake: FakeKubernetes;
const runtimes: KubernetesLabRuntime[] = [];

async function pooledRuntime(warmPool: Record<string, number>) {
  const runtime = createKubernetesRuntime({
    kubeConfig: await fake.kubeConfig(),
    namespace: 'learncraft-labs',
    images: IMAGES,
    warmPool,
    logger,
  });
  runtimes.push(runtime);
  return runtime;
}

function specFor(sessionId: string, overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    sessionId,
    profile: 'linux',
    setupScript: null,
    expiresAt: new Date(Date.now() + 3_600_000),
    ...overrides,
  };
}

async function waitFor(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const warmPods = (profile = 'linux') =>
  fake
    .podObjects()
    .filter(
      (pod) =>
        pod.metadata.labels!['learncraft.dev/pool'] === 'warm' &&
        pod.metadata.labels!['learncraft.dev/profile'] === profile,
    );
const readyWarmPods = (profile = 'linux') =>
  warmPods(profile).filter((pod) => pod.status!.phase === 'Running');

beforeEach(async () => {
  fake = await FakeKubernetes.start();
});

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
  await fake.close();
});

test('with a pool of 2 the pool fills with running warm pods that carry no session and no deadline', async () => {
  const runtime = await pooledRuntime({ linux: 2 });
  await runtime.ensureNamespace();
  await waitFor(() => readyWarmPods().length === 2);
  expect(fake.count('POST', /\/pods$/)).toBe(2);
  for (const pod of warmPods()) {
    expect(pod.metadata.labels!['learncraft.dev/session']).toBeUndefined();
    expect(pod.spec!.activeDeadlineSeconds).toBeUndefined();
  }
  // A second pass finds the pool full and creates nothing.
  await runtime.refillWarmPool();
  expect(fake.count('POST', /\/pods$/)).toBe(2);
  expect(await runtime.list()).toEqual([]);
});

test('a provision claims a ready warm pod without creating a pod, then the pool refills to its size', async () => {
  const runtime = await pooledRuntime({ linux: 2 });
  await runtime.refillWarmPool();
  await waitFor(() => readyWarmPods().length === 2);
  const warmNames = warmPods().map((pod) => pod.metadata.name);
  const createsBefore = fake.count('POST', /\/pods$/);

  const progress: ProvisionProgress[] = [];
  const expiresAt = new Date(Date.now() + 1_800_000);
  const sandbox = await runtime.provision(
    specFor('warm-1', { setupScript: 'echo ready > "$HOME/setup.txt"', expiresAt }),
    (step) => progress.push(step),
  );
  expect(fake.count('POST', /\/pods$/)).toBe(createsBefore);

  expect(warmNames).toContain(sandbox.id);
  expect(progress.map((step) => step.percent)).toEqual([60, 80, 100]);
  expect(progress[0]!.message).toBe('Claimed a ready sandbox from the warm pool');
  const claimed = fake.podObjects().find((pod) => pod.metadata.name === sandbox.id)!;
  expect(claimed.metadata.labels!['learncraft.dev/pool']).toBe('claimed');
  expect(claimed.metadata.labels!['learncraft.dev/session']).toBe('warm-1');
  expect(claimed.metadata.annotations!['learncraft.dev/session-id']).toBe('warm-1');
  expect(claimed.metadata.annotations!['learncraft.dev/claimed-at']).toBe(sandbox.createdAt.toISOString());
  const startTime = new Date(claimed.status!.startTime as string).getTime();
  expect(claimed.spec!.activeDeadlineSeconds).toBe(Math.ceil((expiresAt.getTime() - startTime) / 1000));
  expect(
    await runtime.exec(sandbox.id, 'cat "$HOME/setup.txt"', { timeoutMs: 5_000, maxOutputBytes: 1024 }),
  ).toEqual({
    exitCode: 0,
    output: 'ready\n',
    timedOut: false,
    truncated: false,
  });
  expect(await runtime.list()).toEqual([
    { id: sandbox.id, sessionId: 'warm-1', createdAt: sandbox.createdAt },
  ]);

  await waitFor(() => readyWarmPods().length === 2);
  expect(fake.count('POST', /\/pods$/)).toBe(createsBefore + 1);
  expect(warmPods().map((pod) => pod.metadata.name)).not.toContain(sandbox.id);
});

test('a profile whose pool is empty starts cold, and pools of other profiles are untouched', async () => {
  const runtime = await pooledRuntime({ node: 1 });
  await runtime.refillWarmPool();
  await waitFor(() => readyWarmPods('node').length === 1);
  const progress: number[] = [];
  const sandbox = await runtime.provision(specFor('cold-in-pool-1'), (step) => progress.push(step.percent));
  expect(progress).toEqual([0, 10, 60, 100]);
  expect(sandbox.id).toMatch(/^lab-linux-/);
  expect(readyWarmPods('node').length).toBe(1);
});

test('two replicas claiming at once never get the same warm pod: the loser of the claim starts cold', async () => {
  const first = await pooledRuntime({ linux: 1 });
  const second = await pooledRuntime({ linux: 1 });
  await first.refillWarmPool();
  await waitFor(() => readyWarmPods().length === 1);
  const [warm] = warmPods().map((pod) => pod.metadata.name);

  const [a, b] = await Promise.all([first.provision(specFor('race-a')), second.provision(specFor('race-b'))]);
  expect(a.id).not.toBe(b.id);
  expect([a.id, b.id]).toContain(warm);
  // The loser's claim was refused by the server (the JSON patch `test`), not decided locally.
  expect(fake.count('PATCH', /\/pods\//)).toBe(2);
  const sessions = fake
    .podObjects()
    .map((pod) => pod.metadata.labels!['learncraft.dev/session'])
    .filter(Boolean)
    .sort();
  expect(sessions).toEqual(['race-a', 'race-b']);
});

test('a warm pod that can no longer run is deleted by the next refill and replaced', async () => {
  const runtime = await pooledRuntime({ linux: 1 });
  await runtime.refillWarmPool();
  await waitFor(() => readyWarmPods().length === 1);
  const [broken] = warmPods();
  broken!.status = { ...broken!.status, phase: 'Failed', reason: 'Evicted' };

  await runtime.refillWarmPool();
  expect(fake.podObjects().map((pod) => pod.metadata.name)).not.toContain(broken!.metadata.name);
  await waitFor(() => readyWarmPods().length === 1);
});

test('warm pods of an earlier image are neither claimed nor kept: a deploy with a new image replaces them', async () => {
  const before = await pooledRuntime({ linux: 1 });
  await before.refillWarmPool();
  await waitFor(() => readyWarmPods().length === 1);
  const [old] = warmPods().map((pod) => pod.metadata.name);
  await before.close();

  const after = createKubernetesRuntime({
    kubeConfig: await fake.kubeConfig(),
    namespace: 'learncraft-labs',
    images: { linux: 'learncraft/lab-linux:2' },
    warmPool: { linux: 1 },
    logger,
  });
  runtimes.push(after);
  const sandbox = await after.provision(specFor('after-deploy-1'));
  expect(sandbox.id).not.toBe(old);
  await after.refillWarmPool();
  expect(fake.podObjects().map((pod) => pod.metadata.name)).not.toContain(old);
  await waitFor(() => readyWarmPods().length === 1);
  const images = warmPods().map((pod) => (pod.spec!.containers as { image: string }[])[0]!.image);
  expect(images).toEqual(['learncraft/lab-linux:2']);
});

test('a claim keeps annotations others put on the warm pod and adds the session ones', async () => {
  const runtime = await pooledRuntime({ linux: 1 });
  await runtime.refillWarmPool();
  await waitFor(() => readyWarmPods().length === 1);
  const [warm] = warmPods();
  expect(warm!.metadata.annotations).toBeUndefined();
  warm!.metadata.annotations = { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' };

  const sandbox = await runtime.provision(specFor('annotated-1'));
  expect(sandbox.id).toBe(warm!.metadata.name);
  const claimed = fake.podObjects().find((pod) => pod.metadata.name === sandbox.id)!;
  expect(claimed.metadata.annotations).toEqual({
    'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
    'learncraft.dev/session-id': 'annotated-1',
    'learncraft.dev/claimed-at': sandbox.createdAt.toISOString(),
  });
});

test('deadline headroom leaves room for extensions: the deadline is expiresAt plus the headroom, cold and claimed', async () => {
  const runtime = createKubernetesRuntime({
    kubeConfig: await fake.kubeConfig(),
    namespace: 'learncraft-labs',
    images: IMAGES,
    warmPool: { linux: 1 },
    deadlineHeadroomMs: 30 * 60_000,
    logger,
  });
  runtimes.push(runtime);
  const expiresAt = new Date(Date.now() + 3_600_000);
  const cold = await runtime.provision(specFor('headroom-cold', { profile: 'node', expiresAt }));
  const coldPod = fake.podObjects().find((pod) => pod.metadata.name === cold.id)!;
  expect(coldPod.spec!.activeDeadlineSeconds).toBe(
    Math.ceil((expiresAt.getTime() + 1_800_000 - Date.parse(cold.createdAt.toISOString())) / 1000),
  );

  await runtime.refillWarmPool();
  await waitFor(() => readyWarmPods().length === 1);
  const warm = await runtime.provision(specFor('headroom-warm', { expiresAt }));
  const warmPod = fake.podObjects().find((pod) => pod.metadata.name === warm.id)!;
  const startTime = Date.parse(warmPod.status!.startTime as string);
  expect(warmPod.spec!.activeDeadlineSeconds).toBe(
    Math.ceil((expiresAt.getTime() + 1_800_000 - startTime) / 1000),
  );
});
