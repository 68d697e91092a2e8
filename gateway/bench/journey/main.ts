/**
 * `npm run bench:journey`: the web and mobile apps' own operations (their persisted documents)
 * through the gateway, on a realistic catalog (1,000 courses, 50,000 lessons, 10,000 learners by
 * default), at 50 concurrent for a fixed time per operation — first on embedded defaults (PGlite,
 * in-memory pub/sub), then on PostgreSQL + Redis. Prints per operation: RPS, p50/p95/p99 against
 * the targets (reads p95 <= 20 ms, writes p95 <= 50 ms), CPU milliseconds per request of each
 * service (from /proc) and database queries per request (each service's `db_queries_total`).
 *
 * First, the catalog store's reads with its document cache off and on, side by side (storeReads.ts).
 *
 * Environment: JOURNEY_SECONDS (per operation, default 8), JOURNEY_CONCURRENCY (50),
 * JOURNEY_STORES (`embedded,postgres`), JOURNEY_COURSES / JOURNEY_LEARNERS (data size),
 * JOURNEY_OPERATIONS (comma-separated names, default all), JOURNEY_POSTGRES_URL (server root,
 * default postgres://postgres@127.0.0.1:5432/postgres), JOURNEY_REDIS_URL (redis://127.0.0.1:6379).
 * JOURNEY_PROFILE=1 runs every service under `--cpu-prof` and prints, per operation and service,
 * the functions with the most self time (profile.ts); profiles and the report are kept under
 * `.profiles/journey-<time>/` (git-ignored). Profiling adds CPU: compare its figures with each other.
 * Bounded in time; targets only 127.0.0.1; asserts nothing; drops what it created.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createAccessTokenSigner, loadOrCreateSigningKey } from '@learncraft/identity/src/keys';
import { FULL_SIZE, generateJourneyData, type JourneyData, type JourneyStore } from './generate';
import { SERVICES, startPlatform, type Platform, type ServiceName } from './platform';
import { formatProfileReport, monotonicUs, profilesIn, type ProfileWindow } from './profile';
import { measureStoreReads } from './storeReads';

const REPO = resolve(__dirname, '../../..');
const MANIFEST = join(REPO, 'clients/operations/src/generated/persisted-documents.json');
const SECONDS = Number(process.env.JOURNEY_SECONDS ?? 8);
const WARMUP_SECONDS = 1;
const CONCURRENCY = Number(process.env.JOURNEY_CONCURRENCY ?? 50);
const STORES = (process.env.JOURNEY_STORES ?? 'embedded,postgres').split(',').map((s) => s.trim());
const PROFILE_ROOT = ['1', 'true'].includes(process.env.JOURNEY_PROFILE ?? '')
  ? join(REPO, '.profiles', `journey-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  : null;
const SIGNED_IN_LEARNERS = 1_000;
const READ_TARGET_MS = 20;
const WRITE_TARGET_MS = 50;

interface Operation {
  name: string;
  document: string;
  kind: 'read' | 'write';
  /** Variables for one request by `learner` (an index into the data's learners). */
  variables(learner: number, sequence: number): Record<string, unknown>;
}

/** The apps' persisted documents by operation name. */
function manifestIds(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;
  const byName = new Map<string, string>();
  for (const [id, document] of Object.entries(manifest)) {
    const name = /^(?:query|mutation)\s+(\w+)/.exec(document)?.[1];
    if (name) byName.set(name, id);
  }
  return byName;
}

function operations(data: JourneyData): Operation[] {
  const ids = manifestIds();
  const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;
  const enrolledCourse = (learner: number, sequence: number) => {
    const { enrolledCourseIndexes } = data.learners[learner]!;
    return data.courses[pick(enrolledCourseIndexes, sequence)]!;
  };
  const op = (name: string, kind: Operation['kind'], variables: Operation['variables']): Operation => {
    const document = ids.get(name);
    if (!document) throw new Error(`the apps' manifest has no operation ${name}`);
    return { name, document, kind, variables };
  };
  return [
    op('Home', 'read', () => ({})),
    // As you type: the prefixes of a term, two characters and up.
    op('CourseSearch', 'read', (_learner, sequence) => {
      const term = pick(data.searchTerms, Math.floor(sequence / 8));
      return { query: term.slice(0, Math.min(term.length, 2 + (sequence % 8))), first: 12 };
    }),
    op('CoursePage', 'read', (learner, sequence) => ({
      slug: pick(data.courses, learner * 7 + sequence).slug,
    })),
    op('LessonPage', 'read', (learner, sequence) => {
      const course = enrolledCourse(learner, sequence);
      return { slug: course.slug, lessonId: pick(course.allLessonIds, sequence) };
    }),
    op('Dashboard', 'read', () => ({})),
    op('VideoProgressRecord', 'write', (learner, sequence) => {
      const lesson = pick(enrolledCourse(learner, sequence).videoLessonIds, sequence);
      return { input: { lessonId: lesson.id, positionSeconds: (sequence * 5) % lesson.durationSeconds } };
    }),
    op('QuizSubmit', 'write', (learner, sequence) => {
      const quiz = pick(enrolledCourse(learner, sequence).quizzes, sequence);
      return { input: { lessonId: quiz.id, answers: quiz.answers, idempotencyKey: randomUUID() } };
    }),
    op('LessonComplete', 'write', (learner, sequence) => ({
      input: { lessonId: pick(enrolledCourse(learner, sequence).readingLessonIds, sequence) },
    })),
  ];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

interface Result {
  name: string;
  kind: Operation['kind'];
  requests: number;
  errors: number;
  firstError: string | null;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  cpuMsPerRequest: Record<ServiceName, number>;
  queriesPerRequest: number;
  queriesByService: Partial<Record<ServiceName, number>>;
  /** The measured window on the monotonic clock, to pick this operation's profile samples. */
  window: ProfileWindow;
}

async function runOperation(platform: Platform, operation: Operation, tokens: string[]): Promise<Result> {
  let sequence = 0;
  let errors = 0;
  let firstError: string | null = null;
  const latencies: number[] = [];
  const request = async (record: boolean) => {
    const n = sequence++;
    const learner = n % tokens.length;
    const started = performance.now();
    try {
      const response = await fetch(platform.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokens[learner]}`,
          'apollographql-client-name': 'learncraft-web',
        },
        body: JSON.stringify({
          variables: operation.variables(learner, n),
          extensions: { persistedQuery: { version: 1, sha256Hash: operation.document } },
        }),
      });
      const body = (await response.json()) as {
        errors?: { message: string }[];
        data?: Record<string, unknown>;
      };
      const userErrors = Object.values(body.data ?? {}).flatMap(
        (payload) => (payload as { userErrors?: { code: string }[] } | null)?.userErrors ?? [],
      );
      if (!response.ok || body.errors?.length || userErrors.length) {
        if (record) errors += 1;
        firstError ??= JSON.stringify(body.errors?.[0] ?? userErrors[0] ?? response.status).slice(0, 200);
      }
    } catch (error) {
      if (record) errors += 1;
      firstError ??= String(error);
    }
    if (record) latencies.push(performance.now() - started);
  };
  const loop = async (until: number, record: boolean) => {
    while (performance.now() < until) await request(record);
  };
  const warmEnd = performance.now() + WARMUP_SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(warmEnd, false)));

  const cpuBefore = platform.cpuMs();
  const queriesBefore = await platform.dbQueries();
  const startUs = monotonicUs();
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(Array.from({ length: CONCURRENCY }, () => loop(end, true)));
  const elapsed = (performance.now() - started) / 1000;
  const endUs = monotonicUs();
  const cpuAfter = platform.cpuMs();
  const queriesAfter = await platform.dbQueries();
  latencies.sort((a, b) => a - b);
  const n = latencies.length;
  const queriesByService = Object.fromEntries(
    SERVICES.map((name) => [name, (queriesAfter[name] - queriesBefore[name]) / n]),
  ) as Record<ServiceName, number>;
  return {
    name: operation.name,
    kind: operation.kind,
    requests: n,
    errors,
    firstError,
    rps: n / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cpuMsPerRequest: Object.fromEntries(
      SERVICES.map((name) => [name, (cpuAfter[name] - cpuBefore[name]) / n]),
    ) as Record<ServiceName, number>,
    queriesPerRequest: Object.values(queriesByService).reduce((sum, value) => sum + value, 0),
    queriesByService: Object.fromEntries(
      Object.entries(queriesByService).filter(([, value]) => value >= 0.05),
    ),
    window: { name: operation.name, startUs, endUs, requests: n },
  };
}

function printTable(title: string, results: Result[]) {
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  console.log(`\n${title} — ${CONCURRENCY} concurrent, ${SECONDS} s per operation, load average ${load}`);
  const short: Record<ServiceName, string> = {
    gateway: 'gw',
    identity: 'id',
    catalog: 'cat',
    progress: 'prog',
    labs: 'labs',
    ai: 'ai',
    commerce: 'com',
  };
  console.log(
    [
      'operation'.padEnd(20),
      'RPS'.padStart(6),
      'p50'.padStart(7),
      'p95'.padStart(7),
      'p99'.padStart(7),
      'target'.padStart(12),
      'err'.padStart(5),
      ' CPU ms/request: ' + SERVICES.map((s) => short[s].padStart(5)).join(''),
      '  queries/request',
    ].join(' '),
  );
  for (const r of results) {
    const target = r.kind === 'read' ? READ_TARGET_MS : WRITE_TARGET_MS;
    const verdict = `${r.p95 <= target ? 'met' : 'MISSED'} <=${target}`;
    console.log(
      [
        r.name.padEnd(20),
        r.rps.toFixed(0).padStart(6),
        r.p50.toFixed(1).padStart(7),
        r.p95.toFixed(1).padStart(7),
        r.p99.toFixed(1).padStart(7),
        verdict.padStart(12),
        String(r.errors).padStart(5),
        '                 ' + SERVICES.map((s) => r.cpuMsPerRequest[s].toFixed(2).padStart(5)).join(''),
        `  ${r.queriesPerRequest.toFixed(1)} (${Object.entries(r.queriesByService)
          .map(([s, q]) => `${short[s as ServiceName]} ${q.toFixed(1)}`)
          .join(', ')})`,
      ].join(' '),
    );
    if (r.firstError) console.log(`    first error: ${r.firstError}`);
  }
}

async function runOn(
  label: string,
  store: JourneyStore,
  platformStores: { databaseUrl?: string; redisUrl?: string },
  dataDir: string,
) {
  const size = {
    ...FULL_SIZE,
    courses: Number(process.env.JOURNEY_COURSES ?? FULL_SIZE.courses),
    learners: Number(process.env.JOURNEY_LEARNERS ?? FULL_SIZE.learners),
  };
  const started = performance.now();
  const data = await generateJourneyData(store, size, (line) => console.log(`  ${label}: ${line}`));
  console.log(
    `  ${label}: generated ${data.counts.courses} courses, ${data.counts.lessons} lessons, ${data.counts.learners} learners, ${data.counts.enrollments} enrollments, ${data.counts.lessonProgress} lesson progress rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // Tokens as identity signs them, with the key it will load from the same data directory.
  const sign = createAccessTokenSigner(await loadOrCreateSigningKey(dataDir), { ttlSeconds: 3_600 });
  const signedIn = Math.min(SIGNED_IN_LEARNERS, data.learners.length);
  const tokens = await Promise.all(
    data.learners.slice(0, signedIn).map(async (learner) => (await sign(learner.id, ['LEARNER'])).token),
  );
  const bootStarted = performance.now();
  const cpuProfileDir = PROFILE_ROOT ? join(PROFILE_ROOT, label.split(' ')[0]!) : undefined;
  const platform = await startPlatform({ dataDir, ...platformStores, cpuProfileDir });
  console.log(`  ${label}: platform ready in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`);
  const results: Result[] = [];
  try {
    const wanted = process.env.JOURNEY_OPERATIONS?.split(',').map((name) => name.trim());
    for (const operation of operations(data)) {
      if (wanted && !wanted.includes(operation.name)) continue;
      results.push(await runOperation(platform, operation, tokens));
    }
    printTable(label, results);
  } finally {
    await platform.close();
  }
  if (cpuProfileDir) await reportProfiles(label, cpuProfileDir, results);
}

/** After the services exited (each writes its profile on the way out): the per-operation report. */
async function reportProfiles(label: string, dir: string, results: Result[]) {
  const deadline = performance.now() + 30_000;
  while (SERVICES.some((service) => profilesIn(join(dir, service)).length === 0)) {
    if (performance.now() > deadline) break;
    await new Promise((done) => setTimeout(done, 250));
  }
  const missing = SERVICES.filter((service) => profilesIn(join(dir, service)).length === 0);
  const report = formatProfileReport(
    SERVICES,
    dir,
    results.map((result) => result.window),
    REPO,
  );
  const text = `${label}: CPU profiles (--cpu-prof) in ${relativeToRepo(dir)}${
    missing.length ? `; no profile from ${missing.join(', ')}` : ''
  }${report}\n`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.txt'), text);
  console.log(`\n${text}`);
}

const relativeToRepo = (path: string) => (path.startsWith(REPO) ? path.slice(REPO.length + 1) : path);

async function main() {
  console.log(
    `bench:journey — load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  await measureStoreReads(
    STORES.includes('postgres')
      ? (process.env.JOURNEY_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres')
      : null,
    console.log,
  );
  if (STORES.includes('embedded')) {
    const dataDir = mkdtempSync(join(tmpdir(), 'learncraft-bench-journey-'));
    try {
      await runOn('embedded (PGlite, in-memory pub/sub)', { dataDir }, {}, dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (STORES.includes('postgres')) {
    const root = process.env.JOURNEY_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const redisUrl = process.env.JOURNEY_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const name = `lc_bench_journey_${process.pid}`;
    const admin = new pg.Client({ connectionString: root });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(root);
    url.pathname = `/${name}`;
    const dataDir = mkdtempSync(join(tmpdir(), 'learncraft-bench-journey-pg-'));
    try {
      await runOn(
        'PostgreSQL + Redis',
        { databaseUrl: url.toString() },
        { databaseUrl: url.toString(), redisUrl },
        dataDir,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
