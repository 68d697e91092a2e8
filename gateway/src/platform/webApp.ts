/**
 * Keeps clients/web/dist in step with its sources: `npm start` (and the browser tests) build the
 * web app on first use and whenever a source file is newer than the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['src', 'public', 'index.html', 'vite.config.mts', 'package.json', 'codegen.ts'];

/** Newest modification time below `path`, skipping generated code. */
function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(
    info.mtimeMs,
    ...readdirSync(path)
      .filter((name) => name !== 'generated')
      .map((name) => newestMtime(join(path, name))),
  );
}

export function webAppIsCurrent(webDir: string): boolean {
  const built = join(webDir, 'dist', 'index.html');
  if (!existsSync(built)) return false;
  const sources = SOURCES.map((name) => join(webDir, name)).filter((path) => existsSync(path));
  return statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime));
}

/** Builds the web app when it is missing or stale; false when the build failed. */
export function ensureWebApp(repoRoot: string): boolean {
  const webDir = join(repoRoot, 'clients', 'web');
  if (webAppIsCurrent(webDir)) return true;
  console.log('LearnCraft: building the web app (first start, or its sources changed)...');
  const result = spawnSync('npm', ['run', 'build', '-w', '@learncraft/web'], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  return result.status === 0;
}
