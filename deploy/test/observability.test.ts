/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/observability are well-formed and
 * name only metrics the services really export: identity and catalog (each counting its own
 * database queries) and the gateway in front of them are started, one query through the gateway
 * and one subscription socket exercise them, and every metric name used must appear as a series
 * on one of their /metrics.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import WebSocket from 'ws';
import { createTokenVerifier, DEMO_ACCOUNTS } from '@learncraft/kit';
import { createTestDatabase, TEST_GATEWAY_SECRET, type TestDatabase } from '@learncraft/kit/testing';
import { loadConfig as loadIdentityConfig, startIdentitySubgraph } from '@learncraft/identity';
import { loadConfig as loadCatalogConfig, startCatalogSubgraph } from '@learncraft/catalog';
import { loadConfig as loadGatewayConfig, startGateway } from '@learncraft/gateway';

const OBSERVABILITY = resolve(__dirname, '../observability');

/** POSTs one GraphQL request as JSON, as a browser client does. */
const postJson = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

interface DashboardPanel {
  id: number;
  type: string;
  title: string;
  targets?: { refId: string; expr: string }[];
  panels?: DashboardPanel[];
}
interface AlertRule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const metricNamesIn = (expr: string): string[] => expr.match(/\blearncraft_[a-z0-9_]+\b/g) ?? [];

async function dashboardExpressions(): Promise<{ panels: DashboardPanel[]; exprs: string[] }> {
  const dashboard = JSON.parse(await readFile(join(OBSERVABILITY, 'grafana-dashboard.json'), 'utf8')) as {
    uid: string;
    panels: DashboardPanel[];
  };
  const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  return { panels, exprs: panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)) };
}

async function alertRules(): Promise<AlertRule[]> {
  const file = parseYaml(await readFile(join(OBSERVABILITY, 'prometheus-rules.yaml'), 'utf8')) as {
    groups: { name: string; rules: AlertRule[] }[];
  };
  return file.groups.flatMap((group) => group.rules);
}

describe('the dashboard and alert rules', () => {
  it('are well-formed: unique panel ids, a query per panel, every alert with a for, a severity and a summary', async () => {
    const { panels, exprs } = await dashboardExpressions();
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels) expect(panel.targets?.length ?? 0).toBeGreaterThan(0);
    expect(exprs.every((expr) => metricNamesIn(expr).length > 0)).toBe(true);

    const rules = await alertRules();
    expect(rules.map((rule) => rule.alert)).toEqual([
      'LearnCraftHighErrorRate',
      'LearnCraftSlowRequests',
      'LearnCraftSlowSubgraphFetch',
      'LearnCraftSubgraphCircuitOpen',
      'LearnCraftSubscriptionSocketsDropped',
      'LearnCraftUpstreamSubscriptionsDropped',
    ]);
    for (const rule of rules) {
      expect(rule.for).toMatch(/^\d+m$/);
      expect(['page', 'ticket']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.length ?? 0).toBeGreaterThan(0);
      expect(metricNamesIn(rule.expr).length).toBeGreaterThan(0);
    }
  });

  describe('against running services', () => {
    const closers: (() => Promise<void>)[] = [];
    let scraped = '';

    beforeAll(async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'lc-observability-'));
      closers.push(() => rm(dataDir, { recursive: true, force: true }));
      const base = { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', GATEWAY_SECRET: TEST_GATEWAY_SECRET };
      const identityDb: TestDatabase = await createTestDatabase('pglite');
      closers.push(() => identityDb.dispose());
      const identity = await startIdentitySubgraph({
        config: loadIdentityConfig({ ...base, SEED_DEMO: 'true' }),
        db: identityDb.db,
        metrics: identityDb.metrics, // the database's query counter shows on identity's /metrics
      });
      closers.unshift(() => identity.close());
      // No database given: the catalog opens its own (PGlite under DATA_DIR) with its metrics.
      const catalog = await startCatalogSubgraph({
        config: loadCatalogConfig({ ...base, SEED_DEMO: 'true' }),
        verifier: createTokenVerifier({ publicKeyPem: identity.publicKeyPem }),
      });
      closers.unshift(() => catalog.close());
      const gateway = await startGateway({
        config: loadGatewayConfig({
          ...base,
          IDENTITY_URL: identity.url,
          CATALOG_URL: catalog.url,
          JWT_PUBLIC_KEY: identity.publicKeyPem,
        }),
      });
      closers.unshift(() => gateway.close());

      const response = await postJson(gateway.url, {
        query:
          'query ObservedCourses { courses(first: 2) { edges { node { title instructors { displayName } } } } }',
      });
      expect(response.status).toBe(200);
      const learner = DEMO_ACCOUNTS.find((account) => account.roles.includes('LEARNER'));
      if (!learner) throw new Error('no demo learner');
      const login = await postJson(gateway.url, {
        query:
          'mutation ($input: SessionCreateInput!) { sessionCreate(input: $input) { session { accessToken } } }',
        variables: { input: { email: learner.email, password: learner.password } },
      });
      const token = (
        (await login.json()) as { data: { sessionCreate: { session: { accessToken: string } } } }
      ).data.sessionCreate.session.accessToken;
      // One subscription socket, acknowledged, so the socket gauges are read while it is open.
      const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
      await new Promise<void>((done, fail) => {
        socket.once('error', fail);
        socket.once('close', (code) => fail(new Error(`the gateway closed the socket with ${code}`)));
        socket.once('open', () =>
          socket.send(
            JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }),
          ),
        );
        socket.once('message', () => done());
      });
      const urls = [gateway.url, identity.url, catalog.url].map((url) =>
        url.replace(/\/graphql$/, '/metrics'),
      );
      scraped = (await Promise.all(urls.map(async (url) => (await fetch(url)).text()))).join('\n');
      socket.removeAllListeners('close');
      socket.close();
    }, 120_000);

    afterAll(async () => {
      for (const close of closers) await close();
    }, 30_000);

    it('use only metric names a service exports', async () => {
      const { exprs } = await dashboardExpressions();
      const rules = await alertRules();
      const used = new Set([...exprs, ...rules.map((rule) => rule.expr)].flatMap(metricNamesIn));
      const exported = (name: string) => new RegExp(`^${name}[{ ]`, 'm').test(scraped);
      const missing = [...used].filter((name) => !exported(name)).sort();
      expect(missing).toEqual([]);
      expect([...used].sort()).toEqual([
        'learncraft_db_queries_total',
        'learncraft_graphql_operations_total',
        'learncraft_graphql_request_duration_seconds_bucket',
        'learncraft_subgraph_circuit_state',
        'learncraft_subgraph_fetch_duration_seconds_bucket',
        'learncraft_subgraph_fetch_duration_seconds_count',
        'learncraft_subscriptions_active',
        'learncraft_upstream_streams_active',
        'learncraft_ws_connections_active',
      ]);
    });

    it('see the query in the operation counter of the gateway and both subgraphs', () => {
      expect(scraped).toMatch(
        /^learncraft_graphql_operations_total\{operation="ObservedCourses",type="query",outcome="ok"\} 1$/m,
      );
      // The subgraphs see the gateway's fetches under the client's operation name.
      expect(
        scraped.match(/^learncraft_graphql_operations_total\{operation="ObservedCourses"/gm)?.length,
      ).toBe(3);
      expect(scraped).toMatch(/^learncraft_db_queries_total [1-9]\d*$/m);
      expect(scraped).toMatch(/^learncraft_ws_connections_active 1$/m);
    });
  });
});
