/**
 * `npm run restore -- <dir>`: restores a backup made by `npm run backup` into DATA_DIR while the
 * platform is stopped. The current data directory is never deleted: it is moved aside to
 * `<DATA_DIR>.before-restore-<timestamp>` first. Every snapshot's checksum is verified before
 * anything moves. See README: Backup and recovery.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { restoreSnapshot } from '@learncraft/kit';
import { EMBEDDED_SERVICES, FORMAT, MANIFEST, settingsFrom, type Manifest } from './services';

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const from = process.argv[2];
  if (!from) throw new Error('Usage: npm run restore -- <backup directory>');
  const dir = resolve(from);
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) throw new Error(`${dir} holds no ${MANIFEST}: not a LearnCraft backup.`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  if (manifest.format !== FORMAT) throw new Error(`Backup format ${manifest.format} is not ${FORMAT}.`);

  const snapshots = Object.entries(manifest.services).map(([name, entry]) => {
    const data = readFileSync(join(dir, entry.file));
    const sha256 = createHash('sha256').update(data).digest('hex');
    if (data.length !== entry.bytes || sha256 !== entry.sha256)
      throw new Error(`${entry.file} does not match its checksum: the backup is damaged.`);
    return { name, data };
  });

  const settings = settingsFrom(process.env);
  for (const { name } of EMBEDDED_SERVICES) {
    if (await answers(`http://${settings.host}:${settings.portOf(name)}/health/live`))
      throw new Error(`${name} is running: stop the platform before restoring.`);
  }

  if (existsSync(settings.dataDir) && readdirSync(settings.dataDir).length > 0) {
    const aside = `${settings.dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(settings.dataDir, aside);
    process.stdout.write(`the data directory was moved aside to ${aside}\n`);
  }
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  for (const entry of manifest.files) {
    cpSync(join(dir, 'files', entry), join(settings.dataDir, entry), {
      recursive: true,
      preserveTimestamps: true,
    });
  }
  for (const { name, data } of snapshots) {
    await restoreSnapshot(join(settings.dataDir, name), new Blob([data]));
    process.stdout.write(`${name}: restored\n`);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `restored ${dir} into ${settings.dataDir} in ${seconds} s; start the platform with npm start\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`restore failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
