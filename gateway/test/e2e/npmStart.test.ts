/**
 * `npm start` as a developer runs it (`tsx gateway/src/platform/start.ts`), on free ports of
 * 127.0.0.1 and a temporary data directory, without the web app build: a subgraph killed with
 * SIGKILL leaves the rest serving and comes back; a subgraph that cannot start stops the start.
 * Each launch is bounded and killed as a process group if anything is left.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  REPO_ROOT,
  SUBGRAPH_HEAP_MB,
  alive,
  exitWithin,
  graphql,
  launch,
  waitHealthy,
  type Launch,
} from './npmStartProcess';

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
