/**
 * deploy/Dockerfile read as instructions (no Docker engine here to build it): a build stage that
 * compiles and stages, a runtime stage with compiled JavaScript and production dependencies only,
 * run as a non-root user with a HEALTHCHECK, and the labs stage with bubblewrap. The build steps
 * themselves run for real in imageBuild.test.ts.
 */
import { DEFAULT_PORTS, probePort, serviceOfCommand } from '../build/healthcheck';
import { workspaceFolders } from '../build/stage';
import { LEARNCRAFT_SERVICES, readRepoFile } from './composeFile';

interface Stage {
  from: string;
  name: string | undefined;
  instructions: { keyword: string; args: string }[];
}

/** Instructions per stage, continuation lines joined and comments dropped. */
function readStages(dockerfile: string): Stage[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [from = '', , name] = rest;
      stages.push({ from, name, instructions: [] });
    } else stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

const dockerfile = readRepoFile('deploy/Dockerfile');
const stages = readStages(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name) as Stage;
const args = (s: Stage, keyword: string) =>
  s.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('deploy/Dockerfile', () => {
  test('has a build stage, a runtime stage and a labs stage, and builds the runtime by default', () => {
    expect(stages.map((s) => [s.from, s.name])).toEqual([
      ['${NODE_IMAGE}', 'build'],
      ['${NODE_IMAGE}', 'runtime'],
      ['runtime', 'labs'],
      ['runtime', undefined],
    ]);
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  });

  test('the build stage installs everything, compiles, builds the web app and stages /app with its production install', () => {
    const build = stage('build');
    expect(args(build, 'RUN')).toEqual(
      expect.arrayContaining(['npm run build && npm run build:stage -- /app --install']),
    );
    // Every workspace manifest is copied before the install, or npm ci would refuse the lock file.
    const copied = args(build, 'COPY').map((line) => line.split(' ')[0]);
    expect(
      workspaceFolders()
        .map((dir) => `${dir}/package.json`)
        .filter((path) => !copied.includes(path)),
    ).toEqual([]);
  });

  test('the runtime stage holds only /app from the build, runs node as the node user, with a health check', () => {
    const runtime = stage('runtime');
    expect(args(runtime, 'COPY')).toEqual(['--from=build /app /app']);
    expect(args(runtime, 'USER')).toEqual(['node']);
    expect(args(runtime, 'ENV')).toEqual(['NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/data']);
    expect(args(runtime, 'HEALTHCHECK')).toEqual([
      '--interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "deploy/dist/healthcheck.js", "/health/live"]',
    ]);
    expect(args(runtime, 'CMD')).toEqual(['["node", "gateway/dist/main.js"]']);
    const runs = args(runtime, 'RUN').join('\n');
    expect(runs).not.toMatch(/npm|npx|tsx/);
  });

  test('the labs stage adds bubblewrap and drops back to the node user', () => {
    const labs = stage('labs');
    expect(args(labs, 'USER')).toEqual(['root', 'node']);
    expect(args(labs, 'RUN').join(' ')).toContain('apt-get install -y --no-install-recommends bubblewrap');
    expect(args(labs, 'CMD')).toEqual(['["node", "subgraphs/labs/dist/main.js"]']);
  });

  test('.dockerignore keeps installs, build output, data, secrets and history out of the context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['**/node_modules', '**/dist', '.data', '.git', '.env', '**/*.pem']),
    );
  });
});

describe('the image health probe', () => {
  test("finds the service's default port from the container's command line", () => {
    expect(serviceOfCommand('node subgraphs/catalog/dist/main.js')).toBe('catalog');
    expect(serviceOfCommand('/usr/local/bin/node /app/gateway/dist/main.js')).toBe('gateway');
    expect(serviceOfCommand('npx tsx subgraphs/catalog/src/main.ts')).toBeUndefined();
    expect(probePort({}, 'node subgraphs/labs/dist/main.js')).toBe(DEFAULT_PORTS.labs);
    expect(probePort({}, 'node subgraphs/labs/dist/main.js')).toBe(4004);
  });

  test("knows each service's default port as the service's own config does", () => {
    const defaults = Object.fromEntries(
      Object.entries(LEARNCRAFT_SERVICES).map(([name, service]) => [
        name,
        (service.load({}) as { PORT: number }).PORT,
      ]),
    );
    expect(defaults).toEqual(DEFAULT_PORTS);
  });

  test('PORT wins over the command line, and an unknown command probes the gateway port', () => {
    expect(probePort({ PORT: '9123' }, 'node subgraphs/labs/dist/main.js')).toBe(9123);
    expect(probePort({ PORT: '' }, 'sleep infinity')).toBe(4000);
  });
});
