/**
 * The `kubernetes` lab runtime through the real client library against the fake API server
 * (fakeKubernetes.ts): cold provisioning, exec, attach, destroy, list, availability and the
 * namespace set-up.
 */
import { execFileSync } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { createLogger } from '@learncraft/kit';
import { LabRuntimeError } from '../../src/runtime';
import type { ProvisionProgress, SandboxSpec } from '../../src/runtime/types';
import {
  createKubernetesRuntime,
  loadKubernetesClient,
  type KubernetesLabRuntime,
  type KubernetesRuntimeOptions,
} from '../../src/runtime/kubernetes';
import { FakeKubernetes } from './fakeKubernetes';

const IMAGES = {
  linux: 'learncraft/lab-linux:1',
  node: 'learncraft/lab-node:1',
  broken: 'learncraft/lab-broken:1',
};
const logger = createLogger('test', 'silent');

let fake: FakeKubernetes;
const runtimes: KubernetesLabRuntime[] = [];

async function runtimeFor(server: FakeKubernetes, options: Partial<KubernetesRuntimeOptions> = {}) {
  const runtime = createKubernetesRuntime({
    kubeConfig: await server.kubeConfig(),
    namespace: 'learncraft-labs',
    images: IMAGES,
    // Long, so a start that is not seen through the watch shows up as a slow test.
    pollIntervalMs: 5_000,
    logger,
    ...options,
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

/** Terminal output as the learner reads it: lines without control sequences (bash's bracketed paste). */
function screenLines(output: string): string[] {
  // eslint-disable-next-line no-control-regex
  return output.split('\n').map((line) => line.replace(/\x1b\[[?0-9;]*[A-Za-z]/g, '').replace(/\r/g, ''));
}

const limits = { timeoutMs: 10_000, maxOutputBytes: 64 * 1024 };

beforeAll(async () => {
  fake = await FakeKubernetes.start({ brokenImages: [IMAGES.broken] });
});

afterAll(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.close()));
  await fake.close();
});

describe('provision (cold)', () => {
  test('a cold provision creates one pod, follows it with a watch through 0, 10, 60, 80 and 100 %, and runs the setup script in the home', async () => {
    // Slow enough that the pod is still Pending when first read back, so the watch is what sees it start.
    const slow = await FakeKubernetes.start({ scheduleDelayMs: 150, startDelayMs: 400 });
    try {
      const runtime = await runtimeFor(slow);
      const progress: ProvisionProgress[] = [];
      const started = Date.now();
      const sandbox = await runtime.provision(
        specFor('cold-1', { setupScript: 'echo prepared > "$HOME/setup.txt"' }),
        (step) => progress.push(step),
      );
      // Re-reads happen every 5 s (pollIntervalMs); only the watch can make this quick.
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(progress.map((step) => step.percent)).toEqual([0, 10, 60, 80, 100]);
      expect(progress.at(-1)!.message).toBe('Sandbox ready');
      const watches = slow.requests.filter((request) => request.query.watch === 'true');
      expect(watches.length).toBeGreaterThanOrEqual(1);
      expect(watches[0]!.query.fieldSelector).toBe(`metadata.name=${sandbox.id}`);
      expect(slow.count('POST', /\/pods$/)).toBe(1);
      expect(sandbox.sessionId).toBe('cold-1');
      expect(sandbox.id).toMatch(/^lab-linux-[0-9a-f]{10}$/);
      const pod = slow.podObjects().find((item) => item.metadata.name === sandbox.id)!;
      expect(pod.status!.phase).toBe('Running');
      expect(pod.metadata.labels!['learncraft.dev/pool']).toBe('claimed');
      expect(pod.metadata.labels!['learncraft.dev/session']).toBe('cold-1');
      expect(pod.spec!.activeDeadlineSeconds).toBeGreaterThanOrEqual(3599);
      expect(pod.spec!.activeDeadlineSeconds).toBeLessThanOrEqual(3600);

      const result = await runtime.exec(sandbox.id, 'cat "$HOME/setup.txt"', limits);
      expect(result).toEqual({ exitCode: 0, output: 'prepared\n', timedOut: false, truncated: false });
      await runtime.close();
    } finally {
      await slow.close();
    }
  });

  test('a profile without an image is refused before any pod is created', async () => {
    const runtime = await runtimeFor(fake);
    const before = fake.count('POST', /\/pods$/);
    const error = await runtime
      .provision(specFor('unknown-1', { profile: 'cobol' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LabRuntimeError);
    expect(error).toMatchObject({
      code: 'UNKNOWN_PROFILE',
      message: 'No sandbox image for the lab profile "cobol"',
    });
    expect(fake.count('POST', /\/pods$/)).toBe(before);
  });

  test('a pod whose image cannot be pulled fails provisioning with the reason, and the pod is deleted', async () => {
    const runtime = await runtimeFor(fake);
    const error = await runtime
      .provision(specFor('broken-1', { profile: 'broken' }))
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect((error as Error).message).toMatch(
      /^The sandbox pod lab-broken-[0-9a-f]{10} could not start: ErrImagePull: pull access denied for learncraft\/lab-broken:1$/,
    );
    expect(
      fake.podObjects().filter((pod) => pod.metadata.labels!['learncraft.dev/session'] === 'broken-1'),
    ).toEqual([]);
  });

  test('a pod the cluster cannot schedule in time fails with CAPACITY, and the pod is deleted', async () => {
    const crowded = await FakeKubernetes.start({ scheduleDelayMs: 60_000, startDelayMs: 60_000 });
    try {
      const runtime = await runtimeFor(crowded, { startTimeoutMs: 200 });
      const error = await runtime.provision(specFor('crowded-1')).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'CAPACITY' });
      expect((error as Error).message).toMatch(
        /^The sandbox pod lab-linux-[0-9a-f]{10} was not scheduled on a node after 200 ms$/,
      );
      expect(crowded.podObjects()).toEqual([]);
    } finally {
      await crowded.close();
    }
  });

  test('a failing setup script fails provisioning with its output, and the pod is deleted', async () => {
    const runtime = await runtimeFor(fake);
    await expect(
      runtime.provision(specFor('setup-fails-1', { setupScript: 'echo no such file >&2; exit 4' })),
    ).rejects.toMatchObject({
      code: 'SETUP_FAILED',
      message: 'The setup script exited with 4: no such file\n',
    });
    expect(
      fake.podObjects().filter((pod) => pod.metadata.labels!['learncraft.dev/session'] === 'setup-fails-1'),
    ).toEqual([]);
  });
});

describe('exec', () => {
  let runtime: KubernetesLabRuntime;
  let sandboxId: string;
  beforeAll(async () => {
    runtime = await runtimeFor(fake);
    sandboxId = (await runtime.provision(specFor('exec-1'))).id;
  });

  test('exec returns stdout and stderr interleaved in the order they were written, with the exit code', async () => {
    const result = await runtime.exec(
      sandboxId,
      'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; exit 3',
      limits,
    );
    expect(result).toEqual({ exitCode: 3, output: 'one\ntwo\nthree\n', timedOut: false, truncated: false });
  });

  test('exec of a succeeding script reports exit code 0', async () => {
    expect(await runtime.exec(sandboxId, 'echo hello', limits)).toEqual({
      exitCode: 0,
      output: 'hello\n',
      timedOut: false,
      truncated: false,
    });
  });

  test('a script that outlives its timeout is reported as timed out, and is killed inside the pod too', async () => {
    const started = Date.now();
    const result = await runtime.exec(sandboxId, 'echo started; sleep 30.4242', {
      timeoutMs: 1_000,
      maxOutputBytes: 1024,
    });
    expect(result).toEqual({ exitCode: null, output: 'started\n', timedOut: true, truncated: false });
    expect(Date.now() - started).toBeLessThan(3_000);
    // The in-pod `timeout` fires at the next whole second; give it that and a little more.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(() => execFileSync('pgrep', ['-f', 'sleep 30.4242'])).toThrow();
  });

  test('output beyond maxOutputBytes is dropped and the result says truncated', async () => {
    const result = await runtime.exec(sandboxId, "head -c 5000 /dev/zero | tr '\\0' a; echo; echo done >&2", {
      timeoutMs: 10_000,
      maxOutputBytes: 100,
    });
    expect(result).toEqual({ exitCode: 0, output: 'a'.repeat(100), timedOut: false, truncated: true });
  });

  test('exec in a sandbox whose pod stopped running (deadline passed) fails with SANDBOX_NOT_FOUND', async () => {
    const { id } = await runtime.provision(specFor('exec-stopped-1'));
    const pod = fake.podObjects().find((item) => item.metadata.name === id)!;
    pod.status = { ...pod.status, phase: 'Failed', reason: 'DeadlineExceeded' };
    await expect(runtime.exec(id, 'true', limits)).rejects.toMatchObject({
      code: 'SANDBOX_NOT_FOUND',
      message: `The sandbox ${id} is not running`,
    });
    await runtime.destroy(id);
  });

  test('at expiresAt the pod is stopped by its deadline: a running script dies, later execs fail, list still shows it for clean-up', async () => {
    const { id } = await runtime.provision(
      specFor('expiring-1', { expiresAt: new Date(Date.now() + 1_200) }),
    );
    const running = runtime.exec(id, 'sleep 20.4242; echo finished', limits);
    const result = await running;
    expect(result.output).toBe('');
    expect(result.exitCode).not.toBe(0);
    expect(() => execFileSync('pgrep', ['-f', 'sleep 20.4242'])).toThrow();
    const pod = fake.podObjects().find((item) => item.metadata.name === id)!;
    expect(pod.status!.reason).toBe('DeadlineExceeded');
    await expect(runtime.exec(id, 'true', limits)).rejects.toMatchObject({ code: 'SANDBOX_NOT_FOUND' });
    expect((await runtime.list()).map((sandbox) => sandbox.id)).toContain(id);
    await runtime.destroy(id);
  });

  test('exec in a sandbox that does not exist fails with SANDBOX_NOT_FOUND', async () => {
    await expect(runtime.exec('lab-linux-0000000000', 'true', limits)).rejects.toMatchObject({
      code: 'SANDBOX_NOT_FOUND',
    });
  });
});

describe('exec in an image that lacks timeout', () => {
  test('exec fails with UNAVAILABLE and the reason instead of a result, and a setup script there fails provisioning', async () => {
    const bare = await FakeKubernetes.start({ missingExecutables: ['timeout'] });
    try {
      const runtime = await runtimeFor(bare);
      const { id } = await runtime.provision(specFor('bare-1'));
      await expect(runtime.exec(id, 'echo hello', limits)).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: `Could not run a command in the sandbox ${id}: failed to exec in container: exec: "timeout": executable file not found in $PATH`,
      });
      await expect(runtime.provision(specFor('bare-2', { setupScript: 'true' }))).rejects.toMatchObject({
        code: 'UNAVAILABLE',
      });
      expect(
        bare.podObjects().filter((pod) => pod.metadata.labels!['learncraft.dev/session'] === 'bare-2'),
      ).toEqual([]);
      await runtime.close();
    } finally {
      await bare.close();
    }
  });
});

describe('attach', () => {
  test('attach gives a shell on a TTY: writing echo hello reads hello, resize reaches the PTY, exit reports the code', async () => {
    const runtime = await runtimeFor(fake);
    const { id } = await runtime.provision(specFor('attach-1'));
    const terminal = await runtime.attach(id, { cols: 120, rows: 40 });
    let output = '';
    terminal.onData((data) => (output += data));
    const exited = new Promise<number | null>((resolve) => terminal.onExit(resolve));

    terminal.write('echo hello\n');
    await waitFor(() => screenLines(output).includes('hello'));
    terminal.write('stty size\n');
    await waitFor(() => screenLines(output).includes('40 120'));
    terminal.resize(90, 20);
    terminal.write('stty size\n');
    await waitFor(() => screenLines(output).includes('20 90'));
    terminal.write('exit 7\n');
    expect(await exited).toBe(7);
  });

  test('close ends the shell and reports the exit', async () => {
    const runtime = await runtimeFor(fake);
    const { id } = await runtime.provision(specFor('attach-2'));
    const terminal = await runtime.attach(id, { cols: 80, rows: 24 });
    const exited = new Promise<number | null>((resolve) => terminal.onExit(resolve));
    terminal.close();
    expect(await exited).toBeNull();
  });
});

describe('destroy and list', () => {
  test('destroy deletes the pod with no grace period, and destroying it again is not an error', async () => {
    const runtime = await runtimeFor(fake);
    const { id } = await runtime.provision(specFor('destroy-1'));
    await runtime.destroy(id);
    expect(fake.podObjects().map((pod) => pod.metadata.name)).not.toContain(id);
    const deletion = fake.requests.find(
      (request) => request.method === 'DELETE' && request.path.endsWith(`/pods/${id}`),
    )!;
    expect(deletion.query).toEqual({ gracePeriodSeconds: '0', propagationPolicy: 'Background' });
    await expect(runtime.destroy(id)).resolves.toBeUndefined();
    await expect(runtime.exec(id, 'true', limits)).rejects.toMatchObject({ code: 'SANDBOX_NOT_FOUND' });
  });

  test('list finds the sandboxes another runtime instance created (orphans after a restart)', async () => {
    const first = await runtimeFor(fake);
    const created = await first.provision(specFor('orphan-1'));
    await first.close();

    const restarted = await runtimeFor(fake);
    const listed = await restarted.list();
    expect(listed).toContainEqual({ id: created.id, sessionId: 'orphan-1', createdAt: created.createdAt });
    expect(listed.every((sandbox) => sandbox.id.startsWith('lab-'))).toBe(true);
    await restarted.destroy(created.id);
    expect((await restarted.list()).map((sandbox) => sandbox.id)).not.toContain(created.id);
  });
});

describe('availability and namespace', () => {
  test('availability is ok when the API answers and the namespace exists', async () => {
    const runtime = await runtimeFor(fake);
    expect(await runtime.availability()).toEqual({ ok: true });
  });

  test('availability says the namespace is missing', async () => {
    const runtime = await runtimeFor(fake, { namespace: 'nowhere' });
    expect(await runtime.availability()).toEqual({
      ok: false,
      reason: `The lab namespace "nowhere" does not exist on ${fake.url}: apply deploy/ or call ensureNamespace()`,
    });
  });

  test('availability says the credentials were refused', async () => {
    const runtime = await runtimeFor(fake, { kubeConfig: await fake.kubeConfig('wrong-token') });
    expect(await runtime.availability()).toEqual({
      ok: false,
      reason: `The Kubernetes API at ${fake.url} refused the labs credentials (HTTP 401): grant pods and pods/exec in "learncraft-labs"`,
    });
  });

  test('availability says the API cannot be reached when nothing listens', async () => {
    const gone = await FakeKubernetes.start();
    const kubeConfig = await gone.kubeConfig();
    await gone.close();
    const runtime = await runtimeFor(gone, { kubeConfig });
    const availability = await runtime.availability();
    expect(availability.ok).toBe(false);
    expect(!availability.ok && availability.reason).toMatch(
      new RegExp(`^The Kubernetes API at ${gone.url} cannot be reached: `),
    );
  });

  test('availability gives up on an API server that accepts connections but never answers', async () => {
    const connections = new Set<Socket>();
    const silent = createNetServer((socket) => connections.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const { KubeConfig } = await loadKubernetesClient();
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromClusterAndUser(
        { name: 'silent', server: url, skipTLSVerify: true },
        { name: 'labs', token: 't' },
      );
      const runtime = await runtimeFor(fake, { kubeConfig, requestTimeoutMs: 200 });
      expect(await runtime.availability()).toEqual({
        ok: false,
        reason: `The Kubernetes API at ${url} cannot be reached: no answer within 200 ms`,
      });
    } finally {
      for (const socket of connections) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('ensureNamespace creates the restricted namespace and the deny-all NetworkPolicy, and a second call changes nothing', async () => {
    const empty = await FakeKubernetes.start({ namespaces: [] });
    try {
      const runtime = await runtimeFor(empty);
      await runtime.ensureNamespace();
      expect(empty.namespace('learncraft-labs')!.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe(
        'restricted',
      );
      const policy = empty.networkPolicy('learncraft-labs', 'learncraft-labs-deny-all')!;
      expect(policy.spec).toEqual({
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [],
      });
      const version = policy.metadata.resourceVersion;

      await runtime.ensureNamespace();
      expect(empty.count('POST', /\/namespaces$/)).toBe(1);
      expect(empty.count('POST', /\/networkpolicies$/)).toBe(1);
      expect(empty.count('PUT', /\/networkpolicies\//)).toBe(0);
      expect(
        empty.networkPolicy('learncraft-labs', 'learncraft-labs-deny-all')!.metadata.resourceVersion,
      ).toBe(version);
      expect(await runtime.availability()).toEqual({ ok: true });
      await runtime.close();
    } finally {
      await empty.close();
    }
  });
});
