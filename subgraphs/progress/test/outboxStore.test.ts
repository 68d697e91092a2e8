/** The outbox store's leases, back-off and clean-up, on every database flavour. */
import { migrate } from '@learncraft/kit';
import { createTestDatabase, DATABASE_FLAVOURS, type TestDatabase } from '@learncraft/kit/testing';
import { MIGRATIONS_DIR } from '../src/server';
import { createOutboxStore, writeOutbox, type OutboxStore } from '../src/stores/outboxStore';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DATABASE_FLAVOURS)('outbox store on %s', (flavour) => {
  let test: TestDatabase;
  let store: OutboxStore;
  beforeAll(async () => {
    test = await createTestDatabase(flavour);
    await migrate(test.db, 'progress', MIGRATIONS_DIR);
    store = createOutboxStore(test.db);
  });
  afterAll(() => test.dispose());
  beforeEach(() => test.db.query('DELETE FROM progress.outbox'));

  const write = (...names: string[]) =>
    test.db.drizzle.transaction((tx) =>
      writeOutbox(
        tx,
        names.map((name) => ({ topic: 't', payload: { name } })),
      ),
    );
  const names = (rows: { payload: unknown }[]) => rows.map((row) => (row.payload as { name: string }).name);

  it('a leased row is not claimed by another relay until its lease runs out', async () => {
    await write('a', 'b');
    expect(names(await store.claim('one', 10, 300))).toEqual(['a', 'b']);
    expect(await store.claim('two', 10, 300)).toEqual([]);
    await sleep(400);
    expect(names(await store.claim('two', 10, 300))).toEqual(['a', 'b']);
    // The first relay's lease is gone: what it marks now changes nothing.
    await store.markPublished(
      'one',
      (await store.claim('three', 10, 0)).map((row) => row.id),
    );
    expect(await store.unpublishedCount()).toBe(2);
  });

  it('claims oldest first within the limit, and released rows are claimable at once', async () => {
    await write('a', 'b', 'c');
    const first = await store.claim('one', 2, 60_000);
    expect(names(first)).toEqual(['a', 'b']);
    await store.release('one', [first[1]!.id]);
    expect(names(await store.claim('two', 10, 60_000))).toEqual(['b', 'c']);
  });

  it('a failed row waits out its back-off, counting attempts, and a published one is never claimed again', async () => {
    await write('a', 'b');
    const [a, b] = await store.claim('one', 10, 60_000);
    await store.markFailed('one', a!.id, 'HTTP 503', 300);
    await store.markPublished('one', [b!.id]);
    expect(await store.claim('one', 10, 60_000)).toEqual([]);
    await sleep(400);
    const [again] = await store.claim('one', 10, 60_000);
    expect(again).toMatchObject({ id: a!.id, attempts: 1, lastError: 'HTTP 503', publishedAt: null });
    expect(await store.unpublishedCount()).toBe(1);
  });

  it('published rows older than the retention are deleted, unpublished ones never', async () => {
    await write('a', 'b');
    const [a] = await store.claim('one', 1, 60_000);
    await store.markPublished('one', [a!.id]);
    expect(await store.purgePublished(60_000)).toBe(0);
    await sleep(50);
    expect(await store.purgePublished(10)).toBe(1);
    expect(await store.unpublishedCount()).toBe(1);
  });
});
