/**
 * `Database.snapshot` and `restoreSnapshot` on file-backed PGlite (what `npm run backup` and
 * `npm run restore` use): a snapshot taken while writes keep coming holds every write that was
 * acknowledged before it, and restores into a new directory that opens as a database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, restoreSnapshot } from '../src';

const dir = mkdtempSync(join(tmpdir(), 'kit-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PGlite snapshots', () => {
  it('restore every write acknowledged before the snapshot, even with writes in flight', async () => {
    const db = await openDatabase({ location: { pgliteDir: join(dir, 'source') } });
    await db.query('CREATE TABLE marks (id int PRIMARY KEY)');
    for (let id = 1; id <= 50; id += 1) await db.query('INSERT INTO marks VALUES ($1)', [id]);
    // More writes race the snapshot: whichever it sees, those before it are all there.
    const racing = Promise.all(
      Array.from({ length: 50 }, (_, i) => db.query('INSERT INTO marks VALUES ($1)', [51 + i])),
    );
    const snapshot = await db.snapshot();
    await racing;
    await db.close();
    if (!snapshot) throw new Error('PGlite gave no snapshot');

    await restoreSnapshot(join(dir, 'restored'), snapshot);
    const restored = await openDatabase({ location: { pgliteDir: join(dir, 'restored') } });
    const rows = await restored.query<{ id: number }>('SELECT id FROM marks ORDER BY id');
    await restored.close();
    const ids = rows.map((row) => row.id);
    expect(ids.slice(0, 50)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // The racing writes it holds are a prefix of them, in order: nothing half-written.
    expect(ids.slice(50)).toEqual(Array.from({ length: ids.length - 50 }, (_, i) => 51 + i));
  });

  it('is null on a real PostgreSQL server (backed up with pg_dump instead)', async () => {
    const db = await openDatabase({ location: { url: 'postgres://postgres@127.0.0.1:5432/test' } });
    try {
      expect(await db.snapshot()).toBeNull();
    } finally {
      await db.close();
    }
  });
});
