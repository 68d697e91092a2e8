/**
 * `npm start`: the whole platform on one machine with embedded defaults. Starts every subgraph and
 * the gateway as their own processes (as they run in production), waits until each is healthy,
 * seeds the demo data and prints where everything is. Real servers are picked up from the same
 * URL variables the services read (DATABASE_URL, MONGODB_URL, ELASTICSEARCH_URL, REDIS_URL, ...).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DEMO_ACCOUNTS } from '@learncraft/kit';
import { ensureWebApp } from './webApp';

const REPO_ROOT = resolve(__dirname, '../../..');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

interface Service {
  name: string;
  entry: string;
  port: number;
}

const SERVICES: Service[] = [
  { name: 'identity', entry: 'subgraphs/identity/src/main.ts', port: 4001 },
  { name: 'catalog', entry: 'subgraphs/catalog/src/main.ts', port: 4002 },
  { name: 'progress', entry: 'subgraphs/progress/src/main.ts', port: 4003 },
];
const GATEWAY: Service = { name: 'gateway', entry: 'gateway/src/main.ts', port: 4000 };

const startedAt = performance.now();
const dataDir = resolve(REPO_ROOT, process.env.DATA_DIR ?? '.data');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const children = new Map<string, ChildProcess>();
let stopping = false;

function internalSecret(): string {
  if (process.env.INTERNAL_API_SECRET) return process.env.INTERNAL_API_SECRET;
  const file = join(dataDir, 'internal-api-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function portOf(service: Service): number {
  return Number(process.env[`${service.name.toUpperCase()}_PORT`] ?? service.port);
}

function launch(service: Service, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(TSX, [join(REPO_ROOT, service.entry)], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(portOf(service)) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${service.name}] `.padEnd(11);
  const forward = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) stream.write(prefix + line + '\n');
  };
  child.stdout?.on('data', forward(process.stdout));
  child.stderr?.on('data', forward(process.stderr));
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      console.error(`${service.name} exited (${signal ?? `code ${code}`}); stopping the platform.`);
      void shutdown(1);
    }
  });
  children.set(service.name, child);
  return child;
}

/** Another LearnCraft (or anything) on our ports would answer our health checks: refuse to start. */
async function assertPortFree(service: Service): Promise<void> {
  const port = portOf(service);
  await new Promise<void>((done, fail) => {
    const probe = createServer()
      .once('error', () =>
        fail(
          new Error(
            `port ${port} (${service.name}) is already in use; stop the other process or set ${service.name.toUpperCase()}_PORT`,
          ),
        ),
      )
      .listen(port, '127.0.0.1', () => probe.close(() => done()));
  });
}

async function waitHealthy(service: Service, timeoutMs = 120_000): Promise<void> {
  const url = `http://127.0.0.1:${portOf(service)}/health`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) throw new Error('stopping');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${service.name} did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  const deadline = Date.now() + 10_000;
  while (children.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(code);
}

async function main(): Promise<void> {
  for (const service of [...SERVICES, GATEWAY]) await assertPortFree(service);
  const webApp = ensureWebApp(REPO_ROOT);
  if (!webApp) console.error('LearnCraft: the web app did not build (see above); serving the API only.');
  console.log(`LearnCraft: starting with data directory ${dataDir}`);
  const url = (service: Service) => `http://127.0.0.1:${portOf(service)}`;
  const [identity, catalog] = SERVICES as [Service, Service, Service];
  const shared: NodeJS.ProcessEnv = {
    DATA_DIR: dataDir,
    SEED_DEMO: process.env.SEED_DEMO ?? 'true',
    INTERNAL_API_SECRET: internalSecret(),
    IDENTITY_JWKS_URL: process.env.IDENTITY_JWKS_URL ?? `${url(identity)}/.well-known/jwks.json`,
    CATALOG_INTERNAL_URL: process.env.CATALOG_INTERNAL_URL ?? url(catalog),
    IDENTITY_INTERNAL_URL: process.env.IDENTITY_INTERNAL_URL ?? url(identity),
    WEB_APP_URL: process.env.WEB_APP_URL ?? url(GATEWAY),
  };
  for (const service of SERVICES) launch(service, shared);
  await Promise.all(SERVICES.map((service) => waitHealthy(service)));
  const subgraphUrls = Object.fromEntries(
    SERVICES.map((service) => [`${service.name.toUpperCase()}_URL`, `${url(service)}/graphql`]),
  );
  launch(GATEWAY, { ...shared, ...subgraphUrls });
  await waitHealthy(GATEWAY);

  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const accounts = DEMO_ACCOUNTS.map(
    (account) => `    ${account.roles.at(-1)?.padEnd(10)} ${account.email.padEnd(26)} ${account.password}`,
  ).join('\n');
  console.log(`
LearnCraft is ready in ${seconds} s
  Web app:                    ${webApp ? `${url(GATEWAY)}/` : 'not built (npm run build -w @learncraft/web)'}
  GraphQL (HTTP + WebSocket): ${url(GATEWAY)}/graphql   (open it in a browser for the explorer)
  Data directory:             ${dataDir}
  Mail (password resets):     ${process.env.SMTP_URL ? 'sent over SMTP_URL' : join(dataDir, 'mail')}
  Demo accounts (role, email, password):
${accounts}
Press Ctrl+C to stop.`);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  console.error(`LearnCraft failed to start: ${(error as Error).message}`);
  void shutdown(1);
});
