/**
 * The image's build steps, run for real (no Docker engine here): the compile (`npm run
 * build:services`), the runtime tree and its production install (`npm run build:stage --
 * <dir> --install`, what deploy/Dockerfile runs) into a temporary directory outside the
 * repository, then identity, catalog and the gateway started from that tree with plain `node` on
 * embedded defaults, a registration and a query through the compiled gateway, the compiled health
 * probe, and the other four subgraphs started the same way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledEntry, REPO_ROOT, SERVICE_BUILDS } from '../build/compile';

const workDir = mkdtempSync(join(tmpdir(), 'learncraft-image-'));
const stageDir = join(workDir, 'app');
const dataDir = join(workDir, 'data');
const children: ChildProcess[] = [];
const logs = new Map<string, string[]>();

interface GraphQLAnswer {
  status: number;
  body: { data?: Record<string, unknown>; errors?: unknown[] };
}

function run(args: string[]): void {
  const result = spawnSync('npm', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  if (result.status !== 0)
    throw new Error(`npm ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => done(typeof address === 'object' && address ? address.port : 0));
      });
  });
}

/** Only what a container would set: no NODE_OPTIONS from Jest, no loader, no repository paths. */
function startCompiled(name: string, env: Record<string, string>): void {
  const service = SERVICE_BUILDS.find((s) => s.name === name);
  if (!service) throw new Error(`no service ${name}`);
  const child = spawn(process.execPath, [compiledEntry(service)], {
    cwd: stageDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  logs.set(name, lines);
  child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  children.push(child);
}

/** Polls `/health` (bounded by attempts) until the service answers. */
async function healthOf(name: string, port: number): Promise<unknown> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return await response.json();
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} never answered /health:\n${(logs.get(name) ?? []).join('')}`);
}

async function graphql(
  port: number,
  query: string,
  variables: object,
  token?: string,
): Promise<GraphQLAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLAnswer['body'] };
}

/** Runs the compiled health probe as the image's HEALTHCHECK does; its exit status. */
function probe(port: number, path: string): number | null {
  return spawnSync(process.execPath, ['deploy/dist/healthcheck.js', path], {
    cwd: stageDir,
    env: { PATH: process.env.PATH ?? '', PORT: String(port) },
    timeout: 30_000,
  }).status;
}

const ports = { gateway: 0, identity: 0, catalog: 0, progress: 0, labs: 0, ai: 0, commerce: 0 };

beforeAll(async () => {
  run(['run', 'build:services']);
  run(['run', 'build:stage', '--', stageDir, '--install', '--prefer-offline', '--without-web']);
  for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
}, 300_000);

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(force);
            done();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  rmSync(workDir, { recursive: true, force: true });
}, 30_000);

test('every service compiles to one JavaScript file with the workspace code bundled in', () => {
  const bundled = SERVICE_BUILDS.map((service) => {
    const code = readFileSync(join(stageDir, compiledEntry(service)), 'utf8');
    return { service: service.name, requiresWorkspace: /require\("@learncraft\//.test(code) };
  });
  expect(bundled).toEqual(
    SERVICE_BUILDS.map((service) => ({ service: service.name, requiresWorkspace: false })),
  );
});

test('the runtime tree holds no TypeScript source and no test', () => {
  // Installed packages (at the root or nested under a workspace, as npm places a second version)
  // may ship type declarations: only LearnCraft's own files are looked at.
  const files = readdirSync(stageDir, { recursive: true, encoding: 'utf8' }).filter(
    (path) => !path.split('/').includes('node_modules'),
  );
  expect(files.filter((path) => /\.tsx?$/.test(path) || /(^|\/)test\//.test(path))).toEqual([]);
  expect(files).toEqual(
    expect.arrayContaining([
      'subgraphs/identity/migrations/0001_init.sql',
      'subgraphs/catalog/src/schema.graphql',
      'schema/supergraph.graphql',
      'clients/operations/src/generated/persisted-documents.json',
    ]),
  );
});

test('the production install has the native modules built and no development tool', () => {
  const modules = join(stageDir, 'node_modules');
  const present = (name: string) => existsSync(join(modules, name, 'package.json'));
  const devTools = ['tsx', 'jest', 'esbuild', 'eslint', 'vite', 'react', 'expo', 'turbo', 'smtp-server'];
  expect(devTools.filter(present)).toEqual([]);
  const runtime = ['argon2', 'node-pty', '@electric-sql/pglite', 'graphql', '@apollo/gateway'];
  expect(runtime.filter(present)).toEqual(runtime);
  expect(existsSync(join(modules, 'node-pty/build/Release/pty.node'))).toBe(true);
});

test('identity, catalog and the gateway run compiled with plain node and answer through the gateway', async () => {
  const identityUrl = `http://127.0.0.1:${ports.identity}`;
  const jwks = `${identityUrl}/.well-known/jwks.json`;
  startCompiled('identity', { PORT: String(ports.identity) });
  startCompiled('catalog', { PORT: String(ports.catalog), IDENTITY_JWKS_URL: jwks });
  expect(await healthOf('identity', ports.identity)).toEqual({ status: 'ok', service: 'identity' });
  expect(await healthOf('catalog', ports.catalog)).toEqual({ status: 'ok', service: 'catalog' });

  startCompiled('gateway', {
    PORT: String(ports.gateway),
    IDENTITY_URL: `${identityUrl}/graphql`,
    CATALOG_URL: `http://127.0.0.1:${ports.catalog}/graphql`,
    IDENTITY_JWKS_URL: jwks,
    IDENTITY_INTERNAL_URL: identityUrl,
  });
  expect(await healthOf('gateway', ports.gateway)).toEqual({ status: 'ok', service: 'gateway' });
  // The image's HEALTHCHECK probe, compiled into the tree: 0 for a service that answers, 1 for none.
  expect(probe(ports.gateway, '/health')).toBe(0);
  expect(probe(await freePort(), '/health')).toBe(1);

  const registered = await graphql(
    ports.gateway,
    `
      mutation Register($input: UserRegisterInput!) {
        userRegister(input: $input) {
          user {
            email
            displayName
          }
          session {
            accessToken
          }
          userErrors {
            code
          }
        }
      }
    `,
    {
      input: {
        email: 'Image.Check@example.com',
        password: 'compiled-and-installed-42',
        displayName: 'Image Check',
      },
    },
  );
  expect(registered.status).toBe(200);
  expect(registered.body.errors).toBeUndefined();
  const payload = registered.body.data?.userRegister as {
    user: unknown;
    session: { accessToken: string };
    userErrors: unknown[];
  };
  expect(payload.user).toEqual({ email: 'image.check@example.com', displayName: 'Image Check' });
  expect(payload.userErrors).toEqual([]);

  const read = await graphql(
    ports.gateway,
    '{ me { email displayName } courses(first: 1) { totalCount } }',
    {},
    payload.session.accessToken,
  );
  expect(read).toEqual({
    status: 200,
    body: {
      data: {
        me: { email: 'image.check@example.com', displayName: 'Image Check' },
        courses: { totalCount: 0 },
      },
    },
  });
}, 120_000);

test('progress, labs, ai and commerce start compiled too, with the secret `npm start` would generate', async () => {
  const others = ['progress', 'labs', 'ai', 'commerce'] as const;
  // They call their siblings' internal routes, so they refuse to start without the shared secret.
  for (const name of others)
    startCompiled(name, { PORT: String(ports[name]), INTERNAL_API_SECRET: 'image-test-internal-secret' });
  const answers = await Promise.all(others.map((name) => healthOf(name, ports[name])));
  expect(answers).toEqual(others.map((service) => ({ status: 'ok', service })));
}, 120_000);

test('a compiled service exports traces when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
  // The tracing SDK loads only with an endpoint, and the kit's OpenTelemetry 2.x packages are
  // nested under subgraphs/kit/node_modules (the root holds @apollo/gateway's 1.x): the bundle
  // must load the kit's copies, or tracing fails in the image only.
  const received: string[] = [];
  const collector = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') received.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => collector.listen(0, '127.0.0.1', done));
  const { port } = collector.address() as AddressInfo;
  try {
    const tracedPort = await freePort();
    startCompiled('identity', {
      PORT: String(tracedPort),
      DATA_DIR: join(workDir, 'traced-identity'),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    expect(await healthOf('identity', tracedPort)).toEqual({ status: 'ok', service: 'identity' });
    await fetch(`http://127.0.0.1:${tracedPort}/.well-known/jwks.json`);
    const deadline = Date.now() + 20_000;
    while (!received.some((body) => body.includes('"identity"')) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.some((body) => body.includes('"service.name"') && body.includes('"identity"'))).toBe(
      true,
    );
  } finally {
    await new Promise<void>((done) => collector.close(() => done()));
  }
}, 120_000);
