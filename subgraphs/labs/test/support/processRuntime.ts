/**
 * TEST DOUBLE of the lab runtime port: "sandboxes" are directories under a temp root and their
 * processes plain child processes (bash) — no isolation at all. Only tests use it; the server
 * never does by default. It keeps what tests assert on (provisioned specs, resizes, destroyed
 * ids), lets a test hold provisioning at its start (`hold()`), and survives a "crash": a new
 * instance over the same root lists the sandboxes the previous one left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ExecOptions,
  ExecResult,
  LabRuntime,
  ProvisionProgress,
  RuntimeAvailability,
  SandboxInfo,
  SandboxSpec,
  TerminalStream,
} from '../../src/runtime/types';

export interface ProvisionHold {
  /** Resolves with the spec once a provision reached the hold. */
  reached: Promise<SandboxSpec>;
  progress(progress: ProvisionProgress): void;
  release(): void;
  fail(message: string): void;
}

export interface TestRuntime extends LabRuntime {
  readonly root: string;
  /** Set to make `availability()` refuse with this reason. */
  unavailableReason: string | null;
  readonly provisioned: SandboxSpec[];
  readonly destroyed: string[];
  readonly resizes: { sandboxId: string; cols: number; rows: number }[];
  /** The next provision waits at its start until the hold is released (or failed). */
  hold(): ProvisionHold;
  /** Removes a sandbox behind the subgraph's back, as if the machine lost it. */
  lose(sandboxId: string): void;
  /** Creates a sandbox directly, as a crashed process might have left one. */
  plant(sessionId: string): SandboxInfo;
}

interface Sandbox {
  dir: string;
  home: string;
}

export function createTestRuntime(options: { root?: string } = {}): TestRuntime {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'lc-labs-runtime-'));
  const children = new Map<string, Set<ChildProcess>>();
  const holds: {
    hold: ProvisionHold;
    wait: Promise<void>;
    reach: (spec: SandboxSpec) => void;
    onProgress?: (p: ProvisionProgress) => void;
  }[] = [];

  const sandboxOf = (sandboxId: string): Sandbox => {
    const dir = join(root, sandboxId);
    if (!/^[a-z0-9-]+$/.test(sandboxId) || !existsSync(join(dir, 'sandbox.json')))
      throw new Error(`sandbox ${sandboxId} does not exist`);
    return { dir, home: join(dir, 'home') };
  };

  const create = (sessionId: string): SandboxInfo => {
    const id = `sb-${randomUUID()}`;
    const dir = join(root, id);
    mkdirSync(join(dir, 'home'), { recursive: true });
    const createdAt = new Date();
    writeFileSync(
      join(dir, 'sandbox.json'),
      JSON.stringify({ sessionId, createdAt: createdAt.toISOString() }),
    );
    return { id, sessionId, createdAt };
  };

  const run = (sandboxId: string, args: string[]): ChildProcess => {
    const { home } = sandboxOf(sandboxId);
    const child = spawn('bash', args, {
      cwd: home,
      env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const set = children.get(sandboxId) ?? new Set();
    set.add(child);
    children.set(sandboxId, set);
    child.once('exit', () => set.delete(child));
    return child;
  };

  const killAll = (sandboxId: string) => {
    for (const child of children.get(sandboxId) ?? []) killGroup(child);
    children.delete(sandboxId);
  };

  const runtime: TestRuntime = {
    kind: 'local',
    root,
    unavailableReason: null,
    provisioned: [],
    destroyed: [],
    resizes: [],

    availability(): Promise<RuntimeAvailability> {
      return Promise.resolve(
        runtime.unavailableReason ? { ok: false, reason: runtime.unavailableReason } : { ok: true },
      );
    },

    async provision(spec, onProgress) {
      runtime.provisioned.push(spec);
      const held = holds.shift();
      if (held) {
        held.onProgress = onProgress;
        held.reach(spec);
        await held.wait;
      }
      onProgress?.({ percent: 60, message: 'Running the setup script' });
      const sandbox = create(spec.sessionId);
      if (spec.setupScript) {
        const result = await runtime.exec(sandbox.id, spec.setupScript, {
          timeoutMs: 10_000,
          maxOutputBytes: 4096,
        });
        if (result.exitCode !== 0) {
          await runtime.destroy(sandbox.id);
          throw new Error(`setup script failed (exit ${String(result.exitCode)})`);
        }
      }
      return sandbox;
    },

    exec(sandboxId: string, script: string, options: ExecOptions): Promise<ExecResult> {
      const child = run(sandboxId, ['-c', script]);
      return new Promise((resolve) => {
        let output = Buffer.alloc(0);
        let truncated = false;
        let timedOut = false;
        const collect = (chunk: Buffer) => {
          const room = options.maxOutputBytes - output.length;
          if (chunk.length > room) truncated = true;
          if (room > 0) output = Buffer.concat([output, chunk.subarray(0, room)]);
        };
        child.stdout?.on('data', collect);
        child.stderr?.on('data', collect);
        child.stdin?.end();
        const timer = setTimeout(() => {
          timedOut = true;
          killGroup(child);
        }, options.timeoutMs);
        child.once('close', (code) => {
          clearTimeout(timer);
          resolve({ exitCode: timedOut ? null : code, output: output.toString('utf8'), timedOut, truncated });
        });
      });
    },

    attach(sandboxId: string): Promise<TerminalStream> {
      const child = run(sandboxId, []);
      const stream: TerminalStream = {
        write: (data) => void child.stdin?.write(data),
        resize: (cols, rows) => void runtime.resizes.push({ sandboxId, cols, rows }),
        onData(listener) {
          const forward = (chunk: Buffer) => listener(chunk.toString('utf8'));
          child.stdout?.on('data', forward);
          child.stderr?.on('data', forward);
          return {
            dispose: () => {
              child.stdout?.off('data', forward);
              child.stderr?.off('data', forward);
            },
          };
        },
        onExit(listener) {
          const forward = (code: number | null) => listener(code);
          child.once('exit', forward);
          return { dispose: () => void child.off('exit', forward) };
        },
        close: () => killGroup(child),
      };
      return Promise.resolve(stream);
    },

    destroy(sandboxId: string) {
      runtime.destroyed.push(sandboxId);
      killAll(sandboxId);
      if (/^[a-z0-9-]+$/.test(sandboxId)) rmSync(join(root, sandboxId), { recursive: true, force: true });
      return Promise.resolve();
    },

    list() {
      const sandboxes: SandboxInfo[] = [];
      for (const id of readdirSync(root)) {
        try {
          const meta = JSON.parse(readFileSync(join(root, id, 'sandbox.json'), 'utf8')) as {
            sessionId: string;
            createdAt: string;
          };
          sandboxes.push({ id, sessionId: meta.sessionId, createdAt: new Date(meta.createdAt) });
        } catch {
          // Not a sandbox (or half removed).
        }
      }
      return Promise.resolve(sandboxes);
    },

    close() {
      // Like a crashed process: children die, directories stay for the next instance to find.
      for (const sandboxId of [...children.keys()]) killAll(sandboxId);
      return Promise.resolve();
    },

    hold() {
      let release!: () => void;
      let fail!: (error: Error) => void;
      let reach!: (spec: SandboxSpec) => void;
      const wait = new Promise<void>((resolve, reject) => {
        release = resolve;
        fail = reject;
      });
      const reached = new Promise<SandboxSpec>((resolve) => (reach = resolve));
      const entry = {
        wait,
        reach,
        onProgress: undefined as ((p: ProvisionProgress) => void) | undefined,
        hold: {
          reached,
          progress: (progress: ProvisionProgress) => entry.onProgress?.(progress),
          release: () => release(),
          fail: (message: string) => fail(new Error(message)),
        },
      };
      holds.push(entry);
      return entry.hold;
    },

    lose(sandboxId) {
      killAll(sandboxId);
      rmSync(join(root, sandboxId), { recursive: true, force: true });
    },

    plant: (sessionId) => create(sessionId),
  };
  return runtime;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
