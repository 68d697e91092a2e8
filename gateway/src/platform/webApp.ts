/**
 * Keeps clients/web/dist in step with its sources (its own and the shared clients/operations):
 * `npm start` (and the browser tests) build the web app on first use and whenever a source file
 * is newer than the build. Builds are serialised across processes by a lock directory: the browser
 * suites run in parallel Jest workers, and a second build would empty dist/ while the first
 * suite's gateway serves it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = [
  'src',
  'public',
  'index.html',
  'vite.config.mts',
  'package.json',
  '../operations/src',
  '../operations/package.json',
];

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

/** A build older than this holds a lock its process can no longer be running. */
const STALE_LOCK_MS = 10 * 60_000;
const LOCK_POLL_MS = 250;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `work` holding the build lock (mkdir is atomic), waiting for another process's build first. */
function withBuildLock<T>(webDir: string, work: () => T): T {
  const lock = join(webDir, '.build-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else sleepSync(LOCK_POLL_MS);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the web app when it is missing or stale; false when the build failed. */
export function ensureWebApp(repoRoot: string): boolean {
  const webDir = join(repoRoot, 'clients', 'web');
  if (webAppIsCurrent(webDir)) return true;
  return withBuildLock(webDir, () => {
    // Another process may have built it while this one waited.
    if (webAppIsCurrent(webDir)) return true;
    console.log('LearnCraft: building the web app (first start, or its sources changed)...');
    const result = spawnSync('npm', ['run', 'build', '-w', '@learncraft/web'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    return result.status === 0;
  });
}
