/**
 * Part of `npm run bench:journey`: the catalog store's reads of benchmark-sized courses (fifty
 * lessons with transcripts and markdown) with its parsed-document cache off and on, side by side
 * in one process so machine load affects both alike: a course by slug (course and lesson pages)
 * and a page of twelve (home, search). On in-memory PGlite and on a PostgreSQL database of its own.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase, type Database } from '@learncraft/kit';
import { createEmbeddedCourseStore, migrateCatalog } from '@learncraft/catalog/src/stores/embedded';
import { benchCourse } from './catalogData';

const COURSES = 24;
const SLUG_READS = 200;
const PAGE_READS = 100;

async function measure(label: string, db: Database, log: (line: string) => void) {
  await migrateCatalog(db);
  const writer = createEmbeddedCourseStore(db, { cachedDocuments: 0 });
  const slugs: string[] = [];
  for (let i = 0; i < COURSES; i += 1) {
    const course = benchCourse(i, '00000000-0000-4000-8000-000000000001', {
      modulesPerCourse: 5,
      lessonsPerModule: 10,
    });
    slugs.push((await writer.create(course)).slug);
  }
  const bytes = JSON.stringify(await writer.bySlug(slugs[0]!)).length;
  const stores = {
    uncached: createEmbeddedCourseStore(db, { cachedDocuments: 0 }),
    cached: createEmbeddedCourseStore(db),
  };
  const figures: Record<string, { slug: number; page: number }> = {};
  // Two rounds: the first warms both (and fills the cache), the second is reported.
  for (let round = 0; round < 2; round += 1) {
    for (const [name, store] of Object.entries(stores)) {
      let started = performance.now();
      for (let i = 0; i < SLUG_READS; i += 1) await store.bySlug(slugs[i % slugs.length]!);
      const slug = (performance.now() - started) / SLUG_READS;
      started = performance.now();
      for (let i = 0; i < PAGE_READS; i += 1)
        await store.list(
          { audience: { kind: 'published' } },
          { field: 'PUBLISHED_AT', direction: 'DESC' },
          { offset: 0, limit: 12 },
        );
      figures[name] = { slug, page: (performance.now() - started) / PAGE_READS };
    }
  }
  const { uncached, cached } = figures as Record<'uncached' | 'cached', { slug: number; page: number }>;
  log(
    `${label} (course of ${(bytes / 1024).toFixed(0)} KiB): course by slug ${uncached.slug.toFixed(2)} -> ${cached.slug.toFixed(2)} ms (${(uncached.slug / cached.slug).toFixed(1)}x); page of 12 ${uncached.page.toFixed(2)} -> ${cached.page.toFixed(2)} ms (${(uncached.page / cached.page).toFixed(1)}x)`,
  );
}

/** Prints the cache's effect on one store read; `postgresRoot` is a server's maintenance database URL. */
export async function measureStoreReads(postgresRoot: string | null, log: (line: string) => void) {
  log('catalog store reads, document cache off -> on:');
  const memory = await openDatabase({ location: { memory: true } });
  try {
    await measure('  PGlite', memory, log);
  } finally {
    await memory.close();
  }
  if (!postgresRoot) return;
  const name = `lc_bench_store_${process.pid}`;
  const admin = new pg.Client({ connectionString: postgresRoot });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(postgresRoot);
  url.pathname = `/${name}`;
  const db = await openDatabase({ location: { url: url.toString() } });
  try {
    await measure('  PostgreSQL', db, log);
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module) {
  measureStoreReads(
    process.env.JOURNEY_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    console.log,
  ).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
