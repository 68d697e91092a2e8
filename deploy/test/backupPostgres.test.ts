/**
 * The PostgreSQL backup procedure of the README (Backup and recovery), run as written against the
 * real server on 127.0.0.1: every subgraph's schema migrated in a fresh database, a learner and an
 * enrolment written, `pg_dump` of the six schemas, a write after the dump, the schemas lost, then
 * `pg_restore` — the acknowledged rows come back and the later write does not (that is the RPO).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '@learncraft/kit';
import { createTestDatabase, type TestDatabase } from '@learncraft/kit/testing';

const REPO_ROOT = join(__dirname, '..', '..');
const SCHEMAS = ['identity', 'catalog', 'progress', 'labs', 'ai', 'commerce'];

let database: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'learncraft-pgdump-'));

beforeAll(async () => {
  database = await createTestDatabase('postgres');
  for (const schema of SCHEMAS)
    await migrate(database.db, schema, join(REPO_ROOT, 'subgraphs', schema, 'migrations'));
});

afterAll(async () => {
  await database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the PostgreSQL backup procedure', () => {
  it('restores every row written before pg_dump and nothing written after it', async () => {
    const { db } = database;
    const url = database.url!;
    const kept = randomUUID();
    const later = randomUUID();
    await db.query(
      `INSERT INTO identity.users (id, email, password_hash, display_name) VALUES ($1, 'kept@example.com', 'x', 'Kept')`,
      [kept],
    );
    await db.query(`INSERT INTO progress.enrollments (id, user_id, course_id) VALUES ($1, $2, 'course-1')`, [
      randomUUID(),
      kept,
    ]);

    const file = join(dir, 'learncraft.dump');
    execFileSync('pg_dump', [
      '--format=custom',
      ...SCHEMAS.map((schema) => `--schema=${schema}`),
      `--file=${file}`,
      url,
    ]);
    await db.query(
      `INSERT INTO identity.users (id, email, password_hash, display_name) VALUES ($1, 'later@example.com', 'x', 'Later')`,
      [later],
    );
    for (const schema of SCHEMAS) await db.query(`DROP SCHEMA ${schema} CASCADE`);

    execFileSync('pg_restore', ['--clean', '--if-exists', '--no-owner', `--dbname=${url}`, file]);
    expect(await db.query('SELECT email, display_name FROM identity.users ORDER BY email')).toEqual([
      { email: 'kept@example.com', display_name: 'Kept' },
    ]);
    expect(await db.query('SELECT user_id, course_id FROM progress.enrollments')).toEqual([
      { user_id: kept, course_id: 'course-1' },
    ]);
    // The migrations are recorded as applied, so the services start on the restored schemas as they are.
    for (const schema of SCHEMAS)
      expect(await migrate(db, schema, join(REPO_ROOT, 'subgraphs', schema, 'migrations'))).toEqual([]);
  });
});
