/**
 * The local (bubblewrap) runtime: the shared contract, then what only this adapter does —
 * availability, capacity, setup failures, expiry, profiles, and recovering orphans a crashed
 * process left behind. Real bwrap throughout; security properties are in security.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeContract, linuxSpec, waitForOutput } from './contract';
import {
  EXEC,
  makeLocal,
  pidsMatching,
  pidsOfUid,
  realUidOf,
  removeDataDirs,
  tempDataDir,
  waitUntil,
} from './support';

runtimeContract('local runtime', () => Promise.resolve(makeLocal()));

afterAll(() => removeDataDirs());

describe('local runtime availability', () => {
  test('without bubblewrap the runtime is unavailable with the install command, and provisioning is refused', async () => {
    const runtime = makeLocal({ bwrapPath: '/nonexistent/bwrap' });
    await expect(runtime.availability()).resolves.toEqual({
      ok: false,
      reason: 'bubblewrap is not installed: apt-get install bubblewrap',
    });
    await expect(runtime.provision(linuxSpec())).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'bubblewrap is not installed: apt-get install bubblewrap',
    });
    await runtime.close();
  });

  test('a data directory the sandbox uids cannot reach makes the runtime unavailable with the fix', async () => {
    const parent = tempDataDir(); // mkdtemp: mode 0700
    const runtime = makeLocal({ dataDir: join(parent, 'data') });
    await expect(runtime.availability()).resolves.toEqual({
      ok: false,
      reason: `The sandboxes' uids cannot traverse ${parent}: chmod o+x ${parent} or choose another data directory`,
    });
    await runtime.close();
  });

  test('a uid range that could reach system or login uids is refused', () => {
    expect(() => makeLocal({ uidBase: 1000 })).toThrow(
      'uidBase must be an integer of at least 65536 (above every system and login uid), not 1000',
    );
  });

  test('bubblewrap is looked up on the search path given', async () => {
    const runtime = makeLocal({ searchPath: '/nonexistent:/also-missing' });
    await expect(runtime.availability()).resolves.toEqual({
      ok: false,
      reason: 'bubblewrap is not installed: apt-get install bubblewrap',
    });
    await runtime.close();
  });
});

describe('local runtime sandboxes on disk', () => {
  test('a sandbox is a directory with meta.json and a private home owned by its own uid', async () => {
    const dataDir = tempDataDir();
    const runtime = makeLocal({ dataDir, uidBase: 1_600_000 });
    const expiresAt = new Date(Date.now() + 60_000);
    const info = await runtime.provision(linuxSpec({ sessionId: 'session-meta', expiresAt }));
    const dir = join(dataDir, 'labs', 'sandboxes', info.id);
    expect(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))).toEqual({
      sessionId: 'session-meta',
      profile: 'linux',
      createdAt: info.createdAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      hostUid: 1_600_000,
    });
    const home = statSync(join(dir, 'home'));
    expect([home.uid, home.mode & 0o777]).toEqual([1_600_000, 0o700]);
    expect(statSync(join(dir, 'meta.json')).mode & 0o777).toBe(0o600);
    await runtime.destroy(info.id);
    expect(existsSync(dir)).toBe(false);
    await runtime.close();
  });

  test('a sandbox still being created is listed with its session, never as a leftover to destroy', async () => {
    const runtime = makeLocal({ uidBase: 1_605_000 });
    const provisioned = runtime.provision(linuxSpec({ sessionId: 'session-listed' }));
    let done = false;
    void provisioned.finally(() => (done = true));
    // A reconcile lists while a provision runs: each listing names the session, even before meta.json.
    const listings: string[] = [];
    while (!done) for (const sandbox of await runtime.list()) listings.push(sandbox.sessionId);
    const info = await provisioned;
    expect(listings.filter((sessionId) => sessionId !== 'session-listed')).toEqual([]);
    expect(await runtime.list()).toEqual([
      { id: info.id, sessionId: 'session-listed', createdAt: info.createdAt },
    ]);
    await runtime.destroy(info.id);
    await runtime.close();
  });

  test('two sandboxes run as two different host uids', async () => {
    const runtime = makeLocal({ uidBase: 1_610_000 });
    const first = await runtime.provision(linuxSpec());
    const second = await runtime.provision(linuxSpec());
    const terminals = await Promise.all(
      [first, second].map((info) => runtime.attach(info.id, { cols: 80, rows: 24 })),
    );
    await Promise.all(terminals.map((terminal) => waitForOutput(terminal, /learner@lab:~\$ /)));
    const hostUids = [first, second].map((info) => [...new Set(pidsMatching(info.id).map(realUidOf))]);
    expect(hostUids).toEqual([[1_610_000], [1_610_001]]);
    await runtime.destroy(first.id);
    await runtime.destroy(second.id);
    await runtime.close();
  });

  test('an exec or attach asked for while the sandbox is being destroyed is refused', async () => {
    const runtime = makeLocal({ uidBase: 1_615_000 });
    const info = await runtime.provision(linuxSpec());
    const destroyed = runtime.destroy(info.id);
    await expect(runtime.exec(info.id, 'sleep 100', EXEC)).rejects.toMatchObject({
      code: 'SANDBOX_NOT_FOUND',
    });
    await expect(runtime.attach(info.id, { cols: 80, rows: 24 })).rejects.toMatchObject({
      code: 'SANDBOX_NOT_FOUND',
    });
    await destroyed;
    expect(pidsOfUid(1_615_000)).toEqual([]);
    await runtime.close();
  });

  test('provisioning beyond maxSandboxes is refused until one is destroyed', async () => {
    const runtime = makeLocal({ maxSandboxes: 2, uidBase: 1_620_000 });
    const first = await runtime.provision(linuxSpec());
    const second = await runtime.provision(linuxSpec());
    await expect(runtime.provision(linuxSpec())).rejects.toMatchObject({
      code: 'CAPACITY',
      message: 'This machine already holds its maximum of 2 lab sandboxes',
    });
    await runtime.destroy(first.id);
    const third = await runtime.provision(linuxSpec());
    expect((await runtime.list()).map((entry) => entry.id).sort()).toEqual([second.id, third.id].sort());
    await runtime.destroy(second.id);
    await runtime.destroy(third.id);
    await runtime.close();
  });

  test('concurrent provisions never exceed maxSandboxes', async () => {
    const runtime = makeLocal({ maxSandboxes: 3, uidBase: 1_630_000 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => runtime.provision(linuxSpec())));
    const made = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.id] : []));
    const refused = results.flatMap((result) =>
      result.status === 'rejected' ? [(result.reason as { code: string }).code] : [],
    );
    expect([made.length, refused]).toEqual([3, ['CAPACITY', 'CAPACITY']]);
    for (const id of made) await runtime.destroy(id);
    await runtime.close();
  });

  test('a failing setup script fails provisioning with its output and leaves nothing behind', async () => {
    const runtime = makeLocal({ uidBase: 1_640_000 });
    const progress: number[] = [];
    await expect(
      runtime.provision(linuxSpec({ setupScript: 'echo cannot-prepare; exit 4' }), (step) =>
        progress.push(step.percent),
      ),
    ).rejects.toMatchObject({
      code: 'SETUP_FAILED',
      message: 'The setup script exited with 4: cannot-prepare\n',
    });
    expect(progress).toEqual([10, 50]);
    await expect(runtime.list()).resolves.toEqual([]);
    await runtime.close();
  });

  test('a setup script that runs too long is stopped and fails provisioning', async () => {
    const runtime = makeLocal({ uidBase: 1_650_000, limits: { setupTimeoutMs: 1_000 } });
    await expect(runtime.provision(linuxSpec({ setupScript: 'sleep 60' }))).rejects.toMatchObject({
      code: 'SETUP_FAILED',
      message: 'The setup script timed out after 1000 ms: ',
    });
    await expect(runtime.list()).resolves.toEqual([]);
    await runtime.close();
  });

  test('a sandbox is destroyed with its processes when it expires', async () => {
    const runtime = makeLocal({ uidBase: 1_660_000 });
    const info = await runtime.provision(linuxSpec({ expiresAt: new Date(Date.now() + 2_000) }));
    const terminal = await runtime.attach(info.id, { cols: 80, rows: 24 });
    const exited = new Promise<number | null>((resolve) => terminal.onExit(resolve));
    await expect(exited).resolves.toBeNull();
    // The shell ends first; the sweep that removes the sandbox's record follows. Poll for it
    // (bounded) rather than guessing how long a loaded machine takes.
    for (let tries = 0; tries < 100 && (await runtime.list()).length > 0; tries++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(runtime.list()).resolves.toEqual([]);
    expect(pidsMatching(info.id)).toEqual([]);
    await runtime.close();
  });

  test('the watchdog sweeps an expired sandbox left by a previous process', async () => {
    const dataDir = tempDataDir();
    const crashed = makeLocal({ dataDir, uidBase: 1_670_000 });
    const info = await crashed.provision(linuxSpec({ expiresAt: new Date(Date.now() + 1_000) }));
    await crashed.close(); // stops its expiry timer, as a crash would
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await crashed.list()).map((entry) => entry.id)).toEqual([info.id]);
    const next = makeLocal({ dataDir, uidBase: 1_670_000, watchIntervalMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await expect(next.list()).resolves.toEqual([]);
    await next.close();
  });
});

describe('local runtime orphans', () => {
  test('a new runtime over the same data directory lists, uses and destroys a sandbox a crashed one left running', async () => {
    const dataDir = tempDataDir();
    const crashed = makeLocal({ dataDir, uidBase: 1_680_000 });
    const info = await crashed.provision(
      linuxSpec({ sessionId: 'session-orphan', setupScript: 'echo kept > kept.txt' }),
    );
    const terminal = await crashed.attach(info.id, { cols: 80, rows: 24 });
    const started = waitForOutput(terminal, /[\r\n]started\r?\n/);
    terminal.write('nohup setsid sleep 4242.5 >/dev/null 2>&1 & echo started\r');
    await started;
    await waitUntil(() => pidsMatching('sleep\u00004242.5').length === 1);
    await crashed.close();
    expect(pidsMatching(info.id).length).toBeGreaterThan(0);

    const next = makeLocal({ dataDir, uidBase: 1_680_000 });
    expect(await next.list()).toEqual([
      { id: info.id, sessionId: 'session-orphan', createdAt: info.createdAt },
    ]);
    await expect(next.exec(info.id, 'cat kept.txt', EXEC)).resolves.toMatchObject({
      exitCode: 0,
      output: 'kept\n',
    });
    const shellExited = new Promise<number | null>((resolve) => terminal.onExit(resolve));
    await next.destroy(info.id);
    await expect(shellExited).resolves.toBeNull();
    expect(pidsMatching(info.id)).toEqual([]);
    expect(pidsMatching('sleep\u00004242.5')).toEqual([]);
    await expect(next.list()).resolves.toEqual([]);
    expect(existsSync(join(dataDir, 'labs', 'sandboxes', info.id))).toBe(false);
    await next.close();
  });

  test('when the labs process is killed its sandbox processes die with it, and a new runtime removes what is left', async () => {
    const dataDir = tempDataDir();
    const owner = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'fixtures', 'sandboxOwner.ts'), dataDir, '1685000'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const id = await new Promise<string>((resolve, reject) => {
      owner.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().split('\n')[0]!.trim()));
      owner.once('exit', (code) => reject(new Error(`the owner exited early with ${String(code)}`)));
    });
    await waitUntil(() => pidsMatching('sleep\u00004251.5').length === 1);
    const exited = new Promise((resolve) => owner.once('exit', resolve));
    owner.kill('SIGKILL');
    await exited;
    await waitUntil(() => pidsOfUid(1_685_000).length === 0); // --die-with-parent
    expect(pidsMatching('sleep\u00004251.5')).toEqual([]);

    const next = makeLocal({ dataDir, uidBase: 1_685_000 });
    expect((await next.list()).map((entry) => [entry.id, entry.sessionId])).toEqual([
      [id, 'session-crashed'],
    ]);
    await next.destroy(id);
    await expect(next.list()).resolves.toEqual([]);
    await next.close();
  });

  test('a sandbox directory without meta.json (a crash mid-provision) is listed and can be destroyed', async () => {
    const dataDir = tempDataDir();
    const runtime = makeLocal({ dataDir, uidBase: 1_690_000 });
    const info = await runtime.provision(linuxSpec());
    const { rmSync } = await import('node:fs');
    rmSync(join(dataDir, 'labs', 'sandboxes', info.id, 'meta.json'));
    const listed = await runtime.list();
    expect(listed.map((entry) => [entry.id, entry.sessionId])).toEqual([[info.id, '']]);
    await runtime.destroy(info.id);
    await expect(runtime.list()).resolves.toEqual([]);
    await runtime.close();
  });
});

describe('local runtime profiles', () => {
  const runtime = makeLocal({ uidBase: 1_700_000 });
  afterAll(() => runtime.close());

  test('the node profile runs node, npm and tsc', async () => {
    const info = await runtime.provision(linuxSpec({ profile: 'node' }));
    const result = await runtime.exec(
      info.id,
      "node -e 'console.log(1+1)' && npm --version >/dev/null && echo npm-ok && printf 'const n: number = 2;\\nconsole.log(n * 21);\\n' > a.ts && tsc a.ts && node a.js",
      { timeoutMs: 60_000, maxOutputBytes: 10_000 },
    );
    expect(result).toEqual({ exitCode: 0, output: '2\nnpm-ok\n42\n', timedOut: false, truncated: false });
    await runtime.destroy(info.id);
  });

  test('the kubernetes profile renders a kustomization and a client-side dry run offline', async () => {
    const info = await runtime.provision(
      linuxSpec({
        profile: 'kubernetes',
        setupScript: [
          'mkdir -p app',
          "printf 'resources:\\n- cm.yaml\\nnamePrefix: lab-\\n' > app/kustomization.yaml",
          "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: settings\\ndata:\\n  mode: demo\\n' > app/cm.yaml",
        ].join('\n'),
      }),
    );
    const kustomized = await runtime.exec(info.id, 'kubectl kustomize app', {
      timeoutMs: 60_000,
      maxOutputBytes: 10_000,
    });
    expect(kustomized).toEqual({
      exitCode: 0,
      output: 'apiVersion: v1\ndata:\n  mode: demo\nkind: ConfigMap\nmetadata:\n  name: lab-settings\n',
      timedOut: false,
      truncated: false,
    });
    const dryRun = await runtime.exec(info.id, 'kubectl create namespace practice --dry-run=client -o name', {
      timeoutMs: 60_000,
      maxOutputBytes: 10_000,
    });
    expect([dryRun.exitCode, dryRun.output]).toEqual([0, 'namespace/practice\n']);
    await runtime.destroy(info.id);
  });

  test('a profile whose tool is missing on this machine is refused as unavailable', async () => {
    const withoutKubectl = makeLocal({ tools: { kubectl: null } });
    await expect(withoutKubectl.provision(linuxSpec({ profile: 'kubernetes' }))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: 'The kubernetes profile needs kubectl, which is not installed on this machine',
    });
    await withoutKubectl.close();
  });
});
