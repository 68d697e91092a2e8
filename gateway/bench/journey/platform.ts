/**
 * The platform as `npm start` runs it, for the journey benchmark: every service its own process
 * (so CPU per service is measurable from /proc), on 127.0.0.1 ports of its own, on a generated
 * data directory (PGlite) or on a PostgreSQL database + Redis. Reads each service's CPU time and
 * database query count, and stops the whole process group when done.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const REPO = resolve(__dirname, '../../..');
export const SERVICES = ['gateway', 'identity', 'catalog', 'progress', 'labs', 'ai', 'commerce'] as const;
export type ServiceName = (typeof SERVICES)[number];
const CLOCK_TICKS_PER_SECOND = 100;
/** How long to wait for the tutor's index before measuring anyway (JOURNEY_INDEX_WAIT_SECONDS). */
const INDEX_WAIT_MS = Number(process.env.JOURNEY_INDEX_WAIT_SECONDS ?? 240) * 1000;

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export interface PlatformOptions {
  dataDir: string;
  /** Real servers (PostgreSQL for every subgraph, Redis); embedded defaults when absent. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Run every service under `--cpu-prof`, a folder per service here (CPU_PROFILE_DIR). */
  cpuProfileDir?: string;
}

export interface Platform {
  gatewayUrl: string;
  /** CPU milliseconds (user + system) each service has used so far. */
  cpuMs(): Record<ServiceName, number>;
  /** `db_queries_total` of each subgraph so far. */
  dbQueries(): Promise<Record<ServiceName, number>>;
  close(): Promise<void>;
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const)),
  ) as Record<ServiceName, number>;
  const child = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), ['gateway/src/platform/start.ts'], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/(_URL|_PORT|^PORT)$/.test(name)),
      ),
      ...Object.fromEntries(SERVICES.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
      DATA_DIR: options.dataDir,
      SEED_DEMO: 'false',
      LEARNCRAFT_SKIP_WEB_BUILD: '1',
      LOG_LEVEL: 'warn',
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...(options.cpuProfileDir ? { CPU_PROFILE_DIR: options.cpuProfileDir } : {}),
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 300_000;
  while (!/LearnCraft is ready/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`npm start did not become ready:\n${output.slice(-4000)}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  const pids = servicePids(child.pid!);
  // The tutor indexes the whole catalog in the background after start; measuring during that
  // would charge its CPU to every operation. Production reaches this state once, after a deploy.
  const indexDeadline = Date.now() + INDEX_WAIT_MS;
  while (Date.now() < indexDeadline) {
    const text = await fetch(`http://127.0.0.1:${ports.ai}/metrics`)
      .then((response) => response.text())
      .catch(() => '');
    if (/learncraft_ai_index_ready 1/.test(text)) break;
    await new Promise((done) => setTimeout(done, 500));
  }

  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    cpuMs: () =>
      Object.fromEntries(SERVICES.map((name) => [name, cpuMsOf(pids[name])])) as Record<ServiceName, number>,
    async dbQueries() {
      const entries = await Promise.all(
        SERVICES.map(async (name) => {
          const text = await fetch(`http://127.0.0.1:${ports[name]}/metrics`)
            .then((response) => (response.ok ? response.text() : ''))
            .catch(() => '');
          const match = /^learncraft_db_queries_total (\d+)/m.exec(text);
          return [name, match ? Number(match[1]) : 0] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<ServiceName, number>;
    },
    async close() {
      // The launcher alone: it stops each service with one SIGTERM. A second one (the group's)
      // would reach a service still closing with no handler left and kill it before it exits
      // on its own, losing its CPU profile.
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      if (child.exitCode === null) await new Promise((done) => child.once('exit', done));
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the whole group has exited
      }
    },
  };
}

/** The service processes of the group `npm start` leads: the node running each service's entry. */
function servicePids(groupId: number): Record<ServiceName, number | null> {
  const found = Object.fromEntries(SERVICES.map((name) => [name, null])) as Record<
    ServiceName,
    number | null
  >;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== groupId) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      for (const name of SERVICES) {
        const main = name === 'gateway' ? 'gateway/src/main.ts' : `subgraphs/${name}/src/main.ts`;
        if (cmdline.includes(main)) found[name] = Number(entry);
      }
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

function cpuMsOf(pid: number | null): number {
  if (pid === null) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
