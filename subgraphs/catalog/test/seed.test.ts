/**
 * The demo catalog seed: every demo course imported published (through the authoring rules),
 * instructors mapped to the demo accounts, searchable, and nothing duplicated when seeding again
 * or restarting (the in-process search index is rebuilt from the store on start).
 */
import { DEMO_ACCOUNTS, createLogger, type Logger } from '@learncraft/kit';
import {
  TEST_GATEWAY_HEADERS,
  TEST_GATEWAY_SECRET,
  createTestDatabase,
  type TestDatabase,
} from '@learncraft/kit/testing';
import { createTokenVerifier } from '@learncraft/kit';
import { exportSPKI, generateKeyPair } from 'jose';
import { loadConfig, seedDemoCatalog, startCatalogSubgraph, type RunningCatalog } from '../src';
import { demoCategories, demoCourses } from '../src/seed/demoCatalog';
import { buildDemoCourse } from '../src/seed/seedDemoCatalog';
import { CourseIndexer } from '../src/services/indexing';
import { createMemorySearchIndex } from '../src/search/memory';
import { createEmbeddedCourseStore, migrateCatalog } from '../src/stores/embedded';
import type { CourseDocument, LabContent } from '../src/domain/course';
import { typedModuleLab } from '../src/seed/demoLabs';
import type { Json } from './support/server';
import { randomUUID } from 'node:crypto';

let database: TestDatabase;
let verifierPem: string;
const silent: Logger = createLogger('test', 'silent');

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  verifierPem = await exportSPKI((await generateKeyPair('EdDSA', { crv: 'Ed25519' })).publicKey);
});
afterAll(() => database?.dispose());

async function start(): Promise<RunningCatalog> {
  return startCatalogSubgraph({
    config: loadConfig({
      PORT: '0',
      LOG_LEVEL: 'silent',
      SEED_DEMO: 'true',
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    }),
    db: database.db,
    verifier: createTokenVerifier({ publicKeyPem: verifierPem }),
  });
}

async function gql(server: RunningCatalog, query: string) {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...TEST_GATEWAY_HEADERS },
    body: JSON.stringify({ query }),
  });
  return ((await response.json()) as { data: Json }).data;
}

test('every demo course passes the authoring rules', () => {
  const ctx = { newId: randomUUID, now: () => new Date() };
  const failures = demoCourses.flatMap((demo) => {
    const built = buildDemoCourse(demo, ctx);
    return built.ok ? [] : [{ slug: demo.slug, errors: built.errors }];
  });
  expect(failures).toEqual([]);
});

test('demo quizzes allow 3 attempts 30 s apart, and the command-line quiz is unlimited practice', () => {
  const ctx = { newId: randomUUID, now: () => new Date() };
  const limits = demoCourses.flatMap((demo) => {
    const built = buildDemoCourse(demo, ctx);
    if (!built.ok) return [];
    return built.value.modules.flatMap((module) =>
      module.lessons.flatMap((lesson) =>
        lesson.content.kind === 'QUIZ'
          ? [[demo.slug, lesson.content.maxAttempts, lesson.content.cooldownSeconds]]
          : [],
      ),
    );
  });
  expect(limits).toEqual([
    ['kubernetes-basics', 3, 30],
    ['docker-for-developers', 3, 30],
    ['typescript-fundamentals', 3, 30],
    ['advanced-typescript-types', 3, 30],
    ['the-linux-command-line', null, 0],
  ]);
});

test('every demo course has one lab, stored with its profile, idle timeout, setup script and steps', () => {
  const ctx = { newId: randomUUID, now: () => new Date() };
  const labs = demoCourses.flatMap((demo) => {
    const built = buildDemoCourse(demo, ctx);
    if (!built.ok) return [];
    return built.value.modules.flatMap((module) =>
      module.lessons.flatMap((lesson) =>
        lesson.content.kind === 'LAB'
          ? [
              [
                demo.slug,
                lesson.title,
                lesson.content.profile,
                lesson.content.image,
                lesson.content.timeLimitMinutes,
                lesson.content.idleTimeoutMinutes,
                lesson.content.setupScript?.startsWith('set -e\n'),
                lesson.content.steps.map((step) => step.title),
              ],
            ]
          : [],
      ),
    );
  });
  expect(labs).toEqual([
    [
      'kubernetes-basics',
      'Lab: Deployment, Service and Kustomization',
      'KUBERNETES',
      'learncraft/lab-kubernetes:1.32',
      45,
      15,
      true,
      ['Write the Deployment manifest', 'Write the Service manifest', 'Label and scale with a kustomization'],
    ],
    [
      'docker-for-developers',
      'Lab: Containerize a Node.js Service',
      'LINUX',
      'learncraft/lab-ubuntu:24.04',
      45,
      15,
      true,
      ['Create a .dockerignore file', 'Write a multi-stage Dockerfile', 'Harden the runtime stage'],
    ],
    [
      'typescript-fundamentals',
      'Lab: Make a Strict Project Compile',
      'NODE',
      'learncraft/lab-node:20',
      30,
      15,
      true,
      ['Type the parameter of sum', 'Let average say "no values"', 'Build and run the project'],
    ],
    [
      'advanced-typescript-types',
      'Lab: Build and Test Type Utilities',
      'NODE',
      'learncraft/lab-node:20',
      60,
      20,
      true,
      ['Implement DeepReadonly', 'Implement RouteParams', 'Write type-level tests'],
    ],
    [
      'the-linux-command-line',
      'Lab: Shell Workout',
      'LINUX',
      'learncraft/lab-ubuntu:24.04',
      40,
      15,
      true,
      ['Create a directory and a file', 'Write an executable script', 'Extract errors with grep'],
    ],
  ]);
});

test('starting with SEED_DEMO imports the demo catalog once; seeding again and restarting change nothing', async () => {
  const first = await start();
  const counts = async (server: RunningCatalog) =>
    gql(
      server,
      '{ courses(first: 100) { totalCount edges { node { slug published instructors { id } } } } categories { slug courseCount } }',
    );
  const seeded = await counts(first);
  expect(seeded.courses.totalCount).toBe(demoCourses.length);
  expect(seeded.categories.map((category: { slug: string }) => category.slug)).toEqual(
    demoCategories.map((category) => category.slug),
  );
  const accountIdByEmail = new Map(DEMO_ACCOUNTS.map((account) => [account.email, account.id]));
  expect(
    seeded.courses.edges
      .map((edge: { node: { slug: string; published: boolean; instructors: { id: string }[] } }) => edge.node)
      .sort((a: { slug: string }, b: { slug: string }) => a.slug.localeCompare(b.slug)),
  ).toEqual(
    [...demoCourses]
      .sort((a, b) => a.slug.localeCompare(b.slug))
      .map((demo) => ({
        slug: demo.slug,
        published: true,
        instructors: [{ id: accountIdByEmail.get(demo.instructorEmail) }],
      })),
  );

  const again = await seedDemoCatalog({
    store: first.courseStore,
    indexer: new CourseIndexer(first.searchIndex, silent),
    logger: silent,
  });
  expect(again).toEqual({ created: 0, skipped: demoCourses.length, failed: 0, labsUpgraded: 0 });
  expect(await counts(first)).toEqual(seeded);
  await first.close();

  const restarted = await start();
  expect(await counts(restarted)).toEqual(seeded);
  const title = demoCourses[0]!.title;
  const search = await gql(
    restarted,
    `{ courseSearch(query: ${JSON.stringify(title)}, first: 1) { edges { node { slug } } } }`,
  );
  expect(search.courseSearch.edges).toEqual([{ node: { slug: demoCourses[0]!.slug } }]);
  await restarted.close();
});

test('an existing demo course whose lab predates lab profiles gets the current demo lab once; the rest stays as it was', async () => {
  const fresh = await createTestDatabase('pglite');
  try {
    await migrateCatalog(fresh.db);
    const store = createEmbeddedCourseStore(fresh.db);
    const indexer = new CourseIndexer(createMemorySearchIndex(), silent);
    const demo = demoCourses.find((course) => course.slug === 'typescript-fundamentals')!;
    const built = buildDemoCourse(demo, { newId: randomUUID, now: () => new Date('2025-01-01T00:00:00Z') });
    if (!built.ok) throw new Error('fixture');
    // As stored before lab profiles: no profile, idle timeout or setup script, and a check that
    // needed the network.
    const legacy: CourseDocument = {
      ...built.value,
      modules: built.value.modules.map((module) => ({
        ...module,
        lessons: module.lessons.map((lesson) => {
          if (lesson.content.kind !== 'LAB') return lesson;
          const { profile: _p, idleTimeoutMinutes: _i, setupScript: _s, ...old } = lesson.content;
          const content: LabContent = {
            ...old,
            steps: [
              {
                id: randomUUID(),
                title: 'Initialize',
                instructions: 'npm install',
                checkCommand: 'npx --no-install tsc',
                hint: null,
              },
            ],
          };
          return { ...lesson, title: 'Lab: Set Up and Compile a Strict Project', content };
        }),
      })),
    };
    const stored = await store.create(legacy);
    const labOf = (course: CourseDocument) =>
      course.modules.flatMap((module) => module.lessons).find((lesson) => lesson.kind === 'LAB')!;
    const others = (course: CourseDocument) =>
      course.modules.flatMap((module) => module.lessons).filter((lesson) => lesson.kind !== 'LAB');

    const first = await seedDemoCatalog({ store, indexer, logger: silent, courses: [demo] });
    expect(first).toEqual({ created: 0, skipped: 1, failed: 0, labsUpgraded: 1 });
    const [upgraded] = await store.byIds([stored.id]);
    const lab = labOf(upgraded!);
    if (lab.content.kind !== 'LAB') throw new Error('fixture');
    expect([
      lab.id,
      lab.title,
      lab.content.profile,
      lab.content.idleTimeoutMinutes,
      lab.content.setupScript,
    ]).toEqual([
      labOf(stored).id,
      'Lab: Make a Strict Project Compile',
      'NODE',
      15,
      typedModuleLab.setupScript,
    ]);
    expect(lab.content.steps.map((step) => step.checkCommand)).toEqual(
      typedModuleLab.steps.map((step) => step.check.command),
    );
    expect(others(upgraded!)).toEqual(others(stored));

    const second = await seedDemoCatalog({ store, indexer, logger: silent, courses: [demo] });
    expect(second).toEqual({ created: 0, skipped: 1, failed: 0, labsUpgraded: 0 });
    expect(await store.byIds([stored.id])).toEqual([upgraded]);
  } finally {
    await fresh.dispose();
  }
});
