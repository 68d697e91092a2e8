/**
 * SIGTERM under load: the gateway process (gateway/src/main.ts, as deployed) finishes every
 * operation that had started before it exits, and refuses new connections after. Kubernetes sends
 * SIGTERM after the pod's preStop hook; deploy/k8s sizes terminationGracePeriodSeconds for this drain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@learncraft/kit';
import { TEST_GATEWAY_SECRET } from '@learncraft/kit/testing';
import {
  GENEROUS_RATE_LIMITS,
  USERS_SDL,
  composeSupergraph,
  createKeys,
  postGraphQL,
  startRawServer,
  startUsersSubgraph,
  type Keys,
} from './support';
import { REPO_ROOT, TSX, freePort } from './e2e/npmStartProcess';

const SLOW_MS = 400;
const IN_FLIGHT = 20;

const SLOW_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query {
  """Answered by a subgraph that takes ${SLOW_MS} ms."""
  slowCount: Int
}`;

let keys: Keys;
let users: RunningServer;
let slow: Awaited<ReturnType<typeof startRawServer>>;
let dir: string;
let child: ChildProcess | undefined;
let output = '';
/** Requests the slow subgraph has received: the gateway is executing that many operations. */
let arrived = 0;

async function waitForLive(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway did not come up:\n${output}`);
}

beforeAll(async () => {
  keys = await createKeys();
  users = await startUsersSubgraph(keys.verifier);
  slow = await startRawServer((res) => {
    arrived += 1;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"slowCount":7}}');
    }, SLOW_MS);
  });
  dir = mkdtempSync(join(tmpdir(), 'learncraft-drain-'));
  writeFileSync(
    join(dir, 'supergraph.graphql'),
    composeSupergraph([
      { name: 'users', url: users.url, sdl: USERS_SDL },
      { name: 'slow', url: slow.url, sdl: SLOW_SDL },
    ]),
  );
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await Promise.all([users?.close(), slow?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the gateway process on SIGTERM', () => {
  it('answers every operation that had started, exits 0, then refuses connections', async () => {
    const port = await freePort();
    child = spawn(TSX, ['gateway/src/main.ts'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        PORT: String(port),
        DATA_DIR: dir,
        SUPERGRAPH_PATH: join(dir, 'supergraph.graphql'),
        WEB_DIST_DIR: join(dir, 'no-web-app'),
        JWT_PUBLIC_KEY: keys.publicKeyPem,
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
        ...GENEROUS_RATE_LIMITS,
      },
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    const origin = `http://127.0.0.1:${port}`;
    await waitForLive(`${origin}/health/live`);

    const started = Array.from({ length: IN_FLIGHT }, () =>
      postGraphQL(`${origin}/graphql`, { query: '{ slowCount users { id } }' }),
    );
    // The signal arrives while every operation is executing: each is waiting for the slow subgraph.
    const deadline = Date.now() + 30_000;
    while (arrived < IN_FLIGHT) {
      if (Date.now() > deadline)
        throw new Error(`only ${arrived} of ${IN_FLIGHT} operations started:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    child.kill('SIGTERM');

    expect(await Promise.all(started)).toEqual(
      Array.from({ length: IN_FLIGHT }, () => ({
        status: 200,
        body: { data: { slowCount: 7, users: [{ id: 'u1' }, { id: 'u2' }] } },
      })),
    );
    expect(await exited).toBe(0);
    expect(output).toContain('received SIGTERM, shutting down');
    await expect(fetch(`${origin}/health/live`)).rejects.toThrow('fetch failed');
  });
});
