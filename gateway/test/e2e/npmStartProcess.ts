/**
 * `npm start` as a process (`tsx gateway/src/platform/start.ts`) on free ports of 127.0.0.1 and a
 * temporary data directory, without the web app build: for the tests that start, signal, stop and
 * restart the whole platform (npmStart.test.ts, backup.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
export const SUBGRAPH_HEAP_MB = 384;

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The exit code, or 'still running' after `ms` (the timer is cleared so Jest can exit). */
export async function exitWithin(launch: Launch, ms: number): Promise<number | null | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'still running'>(
    (done) => (timer = setTimeout(() => done('still running'), ms)),
  );
  try {
    return await Promise.race([launch.exited, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One `npm start` run: its combined output, and waits on what it prints. */
export class Launch {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly ports: {
      gateway: number;
      identity: number;
      catalog: number;
      progress: number;
      labs: number;
      ai: number;
      commerce: number;
    },
    readonly dataDir: string,
    extraEnv: Record<string, string> = {},
  ) {
    // Real-server URLs, keys and ports of the surrounding shell must not leak into this platform.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([name]) => !/(_URL|_PORT|^PORT|^JWT_.*|^INTERNAL_API_SECRET|^NODE_ENV)$/.test(name),
      ),
    );
    this.child = spawn(TSX, ['gateway/src/platform/start.ts'], {
      cwd: REPO_ROOT,
      detached: true, // its own process group, so a failed test can still kill everything
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...inherited,
        GATEWAY_PORT: String(ports.gateway),
        IDENTITY_PORT: String(ports.identity),
        CATALOG_PORT: String(ports.catalog),
        PROGRESS_PORT: String(ports.progress),
        LABS_PORT: String(ports.labs),
        AI_PORT: String(ports.ai),
        COMMERCE_PORT: String(ports.commerce),
        DATA_DIR: dataDir,
        LEARNCRAFT_SKIP_WEB_BUILD: '1',
        SUBGRAPH_HEAP_MB: String(SUBGRAPH_HEAP_MB),
        LOG_LEVEL: 'info',
        ...extraEnv,
      },
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.ports.gateway}/graphql`;
  }

  /** Every pid the supervisor reported starting, by service. */
  startedPids(service?: string): number[] {
    const pattern = /LearnCraft: (\w+) started \(pid (\d+)/g;
    return [...this.output.matchAll(pattern)]
      .filter((match) => service === undefined || match[1] === service)
      .map((match) => Number(match[2]));
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (exited) break;
      await sleep(100);
    }
    throw new Error(`no ${String(pattern)} within ${timeoutMs} ms; output:\n${this.output.slice(-4000)}`);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Whatever is still running of this launch (after a failed test) dies with its group. */
  killGroup(): void {
    if (this.child.pid && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const pid of this.startedPids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

/** `dataDir`: start on an existing data directory (a restart); otherwise a new temporary one. */
export async function launch(extraEnv: Record<string, string> = {}, dataDir?: string): Promise<Launch> {
  const ports = {
    gateway: await freePort(),
    identity: await freePort(),
    catalog: await freePort(),
    progress: await freePort(),
    labs: await freePort(),
    ai: await freePort(),
    commerce: await freePort(),
  };
  return new Launch(ports, dataDir ?? mkdtempSync(join(tmpdir(), 'learncraft-start-')), extraEnv);
}

export async function graphql(url: string, query: string, variables = {}, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(20_000),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

export async function waitHealthy(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`nothing healthy on port ${port} within ${timeoutMs} ms`);
}
