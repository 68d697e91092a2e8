/**
 * `npm start` as a developer runs it (`tsx gateway/src/platform/start.ts`), on free ports of
 * 127.0.0.1 and a temporary data directory, without the web app build: a subgraph killed with
 * SIGKILL leaves the rest serving and comes back; a subgraph that cannot start stops the start.
 * Each launch is bounded and killed as a process group if anything is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../..');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const SUBGRAPH_HEAP_MB = 384;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => done(port));
      });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The exit code, or 'still running' after `ms` (the timer is cleared so Jest can exit). */
async function exitWithin(launch: Launch, ms: number): Promise<number | null | 'still running'> {
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
class Launch {
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

async function launch(extraEnv: Record<string, string> = {}): Promise<Launch> {
  const ports = {
    gateway: await freePort(),
    identity: await freePort(),
    catalog: await freePort(),
    progress: await freePort(),
    labs: await freePort(),
    ai: await freePort(),
    commerce: await freePort(),
  };
  return new Launch(ports, mkdtempSync(join(tmpdir(), 'learncraft-start-')), extraEnv);
}

async function graphql(url: string, query: string, variables = {}, token?: string) {
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

async function waitHealthy(port: number, timeoutMs: number): Promise<void> {
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

const ME_AND_COURSE = '{ me { email } course(slug: "kubernetes-basics") { title } }';

describe('npm start', () => {
  let current: Launch | undefined;

  afterEach(() => {
    current?.killGroup();
    if (current) rmSync(current.dataDir, { recursive: true, force: true });
    current = undefined;
  });

  it('restarts a subgraph killed with SIGKILL while the others keep serving, and stops cleanly on SIGTERM', async () => {
    const platform = (current = await launch());
    await platform.waitFor(/LearnCraft is ready in/, 150_000);

    const [catalogPid] = platform.startedPids('catalog');
    if (catalogPid === undefined) throw new Error(`no catalog pid in:\n${platform.output}`);
    // The heap limit is on the service process itself (not a wrapper), as SUBGRAPH_HEAP_MB set it.
    expect(readFileSync(`/proc/${catalogPid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0')).toEqual([
      process.execPath,
      `--max-old-space-size=${SUBGRAPH_HEAP_MB}`,
      '--import',
      'tsx',
      join(REPO_ROOT, 'subgraphs/catalog/src/main.ts'),
    ]);

    const login = await graphql(
      platform.gatewayUrl,
      'mutation ($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } } }',
      { input: { email: 'learner@learncraft.dev', password: 'learner-demo-pass' } },
    );
    const token = (login.data?.sessionCreate as { session: { accessToken: string } }).session.accessToken;
    expect(await graphql(platform.gatewayUrl, ME_AND_COURSE, {}, token)).toEqual({
      data: { me: { email: 'learner@learncraft.dev' }, course: { title: 'Kubernetes Basics' } },
    });

    // The depth bomb that once grew catalog's heap to 4.5 GiB, sent to every port: refused by all.
    const bomb = `{ courses(first: 1) { edges { node { ${'modules { lessons { course { '.repeat(9)}id${' } } }'.repeat(9)} } } } }`;
    for (const [name, port] of Object.entries(platform.ports)) {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: bomb }),
      });
      expect([name, response.status]).toEqual([name, name === 'gateway' ? 400 : 401]);
    }
    for (const port of Object.values(platform.ports)) await waitHealthy(port, 5_000);
    expect(platform.startedPids()).toHaveLength(7); // nothing crashed or restarted

    process.kill(catalogPid, 'SIGKILL');
    await platform.waitFor(
      /LearnCraft: catalog exited \(signal SIGKILL\) after [\d.]+ s; restart 1 in 0\.5 s/,
      10_000,
    );
    expect(await graphql(platform.gatewayUrl, ME_AND_COURSE, {}, token)).toEqual({
      data: { me: { email: 'learner@learncraft.dev' }, course: null },
      errors: [
        {
          // Refused for a new connection; reset when the gateway's pooled one had not seen the close yet.
          message: expect.stringMatching(
            /^Subgraph "catalog" is unavailable: connection (refused|reset)\.$/,
          ) as string,
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'catalog' },
        },
      ],
    });

    const restarted = await platform.waitFor(/LearnCraft: catalog started \(pid (\d+), restart 1\)/, 10_000);
    expect(Number(restarted[1])).not.toBe(catalogPid);
    await waitHealthy(platform.ports.catalog, 60_000);
    expect(await graphql(platform.gatewayUrl, ME_AND_COURSE, {}, token)).toEqual({
      data: { me: { email: 'learner@learncraft.dev' }, course: { title: 'Kubernetes Basics' } },
    });
    expect(platform.startedPids('identity')).toHaveLength(1);
    expect(platform.startedPids('progress')).toHaveLength(1);
    expect(platform.startedPids('gateway')).toHaveLength(1);

    const beforeStop = platform.output.length;
    platform.signal('SIGTERM');
    expect(await exitWithin(platform, 30_000)).toBe(0);
    expect(platform.output.slice(beforeStop)).not.toMatch(/started \(pid|restart \d/);
    expect(platform.startedPids().filter(alive)).toEqual([]);
  }, 240_000);

  it('stops with a clear message when a subgraph exits five times before it was ever healthy', async () => {
    // An invalid URL fails the catalog's config parse at boot and nothing else.
    const platform = (current = await launch({ MONGODB_URL: 'not a url' }));
    expect(await exitWithin(platform, 150_000)).toBe(1);
    expect(platform.output).toContain(
      'LearnCraft failed to start: catalog exited 5 times before it ever became healthy (last: code 1).',
    );
    expect(platform.startedPids('catalog')).toHaveLength(5);
    expect(platform.output).not.toMatch(/LearnCraft is ready/);
    expect(platform.startedPids().filter(alive)).toEqual([]);
  }, 180_000);
});
