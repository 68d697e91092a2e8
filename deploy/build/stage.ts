/**
 * `npm run build:stage -- <dir> [--install] [--prefer-offline] [--without-web]`: assembles the
 * runtime tree of the LearnCraft image in `<dir>` from a built checkout (`npm run build`), and
 * with `--install` gives it its production dependencies. deploy/Dockerfile runs exactly this, and
 * deploy/test/imageBuild.test.ts runs it into a temporary directory, so what the test starts is
 * what the image holds.
 *
 * The tree: the root manifest and lock file, every workspace's package.json (npm ci checks the
 * lock against all of them), each service's `dist/` with the non-TypeScript files its code reads
 * beside its sources (`src/**\/*.graphql`, `migrations/`), and the gateway's data: the
 * supergraph, the public API schema, the partner guides, the persisted-operations manifest and
 * the built web app. No TypeScript source, test or dev dependency.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { compiledEntry, HEALTHCHECK_BUILD, REPO_ROOT, SERVICE_BUILDS } from './compile';

/** Workspaces whose production dependencies the image installs (the services and the kit they share). */
export const RUNTIME_WORKSPACES = [...SERVICE_BUILDS.map((service) => service.packageDir), 'subgraphs/kit'];

/** Files the gateway reads at run time, relative to the repository root. */
export const GATEWAY_DATA = [
  'schema/supergraph.graphql',
  'schema/api.graphql',
  'docs/partners',
  'clients/operations/src/generated/persisted-documents.json',
];

export const WEB_DIST = 'clients/web/dist';

/**
 * What a production install leaves out of node_modules without changing what runs: native
 * modules' object files and sources (the built `.node` stays), and other platforms' prebuilds.
 */
const PRUNE = [
  'node_modules/node-pty/deps',
  'node_modules/node-pty/prebuilds',
  'node_modules/node-pty/build/Release/obj.target',
  'node_modules/node-pty/build/Release/.deps',
  'node_modules/argon2/build/Release/obj.target',
  'node_modules/argon2/build/Release/.deps',
];

interface RootManifest {
  workspaces: string[];
}

/** Every workspace folder the root package.json names (`subgraphs/*` expanded). */
export function workspaceFolders(): string[] {
  const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as RootManifest;
  return root.workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(REPO_ROOT, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => existsSync(join(REPO_ROOT, dir, 'package.json')));
  });
}

/** Non-TypeScript files under `dir` (a package's src or migrations), relative to the repository root. */
function runtimeAssets(dir: string): string[] {
  const absolute = join(REPO_ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(join(REPO_ROOT, path)).isFile())
    .filter((path) => !/\.(ts|tsx|md)$/.test(path) && !path.includes('/test/'));
}

function copy(path: string, target: string): void {
  const from = join(REPO_ROOT, path);
  if (!existsSync(from)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  mkdirSync(dirname(join(target, path)), { recursive: true });
  cpSync(from, join(target, path), { recursive: true });
}

/** Every path (relative to the repository root) the runtime tree holds. */
export function runtimePaths(options: { withWeb: boolean }): string[] {
  const manifests = [
    'package.json',
    'package-lock.json',
    '.npmrc',
    ...workspaceFolders().map((dir) => `${dir}/package.json`),
  ];
  const services = SERVICE_BUILDS.flatMap((service) => [
    compiledEntry(service),
    ...runtimeAssets(`${service.packageDir}/src`),
    ...runtimeAssets(`${service.packageDir}/migrations`),
  ]);
  return [
    ...manifests,
    ...services,
    compiledEntry(HEALTHCHECK_BUILD),
    ...GATEWAY_DATA,
    ...(options.withWeb ? [WEB_DIST] : []),
  ];
}

export function stageRuntime(target: string, options: { withWeb: boolean }): void {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const path of runtimePaths(options)) copy(path, target);
}

/** The production install: the locked versions of the runtime workspaces' dependencies, nothing else. */
export function productionInstallArgs(options: { preferOffline: boolean }): string[] {
  return [
    'ci',
    '--omit=dev',
    '--no-audit',
    '--no-fund',
    ...(options.preferOffline ? ['--prefer-offline'] : []),
    ...RUNTIME_WORKSPACES.flatMap((dir) => ['--workspace', dir]),
  ];
}

export function installProduction(target: string, options: { preferOffline: boolean }): void {
  const npm = (args: string[]) => spawnSync('npm', args, { cwd: target, stdio: 'inherit' }).status;
  const args = productionInstallArgs(options);
  // The lock file can lack other platforms' optional binaries, and `npm ci` then refuses it
  // (see .ci/run); `npm install` from the same lock keeps the locked versions.
  if (npm(args) !== 0) {
    console.error('stage: npm ci refused the lock file; installing the locked versions with npm install');
    const status = npm(['install', '--no-save', ...args.slice(1)]);
    if (status !== 0) throw new Error(`the production install failed in ${target} (exit ${status})`);
  }
  for (const path of PRUNE) rmSync(join(target, path), { recursive: true, force: true });
}

function main(): void {
  const [target, ...flags] = process.argv.slice(2);
  if (!target || target.startsWith('--'))
    throw new Error('usage: stage.ts <dir> [--install] [--prefer-offline] [--without-web]');
  const withWeb = !flags.includes('--without-web');
  stageRuntime(target, { withWeb });
  console.log(
    `stage: runtime tree in ${relative(process.cwd(), target) || '.'}${withWeb ? '' : ' (without the web app)'}`,
  );
  if (flags.includes('--install'))
    installProduction(target, { preferOffline: flags.includes('--prefer-offline') });
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
