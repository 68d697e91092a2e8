/**
 * `npm start`: the whole platform on one machine with embedded defaults. Starts every subgraph and
 * the gateway as their own processes (as they run in production), each under a supervisor that
 * restarts it when it crashes and with its own heap limit, waits until each is healthy, seeds the
 * demo data and prints where everything is. Real servers are picked up from the same URL
 * variables the services read (DATABASE_URL, MONGODB_URL, ELASTICSEARCH_URL, REDIS_URL, ...).
 * CPU_PROFILE_DIR (off by default) runs every service under `--cpu-prof`, one folder per service.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { DEMO_ACCOUNTS, SECRET_FILES, secretFromDataDir } from '@learncraft/kit';
import { spawnService } from './serviceProcess';
import { Supervisor } from './supervisor';
import { ensureWebApp } from './webApp';

const REPO_ROOT = resolve(__dirname, '../../..');

interface Service {
  name: string;
  entry: string;
  port: number;
}

const SERVICES: Service[] = [
  { name: 'identity', entry: 'subgraphs/identity/src/main.ts', port: 4001 },
  { name: 'catalog', entry: 'subgraphs/catalog/src/main.ts', port: 4002 },
  { name: 'progress', entry: 'subgraphs/progress/src/main.ts', port: 4003 },
  { name: 'labs', entry: 'subgraphs/labs/src/main.ts', port: 4004 },
  { name: 'ai', entry: 'subgraphs/ai/src/main.ts', port: 4005 },
  { name: 'commerce', entry: 'subgraphs/commerce/src/main.ts', port: 4006 },
];
const GATEWAY: Service = { name: 'gateway', entry: 'gateway/src/main.ts', port: 4000 };

/** A whole number of MiB from the environment, or a start that fails with the variable's name. */
function heapMb(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 64)
    throw new Error(`${variable} must be a whole number of MiB, at least 64 (got "${raw}")`);
  return value;
}

const startedAt = performance.now();
const dataDir = resolve(REPO_ROOT, process.env.DATA_DIR ?? '.data');
/** Tests of `npm start` (and API-only work) skip the web app build. */
const skipWebBuild = ['1', 'true'].includes(process.env.LEARNCRAFT_SKIP_WEB_BUILD ?? '');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });
const cpuProfileDir = process.env.CPU_PROFILE_DIR
  ? resolve(REPO_ROOT, process.env.CPU_PROFILE_DIR)
  : undefined;
const supervisors = new Map<string, Supervisor>();
let stopping = false;

function portOf(service: Service): number {
  return Number(process.env[`${service.name.toUpperCase()}_PORT`] ?? service.port);
}

function supervise(service: Service, env: NodeJS.ProcessEnv, heapMb: number): Supervisor {
  const supervisor = new Supervisor({
    name: service.name,
    spawn: () =>
      spawnService({
        name: service.name,
        entry: join(REPO_ROOT, service.entry),
        heapMb,
        cwd: REPO_ROOT,
        env: { ...process.env, ...env, PORT: String(portOf(service)) },
        cpuProfileDir: cpuProfileDir && join(cpuProfileDir, service.name),
      }),
    log: (line) => console.error(`LearnCraft: ${line}`),
    onGiveUp: (reason) => {
      console.error(`LearnCraft failed to start: ${reason}.`);
      void shutdown(1);
    },
  });
  supervisors.set(service.name, supervisor);
  supervisor.start();
  return supervisor;
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
  const all = [...supervisors.values()];
  const stopped = Promise.all(all.map((supervisor) => supervisor.stop('SIGTERM')));
  // A profiled service writes its profile on the way out; SIGKILL would lose it.
  const graceMs = cpuProfileDir ? 60_000 : 10_000;
  await Promise.race([stopped, new Promise((r) => setTimeout(r, graceMs))]);
  for (const supervisor of all) supervisor.kill('SIGKILL');
  process.exit(code);
}

async function main(): Promise<void> {
  for (const service of [...SERVICES, GATEWAY]) await assertPortFree(service);
  const subgraphHeapMb = heapMb('SUBGRAPH_HEAP_MB', 512);
  const gatewayHeapMb = heapMb('GATEWAY_HEAP_MB', 1024);
  const webApp = skipWebBuild ? false : ensureWebApp(REPO_ROOT);
  if (skipWebBuild) console.log('LearnCraft: LEARNCRAFT_SKIP_WEB_BUILD is set; serving the API only.');
  else if (!webApp) console.error('LearnCraft: the web app did not build (see above); serving the API only.');
  console.log(`LearnCraft: starting with data directory ${dataDir}`);
  const url = (service: Service) => `http://127.0.0.1:${portOf(service)}`;
  const [identity, catalog, progress, labs, ai, commerce] = SERVICES as [
    Service,
    Service,
    Service,
    Service,
    Service,
    Service,
  ];
  const shared: NodeJS.ProcessEnv = {
    DATA_DIR: dataDir,
    SEED_DEMO: process.env.SEED_DEMO ?? 'true',
    // Made once here, before any service starts, and shared through the environment.
    INTERNAL_API_SECRET: secretFromDataDir(process.env.INTERNAL_API_SECRET, dataDir, SECRET_FILES.internal),
    GATEWAY_SECRET: secretFromDataDir(process.env.GATEWAY_SECRET, dataDir, SECRET_FILES.gateway),
    IDENTITY_JWKS_URL: process.env.IDENTITY_JWKS_URL ?? `${url(identity)}/.well-known/jwks.json`,
    CATALOG_INTERNAL_URL: process.env.CATALOG_INTERNAL_URL ?? url(catalog),
    PROGRESS_INTERNAL_URL: process.env.PROGRESS_INTERNAL_URL ?? url(progress),
    LABS_INTERNAL_URL: process.env.LABS_INTERNAL_URL ?? url(labs),
    // Every subgraph that enforces course access asks commerce (with a short cache).
    COMMERCE_INTERNAL_URL: process.env.COMMERCE_INTERNAL_URL ?? url(commerce),
    // The web app opens lab terminals through the gateway, which relays them to labs.
    LAB_TERMINAL_PUBLIC_URL:
      process.env.LAB_TERMINAL_PUBLIC_URL ?? `${url(GATEWAY).replace(/^http/, 'ws')}/labs/terminal`,
    IDENTITY_INTERNAL_URL: process.env.IDENTITY_INTERNAL_URL ?? url(identity),
    WEB_APP_URL: process.env.WEB_APP_URL ?? url(GATEWAY),
  };
  // Without Redis, events are pushed to their consumers' internal routes: the catalog's course
  // changes to ai (the tutor's index), commerce's entitlement changes to every subgraph that
  // enforces access (they drop their cached decisions for that learner), progress's learning
  // events to identity (partner webhooks).
  const eventSubscribers: Record<string, string> = {
    catalog: url(ai),
    progress: url(identity),
    commerce: [catalog, progress, labs, ai].map(url).join(','),
  };
  // On one development machine identity's webhooks may reach local receivers (http, loopback);
  // production leaves WEBHOOK_ALLOW_PRIVATE_URLS unset and refuses them (SSRF).
  const serviceEnv: Record<string, NodeJS.ProcessEnv> = {
    identity: { WEBHOOK_ALLOW_PRIVATE_URLS: process.env.WEBHOOK_ALLOW_PRIVATE_URLS ?? 'true' },
  };
  const subgraphs = SERVICES.map((service) =>
    supervise(
      service,
      { ...shared, EVENT_SUBSCRIBER_URLS: eventSubscribers[service.name] ?? '', ...serviceEnv[service.name] },
      subgraphHeapMb,
    ),
  );
  await Promise.all(
    SERVICES.map(async (service, index) => {
      await waitHealthy(service);
      subgraphs[index]?.markHealthy();
    }),
  );
  const subgraphUrls = Object.fromEntries(
    SERVICES.map((service) => [`${service.name.toUpperCase()}_URL`, `${url(service)}/graphql`]),
  );
  // GATEWAY_HOST=0.0.0.0 opens the gateway alone to the LAN (a phone running the mobile app);
  // the subgraphs stay on loopback.
  const gatewayHost = process.env.GATEWAY_HOST ?? process.env.HOST ?? '127.0.0.1';
  const gateway = supervise(GATEWAY, { ...shared, ...subgraphUrls, HOST: gatewayHost }, gatewayHeapMb);
  await waitHealthy(GATEWAY);
  gateway.markHealthy();

  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  const accounts = DEMO_ACCOUNTS.map(
    (account) => `    ${account.roles.at(-1)?.padEnd(10)} ${account.email.padEnd(26)} ${account.password}`,
  ).join('\n');
  console.log(`
LearnCraft is ready in ${seconds} s
  Web app:                    ${webApp ? `${url(GATEWAY)}/` : 'not built (npm run build -w @learncraft/web)'}
  GraphQL (HTTP + WebSocket): ${url(GATEWAY)}/graphql   (open it in a browser for the explorer)
  Mobile app:                 npm run dev -w @learncraft/mobile (Expo Go; on a phone, start with GATEWAY_HOST=0.0.0.0)
  Data directory:             ${dataDir}
  Supervision:                a crashed service restarts (back-off 0.5 s to 30 s); heap ${subgraphHeapMb} MiB per subgraph, ${gatewayHeapMb} MiB gateway
  Mail (password resets):     ${process.env.SMTP_URL ? 'sent over SMTP_URL' : join(dataDir, 'mail')}
  Demo accounts (role, email, password):
${accounts}
Press Ctrl+C to stop.`);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  // Once stopping (Ctrl+C, or a service given up on), the waits end with nothing more to say.
  if (!stopping) console.error(`LearnCraft failed to start: ${(error as Error).message}`);
  void shutdown(1);
});
