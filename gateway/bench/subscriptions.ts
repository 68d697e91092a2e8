/**
 * `npm run bench:subscriptions`: 10,000 distinct learners (generated users, tokens minted with
 * identity's own signer), each on their own socket following `progressUpdated` of the course they
 * are enrolled in (100 courses), with `enrollment { progressPercent course { title } }` so every
 * event also costs an entity fetch from catalog. Progress events are published on progress's
 * pub/sub (Redis at 127.0.0.1:6379, as between replicas; in-memory when Redis does not answer)
 * exactly as a committed write publishes them, at 1,000 events/s, each for one random learner.
 * Phase `one`: one gateway process (spawned, so its RSS is its own). Phase `two`: two gateway
 * replicas, each in front of its own progress replica, learners split across them; events are
 * published on the first progress replica and reach the second's learners through Redis.
 * Prints event-commit → receipt latency (p50/p99), delivered events/s, gateway RSS, upstream
 * connections/streams, catalog requests per event, dropped and misdelivered events, against the
 * targets (<= 1 GiB RSS, p99 <= 50 ms at 1,000 delivered events/s). Bounded: BENCH_LEARNERS
 * (10000), BENCH_PHASES (one,two), BENCH_SECONDS (10), BENCH_EVENTS_PER_SECOND (1000).
 * Everything runs on 127.0.0.1 and stops by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createPubSub, createTokenVerifier, DEMO_ACCOUNTS, type PubSub } from '@learncraft/kit';
import { createTestDatabase, type TestDatabase } from '@learncraft/kit/testing';
import { loadConfig as identityConfig, startIdentitySubgraph } from '@learncraft/identity';
import { loadConfig as catalogConfig, startCatalogSubgraph } from '@learncraft/catalog';
import {
  loadConfig as progressConfig,
  progressTopic,
  startProgressSubgraph,
  type ProgressEventPayload,
} from '@learncraft/progress';

const REPO = resolve(__dirname, '../..');
const COURSES = 100;
const LEARNERS = Number(process.env.BENCH_LEARNERS ?? 10_000);
const PHASES = (process.env.BENCH_PHASES ?? 'one,two').split(',');
const EVENTS_PER_SECOND = Number(process.env.BENCH_EVENTS_PER_SECOND ?? 1_000);
const MEASURE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REDIS_URL = 'redis://127.0.0.1:6379';
const TARGET_RSS_BYTES = 2 ** 30;
const TARGET_P99_MS = 50;
/** Sockets opened at once while subscribing the learners. */
const RAMP_BATCH = 250;

/**
 * `event`: the progress fields only (no entity fetch: the gateway's fan-out alone).
 * `lesson` (default): the event with its lesson's title, one catalog entity fetch per event and no
 * progress database read. `enrollment`: also the enrollment's percentage and its course's title
 * (progress reads the database for each event, which the embedded subgraphs here cannot do 1,000
 * times a second on a shared 2-core machine).
 */
const SELECTIONS: Record<string, string> = {
  event: 'kind at',
  lesson: 'kind at lesson { title }',
  enrollment: 'kind at lesson { title } enrollment { progressPercent course { title } }',
};
const SELECTION = SELECTIONS[process.env.BENCH_SELECTION ?? 'lesson'] ?? SELECTIONS.lesson!;
const SUBSCRIPTION = `subscription ($id: ID!) { progressUpdated(courseId: $id) { ${SELECTION} } }`;

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function redisAnswers(): Promise<boolean> {
  const probe = createPubSub(REDIS_URL);
  const answered = await Promise.race([
    probe.publish('bench:probe', 1).then(
      () => true,
      () => false,
    ),
    sleep(2_000).then(() => false),
  ]);
  await probe.close().catch(() => undefined);
  return answered;
}

async function postgresAnswers(): Promise<boolean> {
  try {
    const probe = await createTestDatabase('postgres');
    await probe.dispose();
    return true;
  } catch {
    return false;
  }
}

interface Learner {
  id: string;
  token: string;
  courseId: string;
  enrollmentId: string;
}

async function main() {
  const secret = randomBytes(24).toString('base64url');
  const base = {
    PORT: '0',
    DATA_DIR: join(REPO, '.data', 'bench'),
    LOG_LEVEL: 'warn',
    INTERNAL_API_SECRET: secret,
    GATEWAY_SECRET: randomBytes(24).toString('base64url'),
  };
  const redis = await redisAnswers();
  const phases = PHASES.filter((phase) => phase === 'one' || (phase === 'two' && redis));
  if (!redis) console.log('Redis does not answer on 127.0.0.1:6379: in-memory pub/sub, phase "two" skipped');
  const pubsubs: PubSub[] = [createPubSub(redis ? REDIS_URL : undefined)];
  if (phases.includes('two')) pubsubs.push(createPubSub(REDIS_URL));

  // PostgreSQL (a fresh database each, dropped at the end) rather than PGlite: PGlite runs its
  // queries on this process's event loop, which the subgraphs and the 10,000 clients share.
  const flavour = (await postgresAnswers()) ? 'postgres' : 'pglite';
  if (flavour === 'pglite') console.log('PostgreSQL does not answer on 127.0.0.1:5432: PGlite (slower)');
  const databases: TestDatabase[] = await Promise.all([0, 1, 2].map(() => createTestDatabase(flavour)));
  const dbs = databases.map((database) => database.db);
  const identity = await startIdentitySubgraph({
    config: identityConfig({ ...base, SEED_DEMO: 'true' }),
    db: dbs[0],
  });
  const verifier = createTokenVerifier({ publicKeyPem: identity.publicKeyPem });
  const catalog = await startCatalogSubgraph({
    config: catalogConfig({ ...base, SEED_DEMO: 'true' }),
    db: dbs[1],
    verifier,
  });
  // Progress replicas share one database and (with Redis) one pub/sub, as deployed.
  const progressReplicas = await Promise.all(
    pubsubs.map((pubsub) =>
      startProgressSubgraph({
        config: progressConfig({ ...base, CATALOG_INTERNAL_URL: `http://127.0.0.1:${catalog.port}` }),
        db: dbs[2],
        pubsub,
        verifier,
      }),
    ),
  );
  const progress = progressReplicas[0]!;

  const gateways: { process: ChildProcess; port: number; url: string }[] = [];
  const startGateway = async (progressUrl: string) => {
    const port = await freePort();
    const child = spawn(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'gateway/src/main.ts')], {
      env: {
        ...process.env,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        JWT_PUBLIC_KEY: identity.publicKeyPem,
        IDENTITY_URL: identity.url,
        CATALOG_URL: catalog.url,
        PROGRESS_URL: progressUrl,
        GATEWAY_SECRET: base.GATEWAY_SECRET,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const gateway = { process: child, port, url: `http://127.0.0.1:${port}/graphql` };
    gateways.push(gateway);
    for (let i = 0; i < 150; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await sleep(200);
    }
    return gateway;
  };
  const stopAll = async () => {
    for (const gateway of gateways) gateway.process.kill('SIGTERM');
    await Promise.all([identity.close(), catalog.close(), ...progressReplicas.map((p) => p.close())]);
    await Promise.all(pubsubs.map((pubsub) => pubsub.close()));
    await Promise.all(databases.map((database) => database.dispose()));
  };

  try {
    const first = await startGateway(progress.url);
    const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const response = await fetch(first.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const admin = DEMO_ACCOUNTS.find((a) => a.roles.includes('ADMIN'))!;
    const adminToken = (
      await gql(
        `mutation ($i: SessionCreateInput!) { sessionCreate(input: $i) { session { accessToken } } }`,
        { i: { email: admin.email, password: admin.password } },
      )
    ).sessionCreate.session.accessToken as string;

    process.stdout.write(`setting up ${COURSES} courses with one video lesson each`);
    const courses: { id: string; lessonId: string }[] = [];
    for (let i = 0; i < COURSES; i++) {
      const course = await gql(
        `mutation ($i: CourseCreateInput!) { courseCreate(input: $i) { course { id } } }`,
        {
          i: {
            title: `Bench course ${i}`,
            summary: 's',
            description: 'd',
            level: 'BEGINNER',
            categorySlug: 'programming',
            language: 'en',
          },
        },
        adminToken,
      );
      const id = course.courseCreate.course.id as string;
      const module = await gql(
        `mutation ($i: ModuleCreateInput!) { moduleCreate(input: $i) { module { id } } }`,
        { i: { courseId: id, title: 'M' } },
        adminToken,
      );
      const lesson = await gql(
        `mutation ($i: LessonCreateInput!) { lessonCreate(input: $i) { lesson { id } userErrors { code field } } }`,
        {
          i: {
            moduleId: module.moduleCreate.module.id,
            title: 'Video',
            kind: 'VIDEO',
            video: { url: 'https://example.com/v.mp4', durationSeconds: 36_000 },
          },
        },
        adminToken,
      );
      if (!lesson.lessonCreate.lesson) throw new Error(JSON.stringify(lesson.lessonCreate.userErrors));
      await gql(
        `mutation ($id: ID!) { coursePublish(input: { courseId: $id }) { course { id } } }`,
        { id },
        adminToken,
      );
      courses.push({ id, lessonId: lesson.lessonCreate.lesson.id });
      if (i % 10 === 9) process.stdout.write('.');
    }
    process.stdout.write(' done\n');

    // Generated learners: enrolled through progress's own store (what courseEnroll writes), each
    // with an access token minted exactly as sign-in mints one.
    process.stdout.write(`enrolling ${LEARNERS} generated learners`);
    const learners: Learner[] = [];
    for (let i = 0; i < LEARNERS; i++) {
      const id = randomUUID();
      const course = courses[i % COURSES]!;
      const [{ enrollment }, token] = await Promise.all([
        progress.stores.progress.enroll(id, course.id, new Date()),
        identity.issueAccessToken(id, ['LEARNER'], { ttlSeconds: 3_600 }),
      ]);
      learners.push({ id, token: token.token, courseId: course.id, enrollmentId: enrollment.id });
      if (i % 1000 === 999) process.stdout.write('.');
    }
    process.stdout.write(' done\n');
    const lessonOf = new Map(courses.map((course) => [course.id, course.lessonId]));

    const metricOf = async (port: number, name: string) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const match = new RegExp(`^learncraft_${name} (\\d+)`, 'm').exec(text);
      return Number(match?.[1] ?? 0);
    };
    const sumOf = async (name: string, of: typeof gateways) =>
      (await Promise.all(of.map((gateway) => metricOf(gateway.port, name)))).reduce((a, b) => a + b, 0);
    const rssOf = (gateway: (typeof gateways)[number]) => {
      // tsx runs the gateway in a child of the spawned launcher process; the gateway is the largest.
      const pids = [gateway.process.pid!, ...childrenOf(gateway.process.pid!)];
      return Math.max(...pids.map(rssKiB)) * 1024;
    };
    const upstreamSubscribers = () =>
      progressReplicas.reduce(
        (sum, replica) =>
          sum +
          courses.reduce((n, course) => n + replica.pubsub.subscriberCount(progressTopic(course.id)), 0),
        0,
      );

    console.log(
      `\ntargets: gateway RSS <= 1 GiB, p99 <= ${TARGET_P99_MS} ms at ${EVENTS_PER_SECOND} delivered events/s` +
        `\nphase | gateways | learners | upstream conns/streams | p50 ms | p99 ms | delivered/s | RSS per gateway | catalog req/event | dropped | misdelivered`,
    );
    for (const phase of phases) {
      if (phase === 'two' && gateways.length < 2) await startGateway(progressReplicas[1]!.url);
      const serving = phase === 'one' ? [first] : gateways.slice(0, 2);
      const rssBefore = serving.map(rssOf);
      const clients: Client[] = [];
      const latencies: number[] = [];
      let delivered = 0;
      let misdelivered = 0;
      let measuring = false;
      const subscriptionErrors = new Map<string, number>();
      /** `learner index|at` of every event published: anything else a learner receives is misdelivered. */
      const published = new Set<string>();
      const rampStarted = Date.now();
      for (let i = 0; i < learners.length; i++) {
        const learner = learners[i]!;
        const client = createClient({
          url: serving[i % serving.length]!.url.replace('http', 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${learner.token}` },
          retryAttempts: 0,
        });
        clients.push(client);
        client.subscribe(
          { query: SUBSCRIPTION, variables: { id: learner.courseId } },
          {
            next: (result) => {
              if (!measuring) return;
              const event = (result.data as { progressUpdated?: { at: string } } | null)?.progressUpdated;
              if (!event) return;
              if (!published.has(`${i}|${event.at}`)) misdelivered += 1;
              delivered += 1;
              latencies.push(Date.now() - Date.parse(event.at));
            },
            error: (error) => {
              const { code, reason } = (error ?? {}) as { code?: number; reason?: string };
              const message = (code ? `close ${code} ${reason ?? ''}` : JSON.stringify(error)).slice(0, 160);
              subscriptionErrors.set(message, (subscriptionErrors.get(message) ?? 0) + 1);
            },
            complete: () => undefined,
          },
        );
        if (i % RAMP_BATCH === RAMP_BATCH - 1) {
          while (upstreamSubscribers() < i + 1 - RAMP_BATCH && Date.now() - rampStarted < 180_000)
            await sleep(20);
        }
      }
      while (upstreamSubscribers() < learners.length && Date.now() - rampStarted < 180_000) await sleep(100);
      const rampSeconds = (Date.now() - rampStarted) / 1000;
      await sleep(1_000);
      const rssWithSubs = serving.map(rssOf);
      const droppedBefore = await sumOf('subscription_events_dropped_total', serving);
      const catalogBefore = catalog.metrics.get('graphql_requests_total');

      measuring = true;
      const started = Date.now();
      let sent = 0;
      // Published in slices of 10 ms, each event for one random learner, as progress publishes after commit.
      while (Date.now() - started < MEASURE_SECONDS * 1000) {
        const due = Math.floor(((Date.now() - started) / 1000) * EVENTS_PER_SECOND);
        for (; sent < due; sent++) {
          const index = Math.floor(Math.random() * learners.length);
          const learner = learners[index]!;
          const payload: ProgressEventPayload = {
            enrollmentId: learner.enrollmentId,
            userId: learner.id,
            courseId: learner.courseId,
            lessonId: lessonOf.get(learner.courseId)!,
            kind: 'VIDEO_PROGRESS',
            at: new Date().toISOString(),
          };
          published.add(`${index}|${payload.at}`);
          void progress.pubsub.publish(progressTopic(learner.courseId), payload);
        }
        await sleep(10);
      }
      await sleep(2_000);
      measuring = false;
      latencies.sort((a, b) => a - b);
      const streams = await sumOf('upstream_streams_active', serving);
      const connections = await sumOf('upstream_connections_active', serving);
      const dropped = (await sumOf('subscription_events_dropped_total', serving)) - droppedBefore;
      const catalogPerEvent =
        (catalog.metrics.get('graphql_requests_total') - catalogBefore) / Math.max(sent, 1);
      const p99 = percentile(latencies, 99);
      const rate = delivered / MEASURE_SECONDS;
      const maxRss = Math.max(...rssWithSubs);
      console.log(
        [
          phase.padEnd(5),
          String(serving.length).padStart(8),
          String(learners.length).padStart(8),
          `${connections}/${streams}`.padStart(22),
          String(percentile(latencies, 50)).padStart(6),
          String(p99).padStart(6),
          rate.toFixed(0).padStart(11),
          rssWithSubs
            .map((rss) => `${(rss / 2 ** 20).toFixed(0)} MiB`)
            .join(' + ')
            .padStart(15),
          catalogPerEvent.toFixed(2).padStart(17),
          String(dropped).padStart(7),
          String(misdelivered).padStart(12),
        ].join(' | '),
      );
      console.log(
        `        ${sent} events published in ${MEASURE_SECONDS} s, ${delivered} delivered; ` +
          `${learners.length} learners subscribed in ${rampSeconds.toFixed(1)} s; ` +
          `RSS per learner ${serving.map((_, i) => ((rssWithSubs[i]! - rssBefore[i]!) / (learners.length / serving.length) / 1024).toFixed(1)).join(' / ')} KiB`,
      );
      console.log(
        `        RSS ${maxRss <= TARGET_RSS_BYTES ? 'met' : 'NOT met'}; p99 ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}; ` +
          `${EVENTS_PER_SECOND} delivered/s ${rate >= EVENTS_PER_SECOND * 0.98 ? 'met' : 'NOT met'}`,
      );
      for (const [message, count] of subscriptionErrors)
        console.log(`        ${count} subscriptions failed: ${message}`);
      await Promise.all(clients.map((client) => client.dispose() as Promise<void>));
      await sleep(1_000);
    }
  } finally {
    await stopAll();
  }
}

function childrenOf(pid: number): number[] {
  try {
    const direct = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return direct.flatMap((child) => [child, ...childrenOf(child)]);
  } catch {
    return [];
  }
}

function rssKiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0);
  } catch {
    return 0;
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
