/**
 * The app exported for the web (`expo export --platform web`: Metro + react-native-web), as the
 * browser journey serves it from the gateway. An export is keyed by a hash of what goes into it
 * (the app's and the shared operations' sources, the Expo config, the lockfile) and kept under the
 * OS temp directory, so a test run builds it at most once and later runs reuse it until a source
 * changes — as gateway/src/platform/webApp.ts keeps the web app's dist current.
 *
 * `expoExport` is also what bench/bundleSize.ts runs for each platform.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const MOBILE_DIR = join(REPO_ROOT, 'clients', 'mobile');

/** Everything that changes the exported bundle (generated operation types live in operations/src). */
const INPUTS = [
  'clients/mobile/src',
  'clients/mobile/index.ts',
  'clients/mobile/app.json',
  'clients/mobile/babel.config.js',
  'clients/mobile/metro.config.js',
  'clients/mobile/package.json',
  'clients/operations/src',
  'clients/operations/package.json',
  'package-lock.json',
];
const EXPORT_PREFIX = 'learncraft-mobile-web-';
/** Exports of other source states are left for a day: another worktree's run may be serving one. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export type ExportPlatform = 'web' | 'android' | 'ios';

function filesBelow(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesBelow(join(path, name)));
}

/** A short hash of the export's inputs: paths and contents, in a stable order. */
export function exportSourceHash(): string {
  const hash = createHash('sha256');
  for (const input of INPUTS)
    for (const file of filesBelow(join(REPO_ROOT, input))) {
      hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Runs `expo export` for one platform into `outputDir` and returns Expo's output; throws with that
 * output when the export fails. The environment is made hermetic: no `EXPO_PUBLIC_*` variable and
 * no `.env` file reaches the bundle (so the web export calls `/graphql` on its own origin), no
 * prompt, no telemetry (this machine is offline).
 */
export function expoExport(
  platform: ExportPlatform,
  outputDir: string,
  options: { bytecode?: boolean; sourceMaps?: boolean } = {},
): string {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', EXPO_NO_DOTENV: '1', EXPO_NO_TELEMETRY: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('EXPO_PUBLIC_')) delete env[name];
  // The CLI `npx expo` would run, started with this Node so no PATH lookup is involved.
  const cli = require.resolve('expo/bin/cli', { paths: [MOBILE_DIR] });
  const args = ['export', '--platform', platform, '--output-dir', outputDir];
  if (options.bytecode === false) args.push('--no-bytecode');
  if (options.sourceMaps) args.push('--source-maps');
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: MOBILE_DIR,
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0)
    throw new Error(
      `expo ${args.join(' ')} failed (${result.error?.message ?? result.signal ?? `exit ${result.status}`}):\n${output}`,
    );
  return output;
}

function pruneStaleExports(keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(EXPORT_PREFIX)) continue;
    const path = join(tmpdir(), name);
    if (path === keep) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by another run: nothing to do.
    }
  }
}

/**
 * The directory of a web export of the current sources: reused when one exists, built otherwise.
 * The export is written to a staging directory and renamed into place, so an interrupted build is
 * never mistaken for a finished one.
 */
export function ensureWebExport(): string {
  const dir = join(tmpdir(), `${EXPORT_PREFIX}${exportSourceHash()}`);
  if (existsSync(join(dir, 'index.html'))) {
    const now = new Date();
    utimesSync(dir, now, now);
    return dir;
  }
  const staging = `${dir}.${process.pid}.partial`;
  rmSync(staging, { recursive: true, force: true });
  console.log('LearnCraft mobile: exporting the app for the web (first run, or its sources changed)...');
  expoExport('web', staging);
  if (!existsSync(join(staging, 'index.html')))
    throw new Error(`expo export wrote no index.html in ${staging}`);
  if (existsSync(join(dir, 'index.html'))) rmSync(staging, { recursive: true, force: true });
  else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  pruneStaleExports(dir);
  return dir;
}
