/**
 * `npm run backup [-- <dir>]`: backs up a running embedded platform (`npm start`) into `<dir>`
 * (default `backups/<timestamp>`): one snapshot per subgraph database, taken by the subgraph itself
 * between two statements, and the generated secrets and keys. Exits non-zero, naming the service,
 * when one cannot be backed up. See README: Backup and recovery.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INTERNAL_HEADER } from '@learncraft/kit';
import {
  EMBEDDED_SERVICES,
  FILE_DIRECTORIES,
  FORMAT,
  MANIFEST,
  settingsFrom,
  type Manifest,
} from './services';

async function main(): Promise<void> {
  const started = performance.now();
  const settings = settingsFrom(process.env);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const out = resolve(process.argv[2] ?? join('backups', stamp));
  if (existsSync(out) && readdirSync(out).length > 0)
    throw new Error(`${out} is not empty: choose a new directory.`);
  mkdirSync(out, { recursive: true });
  const secret = settings.internalSecret();
  const manifest: Manifest = { format: FORMAT, createdAt: new Date().toISOString(), services: {}, files: [] };

  for (const { name } of EMBEDDED_SERVICES) {
    const url = `http://${settings.host}:${settings.portOf(name)}/internal/backup`;
    const response = await fetch(url, {
      headers: { [INTERNAL_HEADER]: secret },
      signal: AbortSignal.timeout(120_000),
    }).catch((error: unknown) => {
      throw new Error(
        `${name} did not answer at ${url} (${String((error as Error).cause ?? error)}): is the platform running?`,
      );
    });
    if (response.status === 409) {
      const { message } = (await response.json()) as { message: string };
      process.stdout.write(`${name}: skipped: ${message}\n`);
      continue;
    }
    if (!response.ok) throw new Error(`${name} refused the backup with HTTP ${response.status}.`);
    const body = Buffer.from(await response.arrayBuffer());
    const file = `${name}.tar.gz`;
    writeFileSync(join(out, file), body);
    manifest.services[name] = {
      file,
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    process.stdout.write(`${name}: ${(body.length / 1024 / 1024).toFixed(1)} MiB\n`);
  }

  // Generated secrets (top-level files) and identity's keys: written once, copied as they are.
  const topFiles = existsSync(settings.dataDir)
    ? readdirSync(settings.dataDir).filter((entry) => statSync(join(settings.dataDir, entry)).isFile())
    : [];
  for (const entry of [...topFiles, ...FILE_DIRECTORIES]) {
    const from = join(settings.dataDir, entry);
    if (!existsSync(from)) continue;
    cpSync(from, join(out, 'files', entry), { recursive: true, preserveTimestamps: true });
    manifest.files.push(entry);
  }
  writeFileSync(join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  const mib = Object.values(manifest.services).reduce((sum, entry) => sum + entry.bytes, 0) / 1024 / 1024;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`backup written to ${out} (${mib.toFixed(1)} MiB in ${seconds} s)\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
