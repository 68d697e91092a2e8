/**
 * One trace across three processes: the gateway, identity and catalog each run as its own node
 * process (as `npm start` runs them: `node --import tsx <main.ts>`) with OTEL_EXPORTER_OTLP_ENDPOINT
 * pointing at a test collector on 127.0.0.1 that receives OTLP/HTTP JSON. One query that needs
 * both subgraphs must produce spans of all three services under one trace id, with the gateway's
 * subgraph-fetch span the parent of each subgraph's server span. Every wait is bounded and every
 * process is killed at the end. Identity runs on a fresh PostgreSQL database so that its queries
 * show as spans too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, TEST_GATEWAY_SECRET, type TestDatabase } from '@learncraft/kit/testing';

const REPO_ROOT = resolve(__dirname, '../../..');
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}
interface CollectedSpan extends OtlpSpan {
  service: string;
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

/** An OTLP/HTTP JSON receiver: every span posted to /v1/traces, tagged with its service.name. */
class TestCollector {
  readonly spans: CollectedSpan[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
          for (const { resource, scopeSpans } of body.resourceSpans) {
            const service =
              resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
            for (const { spans } of scopeSpans)
              for (const span of spans) this.spans.push({ ...span, service });
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((done) => this.server.close(() => done()));
  }
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createNetServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => done(port));
      });
  });
}

/** One service process; its output is kept for the failure message. */
class ServiceProcess {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    entry: string,
    env: Record<string, string>,
  ) {
    // Real-server URLs and keys of the surrounding shell must not leak into these processes.
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !/(_URL|_PORT|^PORT|^JWT_.*|^INTERNAL_API_SECRET|^NODE_ENV|^OTEL_.*)$/.test(key),
      ),
    );
    this.child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: REPO_ROOT,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  /** SIGTERM (which flushes the spans), then SIGKILL if it has not exited within 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

function stringAttribute(span: OtlpSpan, key: string): string | undefined {
  return span.attributes?.find((attribute) => attribute.key === key)?.value.stringValue;
}

/** Polls `url` until it answers 200, for at most `ms`. */
async function waitHealthy(service: ServiceProcess, url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${service.name} did not become healthy at ${url}:\n${service.output}`);
}

/** Polls until `ready(spans)` holds, for at most `ms`; returns whether it did. */
async function waitFor(collector: TestCollector, ready: (spans: CollectedSpan[]) => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !ready(collector.spans)) await sleep(100);
  return ready(collector.spans);
}

describe('distributed tracing across the gateway and two subgraphs', () => {
  const collector = new TestCollector();
  const services: ServiceProcess[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'lc-tracing-'));
  let gatewayUrl = '';
  const subgraphUrls: Record<string, string> = {};
  let identityDb: TestDatabase | undefined;

  beforeAll(async () => {
    const endpoint = await collector.listen();
    const [identityPort, catalogPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    const common = {
      LOG_LEVEL: 'warn',
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      // Short batches, so the spans arrive while the test waits (shutdown flushes the rest).
      OTEL_BSP_SCHEDULE_DELAY: '100',
      IDENTITY_JWKS_URL: `http://127.0.0.1:${identityPort}/.well-known/jwks.json`,
    };
    // Identity on real PostgreSQL (its own fresh database), so its queries are traced through pg.
    identityDb = await createTestDatabase('postgres');
    const identity = new ServiceProcess('identity', 'subgraphs/identity/src/main.ts', {
      ...common,
      DATABASE_URL: identityDb.url ?? '',
      PORT: String(identityPort),
      DATA_DIR: join(dataDir, 'identity'),
      SEED_DEMO: 'true',
    });
    const catalog = new ServiceProcess('catalog', 'subgraphs/catalog/src/main.ts', {
      ...common,
      PORT: String(catalogPort),
      DATA_DIR: join(dataDir, 'catalog'),
      SEED_DEMO: 'true',
    });
    services.push(identity, catalog);
    subgraphUrls.identity = `http://127.0.0.1:${identityPort}/graphql`;
    subgraphUrls.catalog = `http://127.0.0.1:${catalogPort}/graphql`;
    await waitHealthy(identity, `http://127.0.0.1:${identityPort}/health`, 60_000);
    await waitHealthy(catalog, `http://127.0.0.1:${catalogPort}/health`, 60_000);
    const gateway = new ServiceProcess('gateway', 'gateway/src/main.ts', {
      ...common,
      PORT: String(gatewayPort),
      IDENTITY_URL: subgraphUrls.identity,
      CATALOG_URL: subgraphUrls.catalog,
      IDENTITY_INTERNAL_URL: `http://127.0.0.1:${identityPort}`,
      WEB_DIST_DIR: join(dataDir, 'no-web-app'),
    });
    services.push(gateway);
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitHealthy(gateway, `${gatewayUrl}/health`, 60_000);
  }, 150_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await collector.close();
    await identityDb?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('a query that needs catalog and identity is one trace with spans of all three services', async () => {
    const response = await fetch(`${gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'e2e-tracing-request-1' },
      body: JSON.stringify({
        operationName: 'TracedCourses',
        query:
          'query TracedCourses { courses(first: 3) { edges { node { title instructors { displayName } } } } }',
      }),
    });
    const body = (await response.json()) as {
      data?: { courses: { edges: { node: { title: string; instructors: { displayName: string }[] } }[] } };
      errors?: unknown[];
    };
    expect({ status: response.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
    // The gateway keeps a well-formed client request id and echoes it.
    expect(response.headers.get('x-request-id')).toBe('e2e-tracing-request-1');
    const courses = body.data?.courses.edges.map((edge) => edge.node) ?? [];
    expect(courses.length).toBe(3);
    // The instructors' names come from identity: the plan has a fetch on each subgraph.
    expect(courses.every((course) => course.instructors.every((user) => user.displayName.length > 0))).toBe(
      true,
    );
    expect(courses.some((course) => course.instructors.length > 0)).toBe(true);

    const isOperationServerSpan = (span: CollectedSpan) =>
      span.kind === SPAN_KIND_SERVER && span.service === 'gateway';
    const complete = (spans: CollectedSpan[]) => {
      const root = spans.find(isOperationServerSpan);
      if (!root) return false;
      const inTrace = spans.filter((span) => span.traceId === root.traceId);
      return ['identity', 'catalog'].every((name) =>
        inTrace.some((span) => span.service === name && span.kind === SPAN_KIND_SERVER),
      );
    };
    if (!(await waitFor(collector, complete, 20_000))) {
      const seen = collector.spans.map((span) => `${span.service} ${span.kind} ${span.name} ${span.traceId}`);
      throw new Error(`no complete trace arrived; spans seen:\n${seen.join('\n')}`);
    }

    const root = collector.spans.find(isOperationServerSpan)!;
    const trace = collector.spans.filter((span) => span.traceId === root.traceId);
    expect(root.parentSpanId ?? '').toBe('');
    expect([...new Set(trace.map((span) => span.service))].sort()).toEqual([
      'catalog',
      'gateway',
      'identity',
    ]);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    for (const subgraph of ['identity', 'catalog']) {
      const servers = trace.filter((span) => span.service === subgraph && span.kind === SPAN_KIND_SERVER);
      expect(servers.length).toBeGreaterThan(0);
      for (const server of servers) {
        // The subgraph's request span hangs under the gateway's undici span for that fetch.
        const parent = byId.get(server.parentSpanId ?? '');
        expect({ service: parent?.service, kind: parent?.kind }).toEqual({
          service: 'gateway',
          kind: SPAN_KIND_CLIENT,
        });
        expect(stringAttribute(parent!, 'url.full')).toBe(subgraphUrls[subgraph]);
        // ... which is made inside the query plan's fetch node (@apollo/gateway's span).
        expect(byId.get(parent!.parentSpanId ?? '')?.name).toBe('gateway.fetch');
        // The operation span inside the subgraph is a child of its request span.
        const operation = trace.find(
          (span) =>
            span.service === subgraph &&
            span.parentSpanId === server.spanId &&
            span.name.startsWith('graphql.'),
        );
        expect(operation?.name).toMatch(/^graphql\.query /);
      }
    }

    // Identity's user lookup reached PostgreSQL inside its request: a pg span under its server span.
    const lookup = trace.find(
      (span) =>
        span.service === 'identity' && stringAttribute(span, 'db.query.text')?.includes('"identity"."users"'),
    );
    expect({ kind: lookup?.kind, system: lookup && stringAttribute(lookup, 'db.system.name') }).toEqual({
      kind: SPAN_KIND_CLIENT,
      system: 'postgresql',
    });
    const ancestors: CollectedSpan[] = [];
    for (let span = byId.get(lookup?.parentSpanId ?? ''); span; span = byId.get(span.parentSpanId ?? '')) {
      ancestors.push(span);
    }
    expect(ancestors.find((span) => span.kind === SPAN_KIND_SERVER)?.service).toBe('identity');
  }, 60_000);
});
