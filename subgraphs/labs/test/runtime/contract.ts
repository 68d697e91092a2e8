/**
 * The LabRuntime contract: what every adapter (local bubblewrap, Kubernetes) must do, exercised
 * only through the port. Adapter-neutral on purpose: the `linux` profile and POSIX shell only, no
 * assumption about how stdout and stderr are merged, generous timeouts for slow clusters.
 * Usage: `runtimeContract('local runtime', () => makeRuntime())` inside a test file.
 */
import type { LabRuntime, ProvisionProgress, SandboxSpec, TerminalStream } from '../../src/runtime/types';

export function linuxSpec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  return {
    sessionId: `session-${Math.random().toString(36).slice(2, 10)}`,
    profile: 'linux',
    setupScript: null,
    expiresAt: new Date(Date.now() + 10 * 60_000),
    ...overrides,
  };
}

/** Collects a terminal's output and resolves once it matches `pattern` (rejects after `timeoutMs`). */
export function waitForOutput(
  terminal: TerminalStream,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`terminal never printed ${String(pattern)}; it printed ${JSON.stringify(seen)}`));
    }, timeoutMs);
    const subscription = terminal.onData((data) => {
      seen += data;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(seen);
      }
    });
  });
}

export function runtimeContract(name: string, make: () => Promise<LabRuntime>): void {
  describe(`${name} (LabRuntime contract)`, () => {
    let runtime: LabRuntime;
    const made: string[] = [];

    beforeAll(async () => {
      runtime = await make();
    });
    afterAll(async () => {
      for (const id of made) await runtime.destroy(id);
      await runtime.close();
    });

    async function provision(spec: SandboxSpec = linuxSpec()): Promise<string> {
      const info = await runtime.provision(spec);
      made.push(info.id);
      return info.id;
    }

    test('the runtime says it is available', async () => {
      await expect(runtime.availability()).resolves.toEqual({ ok: true });
    });

    test('provisioning reports progress that ends at 100 and the sandbox is listed with its session', async () => {
      const progress: ProvisionProgress[] = [];
      const spec = linuxSpec();
      const info = await runtime.provision(spec, (step) => progress.push(step));
      made.push(info.id);
      expect(info.sessionId).toBe(spec.sessionId);
      expect(progress.at(-1)?.percent).toBe(100);
      const percents = progress.map((step) => step.percent);
      expect([...percents].sort((a, b) => a - b)).toEqual(percents);
      const listed = await runtime.list();
      expect(listed.find((entry) => entry.id === info.id)).toEqual({
        id: info.id,
        sessionId: spec.sessionId,
        createdAt: info.createdAt,
      });
    });

    test('an unknown profile is refused', async () => {
      await expect(runtime.provision(linuxSpec({ profile: 'cobol' }))).rejects.toMatchObject({
        code: 'UNKNOWN_PROFILE',
      });
    });

    test('exec returns the exit code and both output streams', async () => {
      const id = await provision();
      const result = await runtime.exec(id, 'echo out; echo err >&2; exit 3', {
        timeoutMs: 30_000,
        maxOutputBytes: 10_000,
      });
      expect(result.exitCode).toBe(3);
      expect(result.output.split('\n').filter(Boolean).sort()).toEqual(['err', 'out']);
      expect(result.timedOut).toBe(false);
      expect(result.truncated).toBe(false);
    });

    test('the setup script runs before the sandbox is ready and the home keeps files between execs', async () => {
      const id = await provision(linuxSpec({ setupScript: 'echo prepared > "$HOME/setup.txt"' }));
      await runtime.exec(id, 'echo second > "$HOME/second.txt"', {
        timeoutMs: 30_000,
        maxOutputBytes: 10_000,
      });
      const result = await runtime.exec(id, 'cat "$HOME/setup.txt" "$HOME/second.txt"', {
        timeoutMs: 30_000,
        maxOutputBytes: 10_000,
      });
      expect(result).toEqual({
        exitCode: 0,
        output: 'prepared\nsecond\n',
        timedOut: false,
        truncated: false,
      });
    });

    test('two execs in one sandbox run at the same time over the same home', async () => {
      const id = await provision();
      const options = { timeoutMs: 30_000, maxOutputBytes: 1_000 };
      const waiter = runtime.exec(
        id,
        'i=0; while [ ! -e "$HOME/go" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i+1)); done; cat "$HOME/go"',
        options,
      );
      const writer = runtime.exec(id, 'echo released > "$HOME/go"', options);
      await expect(Promise.all([waiter, writer])).resolves.toEqual([
        { exitCode: 0, output: 'released\n', timedOut: false, truncated: false },
        { exitCode: 0, output: '', timedOut: false, truncated: false },
      ]);
    });

    test('an exec that runs past its timeout is killed and says so', async () => {
      const id = await provision();
      const started = Date.now();
      const result = await runtime.exec(id, 'sleep 60; echo finished', {
        timeoutMs: 1_500,
        maxOutputBytes: 10_000,
      });
      expect(result).toEqual({ exitCode: null, output: '', timedOut: true, truncated: false });
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    test('output beyond maxOutputBytes is dropped and the result says truncated', async () => {
      const id = await provision();
      const result = await runtime.exec(id, "head -c 100000 /dev/zero | tr '\\0' x", {
        timeoutMs: 30_000,
        maxOutputBytes: 1_000,
      });
      expect(result.exitCode).toBe(0);
      expect(result.output).toBe('x'.repeat(1_000));
      expect(result.truncated).toBe(true);
    });

    test('an attached shell runs what the learner types and reports its exit code', async () => {
      const id = await provision();
      const terminal = await runtime.attach(id, { cols: 80, rows: 24 });
      const exited = new Promise<number | null>((resolve) => terminal.onExit(resolve));
      const echoed = waitForOutput(terminal, /[\r\n]hello\r?\n/);
      terminal.write('echo hello\r');
      await expect(echoed).resolves.toMatch(/[\r\n]hello\r?\n/);
      const sum = waitForOutput(terminal, /[\r\n]42\r?\n/);
      terminal.resize(100, 30);
      terminal.write('echo $((6 * 7))\r');
      await expect(sum).resolves.toMatch(/[\r\n]42\r?\n/);
      terminal.write('exit 7\r');
      await expect(exited).resolves.toBe(7);
    });

    test('a file written in the shell is seen by a later exec', async () => {
      const id = await provision();
      const terminal = await runtime.attach(id, { cols: 80, rows: 24 });
      const done = waitForOutput(terminal, /[\r\n]written\r?\n/);
      terminal.write('echo from-shell > "$HOME/shell.txt" && echo written\r');
      await done;
      terminal.close();
      const result = await runtime.exec(id, 'cat "$HOME/shell.txt"', {
        timeoutMs: 30_000,
        maxOutputBytes: 1_000,
      });
      expect(result.output).toBe('from-shell\n');
    });

    test('destroy removes the sandbox, refuses further use, and a second destroy is not an error', async () => {
      const id = await provision();
      await runtime.destroy(id);
      expect((await runtime.list()).map((entry) => entry.id)).not.toContain(id);
      await expect(runtime.exec(id, 'true', { timeoutMs: 5_000, maxOutputBytes: 100 })).rejects.toMatchObject(
        {
          code: 'SANDBOX_NOT_FOUND',
        },
      );
      await expect(runtime.destroy(id)).resolves.toBeUndefined();
    });
  });
}
