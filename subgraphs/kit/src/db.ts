/**
 * One PostgreSQL port for every subgraph: a real server through `pg` when a URL is given,
 * otherwise PGlite (file-backed under the data directory, or in memory for tests). Both are used
 * through drizzle-orm; checked-in SQL migrations are applied on start.
 */
import { readdir, readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export type Drizzle = PgDatabase<PgQueryResultHKT>;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly drizzle: Drizzle;
  /** Raw parameterised SQL, for the few statements drizzle does not express well. */
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction; `exec` takes whole scripts (several statements, no params). */
  script<T>(work: (exec: ScriptRunner) => Promise<T>): Promise<T>;
  /**
   * Embedded (PGlite) only: the whole data directory as a gzipped tarball, taken between two
   * statements (PGlite runs one at a time), so it is what a crash at that instant would leave and
   * PostgreSQL's recovery makes it consistent; `null` on a real server (pg_dump, README: Backup).
   */
  snapshot(): Promise<Blob | null>;
  close(): Promise<void>;
}

export type ScriptRunner = (sql: string) => Promise<Record<string, unknown>[]>;

export type DatabaseLocation =
  | { url: string }
  | { pgliteDir: string }
  /** `template`: an initialised data directory (PGlite's dumpDataDir) to start from instead of initdb. */
  | { memory: true; template?: Blob };

export interface OpenDatabaseOptions {
  location: DatabaseLocation;
  metrics?: Metrics;
  logger?: Logger;
  /** Pool size for a real server. */
  maxConnections?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const { location, metrics } = options;
  const countQuery = () => metrics?.inc('db_queries_total');
  const drizzleLogger = { logQuery: countQuery };

  if ('url' in location) {
    const pool = new pg.Pool({ connectionString: location.url, max: options.maxConnections ?? 10 });
    pool.on('error', (error) => options.logger?.error('idle PostgreSQL client failed', { error }));
    return {
      kind: 'postgres',
      drizzle: drizzlePg({ client: pool, logger: drizzleLogger }) as unknown as Drizzle,
      async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
        countQuery();
        return (await pool.query<Row>(sql, params)).rows;
      },
      async script(work) {
        const connection = await pool.connect();
        try {
          await connection.query('BEGIN');
          const result = await work(async (text) => {
            countQuery();
            const out = (await connection.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
            return (Array.isArray(out) ? (out.at(-1)?.rows ?? []) : out.rows) as Record<string, unknown>[];
          });
          await connection.query('COMMIT');
          return result;
        } catch (error) {
          await connection.query('ROLLBACK').catch(() => undefined);
          throw error;
        } finally {
          connection.release();
        }
      },
      snapshot: () => Promise.resolve(null),
      close: () => pool.end(),
    };
  }

  let client: PGlite;
  if ('pgliteDir' in location) {
    await mkdir(location.pgliteDir, { recursive: true });
    client = await PGlite.create(location.pgliteDir);
  } else {
    client = await PGlite.create(location.template ? { loadDataDir: location.template } : undefined);
  }
  return {
    kind: 'pglite',
    drizzle: drizzlePglite({ client, logger: drizzleLogger }) as unknown as Drizzle,
    async query(sql, params) {
      countQuery();
      return (await client.query(sql, params as unknown[])).rows as never;
    },
    script: (work) =>
      client.transaction((tx) =>
        work(async (text) => {
          countQuery();
          const rows: Record<string, unknown>[] = (await tx.exec(text)).at(-1)?.rows ?? [];
          return rows;
        }),
      ),
    snapshot: () => client.dumpDataDir('gzip'),
    close: () => client.close(),
  };
}

/**
 * Writes a snapshot (`Database.snapshot`) into `dir` as a PGlite data directory; `dir` must not
 * hold one yet (restores go into a fresh data directory: deploy/backup/restore.ts).
 */
export async function restoreSnapshot(dir: string, snapshot: Blob): Promise<void> {
  await mkdir(dir, { recursive: true });
  const client = await PGlite.create(dir, { loadDataDir: snapshot });
  await client.query('SELECT 1');
  await client.close();
}

/**
 * Applies `NNNN_name.sql` files from `dir` in order, each once, each in its own transaction,
 * recording them in `<schema>.schema_migrations`. Concurrent starters on a real server serialise
 * on an advisory lock, so two replicas never apply the same file twice.
 */
export async function migrate(db: Database, schema: string, dir: string, logger?: Logger): Promise<string[]> {
  const files = (await readdir(dir)).filter((file) => /^\d{4}_.+\.sql$/.test(file)).sort();
  const applied: string[] = [];
  const ident = `"${schema.replace(/"/g, '""')}"`;
  await db.script(async (exec) => {
    if (db.kind === 'postgres') await exec(`SELECT pg_advisory_xact_lock(hashtext('migrate:${schema}'))`);
    await exec(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
    await exec(
      `CREATE TABLE IF NOT EXISTS ${ident}.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
  });
  for (const file of files) {
    const sql = await readFile(join(dir, file), 'utf8');
    const didApply = await db.script(async (exec) => {
      if (db.kind === 'postgres') await exec(`SELECT pg_advisory_xact_lock(hashtext('migrate:${schema}'))`);
      const seen = await exec(`SELECT 1 FROM ${ident}.schema_migrations WHERE name = '${file}'`);
      if (seen.length > 0) return false;
      await exec(sql);
      await exec(`INSERT INTO ${ident}.schema_migrations (name) VALUES ('${file}')`);
      return true;
    });
    if (didApply) {
      applied.push(file);
      logger?.info(`applied migration ${schema}/${file}`);
    }
  }
  return applied;
}

/** A readiness probe for `startSubgraph({ ready })`: the database answers a trivial query. */
export function databaseReady(db: Database): () => Promise<void> {
  return async () => {
    await db.query('select 1');
  };
}
