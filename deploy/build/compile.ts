/**
 * `npm run build:services`: compiles every LearnCraft service to plain JavaScript with esbuild,
 * one CommonJS bundle per service at `<package>/dist/main.js`, so production runs `node` and
 * never `tsx`. Workspace code (`@learncraft/*`, TypeScript sources) is bundled; every npm package
 * stays external, so the production install provides it with its native parts (argon2,
 * node-pty) and data files (PGlite's wasm) where the package expects them.
 *
 * Bundling moves code away from the files it reads beside itself (`schema.graphql`,
 * `migrations/`, the supergraph): each module's `__dirname` is rewritten to its source
 * directory, reached from the bundle's own directory, so those paths resolve exactly as under
 * tsx. The image therefore ships the packages' non-TypeScript files next to `dist/`.
 *
 * The build fails when a bundle imports a package that is not a production dependency of its
 * service (or of a workspace package the service depends on): `npm ci --omit=dev` would leave
 * it out and the service would crash at start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';

export const REPO_ROOT = resolve(__dirname, '../..');

/** One bundle: its workspace folder, its entry inside it, and the file it compiles to (`dist/`). */
export interface ServiceBuild {
  name: string;
  packageDir: string;
  entry: string;
  output: string;
}

export const SERVICE_BUILDS: readonly ServiceBuild[] = [
  { name: 'gateway', packageDir: 'gateway', entry: 'src/main.ts', output: 'dist/main.js' },
  ...['identity', 'catalog', 'progress', 'labs', 'ai', 'commerce'].map((name) => ({
    name,
    packageDir: `subgraphs/${name}`,
    entry: 'src/main.ts',
    output: 'dist/main.js',
  })),
];

/** The image's health probe (deploy/build/healthcheck.ts), compiled like the services. */
export const HEALTHCHECK_BUILD: ServiceBuild = {
  name: 'healthcheck',
  packageDir: 'deploy',
  entry: 'build/healthcheck.ts',
  output: 'dist/healthcheck.js',
};

export const ALL_BUILDS: readonly ServiceBuild[] = [...SERVICE_BUILDS, HEALTHCHECK_BUILD];

/** Where a build's compiled file lands, relative to the repository root. */
export const compiledEntry = (service: ServiceBuild) => `${service.packageDir}/${service.output}`;

const WORKSPACE_SCOPE = '@learncraft/';
const builtins = new Set(builtinModules);

/** `lodash/fp` -> `lodash`, `@scope/pkg/sub` -> `@scope/pkg`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

const isBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || builtins.has(packageName(specifier));

/** The folder `name` resolves to from `dir` by Node's lookup (the nearest `node_modules/<name>`). */
function packageDirFrom(dir: string, name: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/**
 * npm packages and Node built-ins stay `require`s; workspace packages resolve to their sources.
 * A package a workspace gets its own copy of (npm nests a second version under
 * `subgraphs/kit/node_modules` when the root holds another, e.g. OpenTelemetry 2.x for the kit
 * next to @apollo/gateway's 1.x) is required by its path from the bundle, so the compiled service
 * loads the same copy its source does under tsx: the production install nests it the same way.
 */
function externalPackages(outdir: string): Plugin {
  return {
    name: 'learncraft-external-packages',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        const name = packageName(args.path);
        const fromSource = packageDirFrom(args.resolveDir, name);
        if (!fromSource || fromSource === packageDirFrom(outdir, name))
          return { path: args.path, external: true };
        const subpath = args.path.slice(name.length);
        return { path: `./${relative(outdir, fromSource)}${subpath}`, external: true };
      });
    },
  };
}

/** The npm package an external import names: `x/y` -> `x`, `../../kit/node_modules/@s/p/z` -> `@s/p`. */
function importedPackage(path: string): string {
  const nested = path.lastIndexOf('node_modules/');
  return packageName(nested >= 0 ? path.slice(nested + 'node_modules/'.length) : path);
}

/** Each workspace module keeps the `__dirname` of its source file (see the header). */
function sourceDirnames(outdir: string): Plugin {
  return {
    name: 'learncraft-source-dirnames',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (args.path.includes('/node_modules/') || !/\b__dirname\b/.test(source)) return undefined;
        const fromBundle = relative(outdir, dirname(args.path)) || '.';
        const replacement = `require("node:path").join(__dirname, ${JSON.stringify(fromBundle)})`;
        return { contents: source.replace(/\b__dirname\b/g, `(${replacement})`), loader: 'ts' };
      });
    },
  };
}

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Workspace package name -> its folder, for every workspace of the root package.json. */
function workspaceDirs(): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const service of SERVICE_BUILDS)
    dirs.set(readPackage(join(REPO_ROOT, service.packageDir)).name, service.packageDir);
  dirs.set(readPackage(join(REPO_ROOT, 'subgraphs/kit')).name, 'subgraphs/kit');
  return dirs;
}

/** The npm packages a production install gives a service: its dependencies and its workspace dependencies', transitively. */
export function productionPackages(packageDir: string): Set<string> {
  const workspaces = workspaceDirs();
  const packages = new Set<string>();
  const pending = [packageDir];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    if (seen.has(dir)) continue;
    seen.add(dir);
    for (const name of Object.keys(readPackage(join(REPO_ROOT, dir)).dependencies ?? {})) {
      const workspace = workspaces.get(name);
      if (workspace) pending.push(workspace);
      else packages.add(name);
    }
  }
  return packages;
}

/**
 * The npm packages a bundle imports or `require`s (Node built-ins left out). `require.resolve`
 * probes are not imports: the code looks for an optional tool and copes without it (labs finds
 * the TypeScript compiler for TypeScript labs that way).
 */
export function externalImports(metafile: Metafile): Set<string> {
  const names = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.kind === 'require-resolve') continue;
      if (imported.external && !isBuiltin(imported.path)) names.add(importedPackage(imported.path));
    }
  }
  return names;
}

/** Compiles one service into `<package>/dist/main.js` and checks its imports against its dependencies. */
export async function compileService(service: ServiceBuild): Promise<{ bytes: number; externals: string[] }> {
  const outfile = join(REPO_ROOT, compiledEntry(service));
  const outdir = dirname(outfile);
  await rm(outfile, { force: true });
  const result = await build({
    entryPoints: [join(REPO_ROOT, service.packageDir, service.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages(outdir), sourceDirnames(outdir)],
  });
  const externals = [...externalImports(result.metafile)].sort();
  const provided = productionPackages(service.packageDir);
  const missing = externals.filter((name) => !provided.has(name));
  if (missing.length > 0)
    throw new Error(
      `${service.name}: the bundle imports ${missing.join(', ')}, which ${service.packageDir}/package.json ` +
        `(or a workspace package it depends on) does not list in "dependencies"; a production install would leave it out`,
    );
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  return { bytes, externals };
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const services = only.length > 0 ? ALL_BUILDS.filter((s) => only.includes(s.name)) : ALL_BUILDS;
  if (services.length === 0) throw new Error(`no service named ${only.join(', ')}`);
  for (const service of services) {
    const started = performance.now();
    const { bytes, externals } = await compileService(service);
    const ms = Math.round(performance.now() - started);
    console.log(
      `build: ${compiledEntry(service)} ${(bytes / 1024).toFixed(0)} KiB in ${ms} ms (${externals.length} npm packages external)`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
