/**
 * What `npm run backup` / `npm run restore` cover on embedded defaults: each subgraph's PGlite
 * data directory (`<DATA_DIR>/<name>`, taken through its `GET /internal/backup` while it runs) and
 * the small files the platform generates once (shared secrets at the top of DATA_DIR, identity's
 * signing keys under `keys/`, which also encrypt webhook signing secrets).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SECRET_FILES } from '@learncraft/kit';
import { KNOWN_SUBGRAPHS } from '../../schema/subgraphs';

/** Every subgraph keeps an embedded database by default: backed up in start order (identity first). */
export const EMBEDDED_SERVICES = KNOWN_SUBGRAPHS;

/** Directories under DATA_DIR copied as files (written once, never while a request runs). */
export const FILE_DIRECTORIES = ['keys'];

export const MANIFEST = 'manifest.json';
export const FORMAT = 1;

export interface Manifest {
  format: number;
  createdAt: string;
  services: Record<string, { file: string; bytes: number; sha256: string }>;
  /** Paths relative to DATA_DIR, stored under `files/`. */
  files: string[];
}

export interface Settings {
  dataDir: string;
  host: string;
  portOf(service: string): number;
  internalSecret(): string;
}

/** The same variables `npm start` reads: DATA_DIR, `<SERVICE>_PORT`, INTERNAL_API_SECRET. */
export function settingsFrom(env: NodeJS.ProcessEnv): Settings {
  const dataDir = resolve(env.DATA_DIR ?? '.data');
  return {
    dataDir,
    host: env.BACKUP_HOST ?? '127.0.0.1',
    portOf: (service) => {
      const fallback = EMBEDDED_SERVICES.find((s) => s.name === service)?.port;
      return Number(env[`${service.toUpperCase()}_PORT`] ?? fallback);
    },
    internalSecret: () => {
      if (env.INTERNAL_API_SECRET) return env.INTERNAL_API_SECRET;
      const file = join(dataDir, SECRET_FILES.internal);
      if (!existsSync(file))
        throw new Error(`No INTERNAL_API_SECRET and no ${file}: is DATA_DIR the platform's data directory?`);
      return readFileSync(file, 'utf8').trim();
    },
  };
}
