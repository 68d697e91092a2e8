import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../src/db';
import { DATABASE_FLAVOURS, createTestDatabase, type TestDatabase } from '../src/testing';

describe.each(DATABASE_FLAVOURS)('database port on %s', (flavour) => {
  let test: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(flavour);
    dir = await mkdtemp(join(tmpdir(), 'lc-migrations-'));
    await writeFile(
      join(dir, '0001_init.sql'),
      "CREATE TABLE demo.items (id int PRIMARY KEY, name text NOT NULL);\nINSERT INTO demo.items VALUES (1, 'one');",
    );
    await writeFile(join(dir, '0002_more.sql'), 'ALTER TABLE demo.items ADD COLUMN note text;');
  });
  afterAll(async () => {
    await test.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies each migration once, in order, and records it', async () => {
    expect(await migrate(test.db, 'demo', dir)).toEqual(['0001_init.sql', '0002_more.sql']);
    expect(await migrate(test.db, 'demo', dir)).toEqual([]);
    const rows = await test.db.query<{ id: number; name: string; note: string | null }>(
      'SELECT * FROM demo.items',
    );
    expect(rows).toEqual([{ id: 1, name: 'one', note: null }]);
  });

  it('rolls a failing migration back whole', async () => {
    await writeFile(
      join(dir, '0003_broken.sql'),
      "INSERT INTO demo.items VALUES (2, 'two');\nSELECT no_such_function();",
    );
    await expect(migrate(test.db, 'demo', dir)).rejects.toThrow(/no_such_function/);
    expect(await test.db.query('SELECT id FROM demo.items ORDER BY id')).toEqual([{ id: 1 }]);
    expect(
      await test.db.query("SELECT name FROM demo.schema_migrations WHERE name = '0003_broken.sql'"),
    ).toEqual([]);
  });

  it('counts queries in metrics', async () => {
    const before = test.metrics.get('db_queries_total');
    await test.db.query('SELECT 1');
    expect(test.metrics.get('db_queries_total')).toBe(before + 1);
  });
});
