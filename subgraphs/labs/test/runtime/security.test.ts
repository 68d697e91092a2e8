/**
 * Isolation of the local runtime, against real bubblewrap (no mocks): network, filesystem,
 * processes and resource limits. Each test asserts the exact outcome a learner would see, and
 * where a limit is tested, that the same action under the limit succeeds (so it can fail).
 */
import { spawnSync } from 'node:child_process';
import type { LabRuntime } from '../../src/runtime/types';
import { linuxSpec, waitForOutput } from './contract';
import {
  EXEC,
  makeLocal,
  pidsMatching,
  pidsOfUid,
  removeDataDirs,
  sleep,
  tempDataDir,
  waitUntil,
} from './support';

const UID_BASE = 1_800_000;
const dataDir = tempDataDir();
let runtime: LabRuntime;
let sandbox: string;
let neighbour: string;

beforeAll(async () => {
  runtime = makeLocal({ dataDir, uidBase: UID_BASE });
  sandbox = (await runtime.provision(linuxSpec({ setupScript: 'echo secret-of-a > marker-a.txt' }))).id;
  neighbour = (await runtime.provision(linuxSpec())).id;
});

afterAll(async () => {
  await runtime.destroy(sandbox);
  await runtime.destroy(neighbour);
  await runtime.close();
  removeDataDirs();
});

describe('network', () => {
  test('addresses outside the sandbox are unreachable and names do not resolve', async () => {
    const result = await runtime.exec(
      sandbox,
      "echo > /dev/tcp/1.1.1.1/53; echo tcp=$?; getent hosts example.com; echo dns=$?; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
      EXEC,
    );
    expect(result.output).toBe(
      'bash: connect: Network is unreachable\nbash: line 1: /dev/tcp/1.1.1.1/53: Network is unreachable\ntcp=1\ndns=2\nlo\n',
    );
  });

  test('loopback works inside the sandbox', async () => {
    const result = await runtime.exec(
      sandbox,
      [
        'python3 -c \'import socket; s = socket.socket(); s.bind(("127.0.0.1", 8099)); s.listen(); open("/tmp/ready", "w").close(); c, _ = s.accept(); c.sendall(b"pong\\n")\' &',
        'for i in $(seq 100); do [ -e /tmp/ready ] && break; sleep 0.1; done',
        'exec 3<>/dev/tcp/127.0.0.1/8099; cat <&3',
      ].join('\n'),
      EXEC,
    );
    expect(result).toEqual({ exitCode: 0, output: 'pong\n', timedOut: false, truncated: false });
  });
});

describe('filesystem', () => {
  test('writing outside the home fails, writing in the home and /tmp works', async () => {
    const targets = ['/usr/x', '/etc/x', '/x', '/home/x', '/bin/x', '/tmp/x', '/home/learner/x'];
    const script = targets
      .map((path) => `touch ${path} 2>/dev/null && echo "wrote ${path}" || echo "refused ${path}"`)
      .join('\n');
    const result = await runtime.exec(sandbox, script, EXEC);
    expect(result.output.trim().split('\n')).toEqual([
      'refused /usr/x',
      'refused /etc/x',
      'refused /x',
      'refused /home/x',
      'refused /bin/x',
      'wrote /tmp/x',
      'wrote /home/learner/x',
    ]);
  });

  test("the host's files, the data directory and other sandboxes are invisible", async () => {
    const hostPaths = [
      dataDir,
      `${dataDir}/labs/sandboxes/${neighbour}/home`,
      `${dataDir}/labs/sandboxes/${sandbox}/meta.json`,
      '/work',
      '/root',
      '/var',
      '/etc/shadow',
      '/etc/ssh',
    ];
    const script = [
      ...hostPaths.map((path) => `[ -e '${path}' ] && echo "visible ${path}" || echo "absent ${path}"`),
      "find / -path /proc -prune -o -name 'marker-a.txt' -print 2>/dev/null | wc -l",
    ].join('\n');
    const fromNeighbour = await runtime.exec(neighbour, script, EXEC);
    expect(fromNeighbour.output.trim().split('\n')).toEqual([
      ...hostPaths.map((path) => `absent ${path}`),
      '0',
    ]);
    const own = await runtime.exec(sandbox, 'cat marker-a.txt', EXEC);
    expect(own.output).toBe('secret-of-a\n');
  });

  test('/proc shows only the processes of this invocation, run as the unprivileged learner', async () => {
    const result = await runtime.exec(
      sandbox,
      "ps -e -o comm= | sort | tr '\\n' ' '; echo; id -un; hostname; grep CapEff /proc/self/status",
      EXEC,
    );
    expect(result.output).toBe('bash bwrap ps sort tr \nlearner\nlab\nCapEff:\t0000000000000000\n');
  });

  test('the environment is the minimal one, nothing of the host leaks in', async () => {
    const result = await runtime.exec(sandbox, "env | cut -d= -f1 | sort | tr '\\n' ' '", EXEC);
    expect(result.output).toBe('HOME LANG LOGNAME PATH PWD SHELL SHLVL TERM USER _ ');
  });

  test('no further user namespaces can be made inside', async () => {
    const result = await runtime.exec(sandbox, 'unshare --user true 2>/dev/null; echo rc=$?', EXEC);
    expect(result.output).toBe('rc=1\n');
  });
});

describe('system calls', () => {
  const probe = [
    "python3 -c '",
    'import ctypes',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'def call(*args): return "ok" if libc.syscall(*args) >= 0 else "errno %d" % ctypes.get_errno()',
    'print("keyctl", call(250, 0, -3, 1))',
    'print("io_uring_setup", call(425, 8, ctypes.create_string_buffer(120)))',
    'print("getpid", call(39))',
    "'",
  ].join('\n');

  // The probe uses x86-64 system call numbers.
  const onX64 = process.arch === 'x64' ? test : test.skip;

  onX64('kernel keyrings and io_uring are refused with EPERM, ordinary calls work', async () => {
    const result = await runtime.exec(sandbox, probe, EXEC);
    expect(result.output).toBe('keyctl errno 1\nio_uring_setup errno 1\ngetpid ok\n');
  });

  onX64('without the seccomp filter the same calls succeed (the probe above can fail)', async () => {
    const unfiltered = makeLocal({ uidBase: 1_830_000, seccomp: false });
    const info = await unfiltered.provision(linuxSpec());
    const result = await unfiltered.exec(info.id, probe, EXEC);
    expect(result.output).toBe('keyctl ok\nio_uring_setup ok\ngetpid ok\n');
    await unfiltered.destroy(info.id);
    await unfiltered.close();
  });
});

describe('resource limits', () => {
  test('a fork bomb stops at the process limit and the host, the sandbox and its neighbour still work', async () => {
    const bomb = await runtime.exec(sandbox, 'ulimit -u; bomb() { bomb | bomb & }; bomb; sleep 10', {
      timeoutMs: 4_000,
      maxOutputBytes: 64 * 1024,
    });
    expect(bomb.output.split('\n')[0]).toBe('64');
    expect(bomb.output).toMatch(/Resource temporarily unavailable/);
    expect([bomb.timedOut, bomb.exitCode]).toEqual([true, null]);
    await sleep(200);
    expect(pidsOfUid(UID_BASE)).toEqual([]);
    expect(spawnSync('/bin/echo', ['host-ok'], { encoding: 'utf8' }).stdout).toBe('host-ok\n');
    await expect(runtime.exec(neighbour, 'echo neighbour-ok', EXEC)).resolves.toMatchObject({
      output: 'neighbour-ok\n',
    });
    await expect(runtime.exec(sandbox, 'echo sandbox-ok', EXEC)).resolves.toMatchObject({
      output: 'sandbox-ok\n',
    });
  });

  test('sandbox processes run at a lower CPU priority than the service', async () => {
    const result = await runtime.exec(sandbox, 'nice', EXEC);
    expect(result.output).toBe('10\n');
  });

  test('a file larger than the file size limit is cut at the limit', async () => {
    const result = await runtime.exec(
      sandbox,
      'head -c 60M /dev/zero > big.bin; echo rc=$?; stat -c %s big.bin; rm big.bin',
      EXEC,
    );
    expect(result.output).toMatch(/rc=153\n52428800\n$/); // 128 + SIGXFSZ
  });

  test('/tmp is a small memory-backed disk that fills up', async () => {
    const result = await runtime.exec(
      sandbox,
      'head -c 40M /dev/zero > /tmp/one && echo one-ok; head -c 40M /dev/zero > /tmp/two 2>/dev/null || echo two-refused',
      EXEC,
    );
    expect(result.output).toBe('one-ok\ntwo-refused\n');
  });

  test('/dev cannot be written and /dev/shm is capped, while the devices still work', async () => {
    const result = await runtime.exec(
      sandbox,
      [
        'touch /dev/x 2>/dev/null && echo dev-written || echo dev-refused',
        'head -c 10M /dev/zero > /dev/shm/one && echo shm-one-ok',
        'head -c 10M /dev/zero > /dev/shm/two 2>/dev/null || echo shm-two-refused',
        'echo discarded > /dev/null && echo null-ok',
      ].join('\n'),
      EXEC,
    );
    expect(result.output).toBe('dev-refused\nshm-one-ok\nshm-two-refused\nnull-ok\n');
  });

  test('a memory hog is refused its memory, a modest allocation is not', async () => {
    const result = await runtime.exec(
      sandbox,
      'python3 -c \'x = bytearray(100 * 1024 * 1024); print("small-ok")\'; python3 -c \'x = bytearray(800 * 1024 * 1024); print("hog-ok")\' 2>&1 | tail -n 1',
      EXEC,
    );
    expect(result.output).toBe('small-ok\nMemoryError\n');
  });

  test('a home over its size cap gets its processes stopped by the watchdog', async () => {
    const capped = makeLocal({
      uidBase: 1_810_000,
      watchIntervalMs: 300,
      limits: { homeBytes: 20 * 1024 * 1024 },
    });
    const info = await capped.provision(linuxSpec());
    const small = await capped.exec(
      info.id,
      'head -c 5M /dev/zero > small.bin; sleep 1.5; echo under-cap',
      EXEC,
    );
    expect(small.output).toBe('under-cap\n');
    const started = Date.now();
    const result = await capped.exec(
      info.id,
      'for i in 1 2 3 4; do head -c 8M /dev/zero > f$i.bin; done; sleep 30; echo survived',
      {
        timeoutMs: 25_000,
        maxOutputBytes: 1_000,
      },
    );
    expect(result).toEqual({ exitCode: null, output: '', timedOut: false, truncated: false });
    expect(Date.now() - started).toBeLessThan(10_000);
    await capped.destroy(info.id);
    await capped.close();
  });
});

describe('process lifetime', () => {
  test('an exec timeout kills the children it started', async () => {
    const result = await runtime.exec(sandbox, 'sleep 4245.5 & setsid sleep 4246.5 & wait', {
      timeoutMs: 1_000,
      maxOutputBytes: 100,
    });
    expect(result.timedOut).toBe(true);
    await sleep(200);
    expect([pidsMatching('sleep\u00004245.5'), pidsMatching('sleep\u00004246.5')]).toEqual([[], []]);
  });

  test('a background process started by a check ends with the check', async () => {
    const result = await runtime.exec(
      sandbox,
      'nohup setsid sleep 4247.5 >/dev/null 2>&1 & echo started',
      EXEC,
    );
    expect(result.output).toBe('started\n');
    await sleep(200);
    expect(pidsMatching('sleep\u00004247.5')).toEqual([]);
  });

  test('a background process started in a shell does not outlive destroy', async () => {
    const own = makeLocal({ uidBase: 1_820_000 });
    const info = await own.provision(linuxSpec());
    const terminal = await own.attach(info.id, { cols: 80, rows: 24 });
    const started = waitForOutput(terminal, /[\r\n]started\r?\n/);
    terminal.write('nohup setsid sleep 4248.5 >/dev/null 2>&1 & echo started\r');
    await started;
    await waitUntil(() => pidsMatching('sleep\u00004248.5').length === 1);
    await own.destroy(info.id);
    expect(pidsMatching('sleep\u00004248.5')).toEqual([]);
    expect(pidsOfUid(1_820_000)).toEqual([]);
    await own.close();
  });

  test('closing a terminal ends the shell and what it started', async () => {
    const terminal = await runtime.attach(sandbox, { cols: 80, rows: 24 });
    const exited = new Promise<number | null>((resolve) => terminal.onExit(resolve));
    const started = waitForOutput(terminal, /[\r\n]started\r?\n/);
    terminal.write('sleep 4249.5 & echo started\r');
    await started;
    await waitUntil(() => pidsMatching('sleep\u00004249.5').length === 1);
    terminal.close();
    await expect(exited).resolves.toBeNull();
    await sleep(200);
    expect(pidsMatching('sleep\u00004249.5')).toEqual([]);
  });
});
