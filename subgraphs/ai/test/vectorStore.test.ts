/**
 * The vector store contract, run against every adapter available here: the in-process store
 * (persisted to a temporary directory), the Qdrant adapter against the local Qdrant test server
 * (real client, real HTTP), and a real Qdrant when QDRANT_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import type { Chunk, ChunkSource } from '../src/domain/chunks';
import { createMemoryVectorStore } from '../src/stores/memoryVectorStore';
import { createQdrantVectorStore, pointId } from '../src/stores/qdrantVectorStore';
import { VectorStoreError, type VectorPoint, type VectorStore } from '../src/stores/vectorStore';
import { startFakeQdrant, type FakeQdrant } from './support/qdrantServer';

const REAL_QDRANT_URL = process.env.QDRANT_URL;
const DIMENSIONS = 8;
const EMBEDDER = 'test-embedder-v1';

interface Subject {
  /** The store as a fresh process would open it (same directory or collection). */
  open(): Promise<VectorStore>;
  dispose(): Promise<void>;
}

type SubjectFactory = () => Promise<Subject>;

function memorySubject(): SubjectFactory {
  return async () => {
    const directory = await mkdtemp(join(tmpdir(), 'lc-vectors-'));
    return {
      open: () => createMemoryVectorStore({ directory }),
      dispose: () => rm(directory, { recursive: true, force: true }),
    };
  };
}

function qdrantSubject(url: () => string): SubjectFactory {
  return () => {
    const collection = `lc_test_${randomBytes(5).toString('hex')}`;
    return Promise.resolve({
      open: () => Promise.resolve(createQdrantVectorStore({ url: url(), collection, batchSize: 3 })),
      async dispose() {
        const admin = new QdrantClient({ url: url(), checkCompatibility: false });
        for (const name of [collection, `${collection}_meta`]) {
          if ((await admin.collectionExists(name)).exists) await admin.deleteCollection(name);
        }
      },
    });
  };
}

function chunk(courseId: string, lessonId: string, ordinal: number, source: ChunkSource = 'READING'): Chunk {
  return {
    id: `${lessonId}:${ordinal}`,
    courseId,
    lessonId,
    lessonTitle: `Lesson ${lessonId}`,
    lessonKind:
      source === 'TRANSCRIPT' ? 'VIDEO' : source === 'QUIZ' ? 'QUIZ' : source === 'LAB' ? 'LAB' : 'READING',
    source,
    heading: null,
    text: `passage ${ordinal} of ${lessonId}`,
    startSeconds: source === 'TRANSCRIPT' ? ordinal * 30 : null,
    quizQuestionId: source === 'QUIZ' ? `q${ordinal}` : null,
    labStepId: null,
  };
}

/** A vector with the given values in its first dimensions. */
function v(...values: number[]): number[] {
  return Array.from({ length: DIMENSIONS }, (_, i) => values[i] ?? 0);
}

function point(c: Chunk, vector: number[]): VectorPoint {
  return { id: c.id, chunk: c, vector };
}

/**
 * Course "k8s": against the query v(1), cosine scores are exactly 1, 0.8, 0.6, 1/sqrt(2)... in
 * this order: pods:0 (1), pods:1 (0.8), svc:0 (0.7071), quiz:0 (0.6), video:0 (0.5, dense: all
 * eight dimensions set), and svc:1 (0, orthogonal, never returned). Course "docker" has a point
 * identical to the best one, which a k8s search must not see.
 */
const K8S_POINTS: VectorPoint[] = [
  point(chunk('k8s', 'pods', 0), v(1)),
  point(chunk('k8s', 'pods', 1), v(4, 3)),
  point(chunk('k8s', 'svc', 0), v(1, 1)),
  point(chunk('k8s', 'svc', 1), v(0, 0, 1)),
  point(chunk('k8s', 'quiz', 0, 'QUIZ'), v(3, 0, 0, 4)),
  point(chunk('k8s', 'video', 0, 'TRANSCRIPT'), v(4, 5, 3, 2, 2, 2, 1, 1)),
];
const DOCKER_POINTS: VectorPoint[] = [point(chunk('docker', 'images', 0), v(1))];
const QUERY = v(1);

async function ranked(store: VectorStore, search: Partial<Parameters<VectorStore['search']>[1]> = {}) {
  const hits = await store.search(QUERY, { courseId: 'k8s', limit: 10, ...search });
  return hits.map((hit) => [hit.id, Number(hit.score.toFixed(4))]);
}

function contract(name: string, create: SubjectFactory) {
  describe(name, () => {
    let subject: Subject;
    let store: VectorStore;

    beforeEach(async () => {
      subject = await create();
      store = await subject.open();
      await store.ensure(DIMENSIONS, EMBEDDER);
      await store.upsert([...K8S_POINTS, ...DOCKER_POINTS]);
    });

    afterEach(async () => {
      await store.close();
      await subject.dispose();
    });

    it('returns the course passages by cosine similarity, best first, without zero-score ones', async () => {
      expect(await ranked(store)).toEqual([
        ['pods:0', 1],
        ['pods:1', 0.8],
        ['svc:0', 0.7071],
        ['quiz:0', 0.6],
        ['video:0', 0.5],
      ]);
    });

    it('returns the stored chunk with its score', async () => {
      const [best] = await store.search(QUERY, { courseId: 'k8s', limit: 1 });
      expect(best).toEqual({ ...chunk('k8s', 'pods', 0), score: expect.closeTo(1, 5) as number });
    });

    it('honours the limit', async () => {
      expect((await ranked(store, { limit: 2 })).map(([id]) => id)).toEqual(['pods:0', 'pods:1']);
    });

    it('never returns passages of another course', async () => {
      expect(await ranked(store, { courseId: 'docker' })).toEqual([['images:0', 1]]);
      expect(await ranked(store, { courseId: 'nowhere' })).toEqual([]);
    });

    it('leaves out excluded lessons and sources', async () => {
      expect((await ranked(store, { excludeLessonIds: ['pods', 'svc'] })).map(([id]) => id)).toEqual([
        'quiz:0',
        'video:0',
      ]);
      expect((await ranked(store, { excludeSources: ['QUIZ', 'TRANSCRIPT'] })).map(([id]) => id)).toEqual([
        'pods:0',
        'pods:1',
        'svc:0',
      ]);
    });

    it('replaces a point upserted again under the same id', async () => {
      const moved = { ...chunk('k8s', 'pods', 0), text: 'rewritten' };
      await store.upsert([point(moved, v(0, 0, 1))]);
      expect(await store.count('k8s')).toBe(6);
      expect((await ranked(store)).map(([id]) => id)).toEqual(['pods:1', 'svc:0', 'quiz:0', 'video:0']);
      const [top] = await store.search(v(0, 0, 1), { courseId: 'k8s', limit: 1 });
      expect(top?.text).toBe('rewritten');
    });

    it('prunes the points of a course a re-index no longer produced', async () => {
      await store.pruneCourse('k8s', new Set(['pods:1', 'video:0']));
      expect(await store.count('k8s')).toBe(2);
      expect(await store.count('docker')).toBe(1);
      expect((await ranked(store)).map(([id]) => id)).toEqual(['pods:1', 'video:0']);
    });

    it('deletes a course with its record and leaves the others', async () => {
      await store.recordCourse('k8s', { version: 3, featureStats: null });
      await store.recordCourse('docker', { version: 1, featureStats: null });
      await store.deleteCourse('k8s');
      expect(await ranked(store)).toEqual([]);
      expect(await store.count()).toBe(1);
      expect([...(await store.courses())]).toEqual([['docker', { version: 1, featureStats: null }]]);
    });

    it('keeps course records with their feature statistics', async () => {
      const featureStats = { documents: 6, documentFrequency: { '0': 5, '1': 3, '7': 1 } };
      await store.recordCourse('k8s', { version: 7, featureStats });
      await store.recordCourse('k8s', { version: 8, featureStats });
      expect(await store.courses()).toEqual(new Map([['k8s', { version: 8, featureStats }]]));
    });

    it('finds everything again when reopened', async () => {
      await store.recordCourse('k8s', {
        version: 2,
        featureStats: { documents: 6, documentFrequency: { '0': 5 } },
      });
      await store.close();
      store = await subject.open();
      expect(await store.ensure(DIMENSIONS, EMBEDDER)).toEqual({ rebuilt: false });
      expect(await store.count()).toBe(7);
      expect((await ranked(store)).map(([id]) => id)).toEqual([
        'pods:0',
        'pods:1',
        'svc:0',
        'quiz:0',
        'video:0',
      ]);
      expect(await store.courses()).toEqual(
        new Map([['k8s', { version: 2, featureStats: { documents: 6, documentFrequency: { '0': 5 } } }]]),
      );
    });

    it('empties the index when another embedder opens it', async () => {
      await store.recordCourse('k8s', { version: 2, featureStats: null });
      await store.close();
      store = await subject.open();
      expect(await store.ensure(DIMENSIONS, 'another-embedder')).toEqual({ rebuilt: true });
      expect(await store.count()).toBe(0);
      expect(await store.courses()).toEqual(new Map());
      expect(await store.ensure(DIMENSIONS, 'another-embedder')).toEqual({ rebuilt: false });
    });

    it('empties the index when the dimension changes', async () => {
      expect(await store.ensure(DIMENSIONS * 2, EMBEDDER)).toEqual({ rebuilt: true });
      expect(await store.count()).toBe(0);
      await store.upsert([point(chunk('k8s', 'pods', 0), [...v(1), ...v()])]);
      expect(await store.count('k8s')).toBe(1);
    });

    it('rejects vectors of the wrong dimension and writes none of the batch', async () => {
      const bad = [point(chunk('k8s', 'new', 0), v(1)), point(chunk('k8s', 'new', 1), [1, 2, 3])];
      await expect(store.upsert(bad)).rejects.toThrow(VectorStoreError);
      await expect(store.search([1, 2], { courseId: 'k8s', limit: 3 })).rejects.toThrow(VectorStoreError);
      expect(await store.count('k8s')).toBe(6);
    });

    it('breaks score ties by chunk id', async () => {
      await store.upsert([
        point(chunk('ties', 'b', 0), v(1)),
        point(chunk('ties', 'a', 0), v(2)),
        point(chunk('ties', 'c', 0), v(3)),
      ]);
      const hits = await store.search(QUERY, { courseId: 'ties', limit: 3 });
      expect(hits.map((hit) => hit.id)).toEqual(['a:0', 'b:0', 'c:0']);
    });
  });
}

contract('in-process vector store', memorySubject());

describe('in-process vector store on disk', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lc-vectors-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('leaves only the manifest and one file per recorded course, no temporary files', async () => {
    const store = await createMemoryVectorStore({ directory });
    await store.ensure(DIMENSIONS, EMBEDDER);
    await store.upsert([...K8S_POINTS, ...DOCKER_POINTS]);
    await store.recordCourse('k8s', { version: 1, featureStats: null });
    await store.recordCourse('docker', { version: 1, featureStats: null });
    await store.recordCourse('k8s', { version: 2, featureStats: null });
    await store.deleteCourse('docker');
    const files = (await readdir(directory)).sort();
    expect(files).toHaveLength(2);
    expect(files[1]).toBe('index.json');
    expect(files[0]).toMatch(/^c-[0-9a-f]{16}-\d+\.json$/);
  });

  it('keeps changes made after the last record once closed', async () => {
    const store = await createMemoryVectorStore({ directory });
    await store.ensure(DIMENSIONS, EMBEDDER);
    await store.upsert(K8S_POINTS);
    await store.close();
    const reopened = await createMemoryVectorStore({ directory });
    await reopened.ensure(DIMENSIONS, EMBEDDER);
    expect(await reopened.count('k8s')).toBe(6);
    expect(await reopened.courses()).toEqual(new Map());
  });

  it('refuses upserts beyond its point bound and keeps what it had', async () => {
    const store = await createMemoryVectorStore({ directory: null, maxPoints: 6 });
    await store.ensure(DIMENSIONS, EMBEDDER);
    await store.upsert(K8S_POINTS);
    await expect(store.upsert(DOCKER_POINTS)).rejects.toThrow('the vector index is full (6 points)');
    await store.upsert([point(chunk('k8s', 'pods', 0), v(0, 1))]);
    expect(await store.count()).toBe(6);
  });

  it('fails to open when the manifest names a file that is gone, rather than serving a partial index', async () => {
    const store = await createMemoryVectorStore({ directory });
    await store.ensure(DIMENSIONS, EMBEDDER);
    await store.upsert(K8S_POINTS);
    await store.recordCourse('k8s', { version: 1, featureStats: null });
    const [courseFile] = (await readdir(directory)).filter((name) => name.startsWith('c-'));
    await rm(join(directory, courseFile ?? ''));
    await expect(createMemoryVectorStore({ directory })).rejects.toThrow(/is missing or unreadable/);
  });

  it('answers the same after thousands of replaced points are compacted away and reloaded', async () => {
    const store = await createMemoryVectorStore({ directory });
    await store.ensure(DIMENSIONS, EMBEDDER);
    await store.upsert(K8S_POINTS);
    // Re-upserting the same ids leaves dead slots; past 1024 of them the segment is compacted.
    for (let round = 0; round < 400; round++) await store.upsert(K8S_POINTS);
    expect(await store.count('k8s')).toBe(6);
    expect((await ranked(store)).map(([id]) => id)).toEqual([
      'pods:0',
      'pods:1',
      'svc:0',
      'quiz:0',
      'video:0',
    ]);
    await store.close();
    const reopened = await createMemoryVectorStore({ directory });
    await reopened.ensure(DIMENSIONS, EMBEDDER);
    expect(await ranked(reopened)).toEqual([
      ['pods:0', 1],
      ['pods:1', 0.8],
      ['svc:0', 0.7071],
      ['quiz:0', 0.6],
      ['video:0', 0.5],
    ]);
  });

  it('refuses to work before ensure', async () => {
    const store = await createMemoryVectorStore({ directory: null });
    await expect(store.upsert(K8S_POINTS)).rejects.toThrow('call ensure() before using the vector store');
  });
});

describe('Qdrant vector store against the local Qdrant test server', () => {
  let fake: FakeQdrant;
  beforeAll(async () => {
    fake = await startFakeQdrant();
  });
  afterAll(async () => {
    await fake.close();
  });

  contract(
    'contract',
    qdrantSubject(() => fake.url),
  );

  it('derives stable UUID point ids from chunk ids', () => {
    expect(pointId('pods:0')).toBe(pointId('pods:0'));
    expect(pointId('pods:0')).not.toBe(pointId('pods:1'));
    expect(pointId('pods:0')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('upserts in batches and indexes the filter fields', async () => {
    const collection = `lc_test_${randomBytes(5).toString('hex')}`;
    const store = createQdrantVectorStore({ url: fake.url, collection, batchSize: 4 });
    await store.ensure(DIMENSIONS, EMBEDDER);
    const before = fake.requests.length;
    await store.upsert([...K8S_POINTS, ...DOCKER_POINTS]);
    expect(fake.requests.slice(before)).toEqual([
      `PUT /collections/${collection}/points`,
      `PUT /collections/${collection}/points`,
    ]);
    expect([...(fake.collections.get(collection)?.payloadIndexes ?? [])]).toEqual([
      ['courseId', 'keyword'],
      ['lessonId', 'keyword'],
      ['source', 'keyword'],
    ]);
    expect(fake.collections.get(collection)?.points.has(pointId('pods:0'))).toBe(true);
  });
});

(REAL_QDRANT_URL ? describe : describe.skip)(
  REAL_QDRANT_URL
    ? 'Qdrant vector store against a real Qdrant'
    : 'Qdrant vector store against a real Qdrant (skipped: set QDRANT_URL to run it)',
  () => {
    contract(
      'contract',
      qdrantSubject(() => REAL_QDRANT_URL ?? ''),
    );
  },
);
