/**
 * `npm run bench:subscriptions`: one gateway process (spawned, so its RSS is its own) in front of
 * identity, catalog and progress on embedded stores. For 1,000 / 5,000 / 10,000 subscriptions
 * spread over 100 courses (20 per socket), a learner records video heartbeats at a steady rate and
 * the benchmark prints delivery latency (event commit → client receipt, p50/p99), delivered
 * events/s, gateway RSS per subscription, upstream streams/connections and dropped events.
 * Everything runs on 127.0.0.1 and stops by itself.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createTokenVerifier, DEMO_ACCOUNTS, openDatabase } from '@learncraft/kit';
import { loadConfig as identityConfig, startIdentitySubgraph } from '@learncraft/identity';
import { loadConfig as catalogConfig, startCatalogSubgraph } from '@learncraft/catalog';
import { loadConfig as progressConfig, startProgressSubgraph } from '@learncraft/progress';

const REPO = resolve(__dirname, '../..');
const COURSES = 100;
const PER_SOCKET = 20;
const PHASES = (process.env.BENCH_PHASES ?? '1000,5000,10000').split(',').map(Number);
const TARGET_DELIVERED_PER_SECOND = 1_000;
const MEASURE_SECONDS = 10;

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

async function main() {
  const secret = randomBytes(24).toString('base64url');
  const base = {
    PORT: '0',
    DATA_DIR: join(REPO, '.data', 'bench'),
    LOG_LEVEL: 'warn',
    INTERNAL_API_SECRET: secret,
    GATEWAY_SECRET: randomBytes(24).toString('base64url'),
  };
  const dbs = await Promise.all([0, 1, 2].map(() => openDatabase({ location: { memory: true } })));
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
  const progress = await startProgressSubgraph({
    config: progressConfig({ ...base, CATALOG_INTERNAL_URL: `http://127.0.0.1:${catalog.port}` }),
    db: dbs[2],
    verifier,
  });

  const port = await freePort();
  const gatewayProcess = spawn(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'gateway/src/main.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      JWT_PUBLIC_KEY: identity.publicKeyPem,
      IDENTITY_URL: identity.url,
      CATALOG_URL: catalog.url,
      PROGRESS_URL: progress.url,
      // Every socket belongs to one admin: lift the per-user socket cap (5) for the benchmark.
      MAX_SOCKETS_PER_USER: '10000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const gatewayUrl = `http://127.0.0.1:${port}/graphql`;
  const stopAll = async () => {
    gatewayProcess.kill('SIGTERM');
    await Promise.all([identity.close(), catalog.close(), progress.close()]);
    await Promise.all(dbs.map((db) => db.close()));
  };

  try {
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const response = await fetch(gatewayUrl, {
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
    const login = async (email: string, password: string) =>
      (
        await gql(
          `mutation ($i: SessionCreateInput!) { sessionCreate(input: $i) { session { accessToken } } }`,
          { i: { email, password } },
        )
      ).sessionCreate.session.accessToken as string;
    const admin = DEMO_ACCOUNTS.find((a) => a.roles.includes('ADMIN'))!;
    const learner = DEMO_ACCOUNTS.find((a) => a.email === 'learner@learncraft.dev')!;
    const adminToken = await login(admin.email, admin.password);
    const learnerToken = await login(learner.email, learner.password);

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
      await gql(
        `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { enrollment { id } } }`,
        { id },
        learnerToken,
      );
      courses.push({ id, lessonId: lesson.lessonCreate.lesson.id });
      if (i % 10 === 9) process.stdout.write('.');
    }
    process.stdout.write(' done\n');

    const rssOfGateway = () => {
      // tsx runs the gateway in a child of the spawned launcher process; the gateway is the largest.
      const pids = [gatewayProcess.pid!, ...childrenOf(gatewayProcess.pid!)];
      return Math.max(...pids.map(rssKiB)) * 1024;
    };
    const gatewayMetric = async (name: string) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const match = new RegExp(`^learncraft_${name} (\\d+)`, 'm').exec(text);
      return Number(match?.[1] ?? 0);
    };

    console.log(
      '\nsubscriptions | sockets | upstream streams/conns | p50 ms | p99 ms | delivered/s | gateway RSS | RSS/sub | dropped',
    );
    let progressSeconds = 0;
    const rssBefore = rssOfGateway();
    for (const total of PHASES) {
      const clients: Client[] = [];
      const latencies: number[] = [];
      let delivered = 0;
      let measuring = false;
      const subscriptionErrors = new Map<string, number>();
      for (let socket = 0; socket < total / PER_SOCKET; socket++) {
        const client = createClient({
          url: gatewayUrl.replace('http', 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${adminToken}` },
          retryAttempts: 0,
        });
        clients.push(client);
        for (let k = 0; k < PER_SOCKET; k++) {
          const course = courses[(socket * PER_SOCKET + k) % COURSES]!;
          client.subscribe(
            {
              query: `subscription ($id: ID!) { progressUpdated(courseId: $id) { at enrollment { progressPercent } } }`,
              variables: { id: course.id },
            },
            {
              next: (result) => {
                if (!measuring) return;
                delivered += 1;
                const at = Date.parse(
                  (result.data as { progressUpdated: { at: string } }).progressUpdated.at,
                );
                latencies.push(Date.now() - at);
              },
              error: (error) => {
                const message = JSON.stringify(error).slice(0, 160);
                subscriptionErrors.set(message, (subscriptionErrors.get(message) ?? 0) + 1);
              },
              complete: () => undefined,
            },
          );
        }
      }
      // Wait until every course has its (shared) upstream stream open at the subgraph.
      const topic = (id: string) => `progress:${id}`;
      for (
        let i = 0;
        i < 600 && courses.some((course) => progress.pubsub.subscriberCount(topic(course.id)) === 0);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1_000));
      const rssWithSubs = rssOfGateway();
      const droppedBefore = await gatewayMetric('subscription_events_dropped_total');

      const perCourse = total / COURSES;
      const mutationsPerSecond = Math.max(1, Math.round(TARGET_DELIVERED_PER_SECOND / perCourse));
      measuring = true;
      const started = Date.now();
      let sent = 0;
      while (Date.now() - started < MEASURE_SECONDS * 1000) {
        const course = courses[sent % COURSES]!;
        progressSeconds += 1;
        void gql(
          `mutation ($i: VideoProgressRecordInput!) { videoProgressRecord(input: $i) { userErrors { code } } }`,
          { i: { lessonId: course.lessonId, positionSeconds: progressSeconds } },
          learnerToken,
        ).catch(() => undefined);
        sent += 1;
        const next = started + (sent * 1000) / mutationsPerSecond;
        await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
      }
      await new Promise((r) => setTimeout(r, 2_000));
      measuring = false;
      latencies.sort((a, b) => a - b);
      const streams = await gatewayMetric('upstream_streams_active');
      const connections = await gatewayMetric('upstream_connections_active');
      const dropped = (await gatewayMetric('subscription_events_dropped_total')) - droppedBefore;
      console.log(
        [
          String(total).padStart(13),
          String(clients.length).padStart(7),
          `${streams}/${connections}`.padStart(22),
          String(percentile(latencies, 50)).padStart(6),
          String(percentile(latencies, 99)).padStart(6),
          (delivered / MEASURE_SECONDS).toFixed(0).padStart(11),
          `${(rssWithSubs / 2 ** 20).toFixed(0)} MiB`.padStart(11),
          `${((rssWithSubs - rssBefore) / total / 1024).toFixed(1)} KiB`.padStart(8),
          String(dropped).padStart(7),
        ].join(' | '),
      );
      console.log(
        `              (${mutationsPerSecond} mutations/s for ${MEASURE_SECONDS} s, ${sent} sent, ${delivered} events delivered, expected ${sent * perCourse})`,
      );
      for (const [message, count] of subscriptionErrors)
        console.log(`              ${count} subscriptions failed: ${message}`);
      await Promise.all(clients.map((client) => client.dispose() as Promise<void>));
      await new Promise((r) => setTimeout(r, 1_000));
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
