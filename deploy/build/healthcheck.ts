/**
 * The image's health probe (`node deploy/dist/healthcheck.js [path]`, compiled by `npm run
 * build:services`): node:20-bookworm-slim has no curl or wget. Exits 0 when the service in this
 * container answers `path` (default `/health/live`) with a 2xx, 1 otherwise.
 *
 * The port is `PORT` when set, else the default port of the service the container runs, read
 * from its command line (`node subgraphs/catalog/dist/main.js` -> 4002), so
 * `docker run learncraft node subgraphs/<name>/dist/main.js` is probed right without settings.
 */
import { readFileSync } from 'node:fs';

/** The default ports (ARCHITECTURE.md), the same each service's config.ts falls back to. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  gateway: 4000,
  identity: 4001,
  catalog: 4002,
  progress: 4003,
  labs: 4004,
  ai: 4005,
  commerce: 4006,
};

/** The service a command line runs (`.../subgraphs/labs/dist/main.js` -> labs), if any. */
export function serviceOfCommand(commandLine: string): string | undefined {
  const match = /(?:^|[\s/])(?:gateway|subgraphs\/([a-z]+))\/dist\/main\.js/.exec(commandLine);
  if (!match) return undefined;
  return match[1] ?? 'gateway';
}

export function probePort(env: Record<string, string | undefined>, commandLine: string): number {
  if (env.PORT && env.PORT.trim() !== '') return Number(env.PORT);
  return DEFAULT_PORTS[serviceOfCommand(commandLine) ?? 'gateway'] ?? DEFAULT_PORTS.gateway!;
}

function containerCommand(): string {
  try {
    return readFileSync('/proc/1/cmdline', 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const path = process.argv[2] ?? '/health/live';
  const port = probePort(process.env, containerCommand());
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4_000) });
    process.exit(response.ok ? 0 : 1);
  } catch {
    process.exit(1);
  }
}

if (require.main === module) void main();
