/**
 * The retriever over the real demo content with the offline lexical embedder and the in-process
 * store: what a learner asking the tutor gets back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@learncraft/kit';
import { chunkCourse } from '../src/domain/chunking';
import type { CourseContent, LessonContent } from '../src/domain/content';
import { createLexicalEmbedder } from '../src/domain/lexical';
import { Retriever } from '../src/services/retriever';
import { createMemoryVectorStore, type MemoryVectorStore } from '../src/stores/memoryVectorStore';
import { demoCourseContents } from './support/demoContent';

const demo = demoCourseContents();
const K8S = demo.get('kubernetes-basics') as CourseContent;
const DOCKER = demo.get('docker-for-developers') as CourseContent;

/** Collects info lines so tests can check the progress a long indexing run reports. */
function recordingLogger(lines: string[] = []): Logger {
  const logger: Logger = {
    debug: () => undefined,
    info: (message) => void lines.push(message),
    warn: (message) => void lines.push(message),
    error: (message) => void lines.push(message),
    child: () => logger,
  };
  return logger;
}

function reading(id: string, markdown: string): LessonContent {
  return {
    id,
    title: `Lesson ${id}`,
    kind: 'READING',
    moduleId: 'm',
    moduleTitle: 'Module',
    markdown,
    transcriptVtt: null,
    lab: null,
    quiz: null,
  };
}

describe('Retriever over the demo courses', () => {
  let directory: string;
  let store: MemoryVectorStore;
  let retriever: Retriever;
  let log: string[];

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'lc-retriever-'));
    store = await createMemoryVectorStore({ directory });
    log = [];
    retriever = new Retriever({
      store,
      embedder: createLexicalEmbedder(),
      logger: recordingLogger(log),
      batchSize: 10,
    });
    expect(await retriever.open()).toEqual({ rebuilt: false });
    await retriever.indexCourse(K8S);
    await retriever.indexCourse(DOCKER);
  });

  afterEach(async () => {
    await store.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('answers "what is a pod?" in Kubernetes Basics from the Pods and Containers lesson first', async () => {
    const hits = await retriever.search({ courseId: K8S.id, text: 'what is a pod?', limit: 3 });
    expect(hits[0]?.lessonId).toBe('kubernetes-basics/pods-and-containers');
    expect(hits[0]?.lessonTitle).toBe('Pods and Containers');
    expect(hits[0]?.source).toBe('TRANSCRIPT');
    expect(hits[0]?.startSeconds).toBe(63);
    expect(hits).toHaveLength(3);
  });

  it('indexes every passage of the course and reports progress and the version', async () => {
    expect(await store.count(K8S.id)).toBe(28);
    expect(chunkCourse(K8S)).toHaveLength(28);
    expect(log.filter((line) => line.startsWith('vector index: course kubernetes-basics'))).toEqual([
      'vector index: course kubernetes-basics 10/28 passages',
      'vector index: course kubernetes-basics 20/28 passages',
      'vector index: course kubernetes-basics 28/28 passages',
    ]);
    expect(log).toContain('vector index: indexed course kubernetes-basics v1 (28 passages)');
    expect(await retriever.indexedVersions()).toEqual(
      new Map([
        ['kubernetes-basics', 1],
        ['docker-for-developers', 1],
      ]),
    );
  });

  it('searches only the asked course', async () => {
    const hits = await retriever.search({ courseId: DOCKER.id, text: 'what is a pod?', limit: 10 });
    expect(hits.every((hit) => hit.courseId === DOCKER.id)).toBe(true);
    expect(await retriever.search({ courseId: 'not-indexed', text: 'what is a pod?', limit: 10 })).toEqual(
      [],
    );
  });

  it('hides the passages of excluded lessons (a quiz the learner has not passed)', async () => {
    const open = await retriever.search({
      courseId: K8S.id,
      text: 'which component stores the cluster state?',
      limit: 3,
    });
    expect(open[0]?.lessonId).toBe('kubernetes-basics/workloads-quiz');
    const hidden = await retriever.search({
      courseId: K8S.id,
      text: 'which component stores the cluster state?',
      limit: 3,
      excludeLessonIds: ['kubernetes-basics/workloads-quiz'],
    });
    expect(hidden.map((hit) => hit.lessonId)).toEqual([
      'kubernetes-basics/cluster-architecture',
      'kubernetes-basics/cluster-architecture',
      'kubernetes-basics/cluster-architecture',
    ]);
    expect(hidden[0]?.text).toContain('etcd – a consistent, highly available key-value store');
  });

  it('hides excluded sources', async () => {
    const hits = await retriever.search({
      courseId: K8S.id,
      text: 'what is a pod?',
      limit: 10,
      excludeSources: ['TRANSCRIPT', 'QUIZ'],
    });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.filter((hit) => hit.source === 'TRANSCRIPT' || hit.source === 'QUIZ')).toEqual([]);
  });

  it('returns nothing for a question of stop words only or a zero limit', async () => {
    expect(await retriever.search({ courseId: K8S.id, text: 'what is it?', limit: 5 })).toEqual([]);
    expect(await retriever.search({ courseId: K8S.id, text: 'pods', limit: 0 })).toEqual([]);
  });

  it('replaces the course on re-index: a removed lesson is gone and the new version recorded', async () => {
    const changed: CourseContent = {
      ...K8S,
      version: 2,
      lessons: K8S.lessons.filter((lesson) => lesson.id !== 'kubernetes-basics/pods-and-containers'),
    };
    expect(await retriever.indexCourse(changed)).toEqual({ chunks: 25 });
    expect(await store.count(K8S.id)).toBe(25);
    const hits = await retriever.search({ courseId: K8S.id, text: 'what is a pod?', limit: 10 });
    expect(hits.some((hit) => hit.lessonId === 'kubernetes-basics/pods-and-containers')).toBe(false);
    expect((await retriever.indexedVersions()).get(K8S.id)).toBe(2);
  });

  it('forgets a removed course', async () => {
    await retriever.removeCourse(K8S.id);
    expect(await retriever.search({ courseId: K8S.id, text: 'what is a pod?', limit: 3 })).toEqual([]);
    expect(await retriever.indexedVersions()).toEqual(new Map([['docker-for-developers', 1]]));
  });

  it('serves the same results after a restart without re-indexing', async () => {
    const before = await retriever.search({
      courseId: K8S.id,
      text: 'how do rolling updates work?',
      limit: 5,
    });
    await store.close();
    store = await createMemoryVectorStore({ directory });
    const restarted = new Retriever({ store, embedder: createLexicalEmbedder(), logger: recordingLogger() });
    expect(await restarted.open()).toEqual({ rebuilt: false });
    expect(
      await restarted.search({ courseId: K8S.id, text: 'how do rolling updates work?', limit: 5 }),
    ).toEqual(before);
    expect(before[0]?.lessonId).toBe('kubernetes-basics/deployments-and-services');
  });

  it('reports a rebuild when another embedder opens the index', async () => {
    await store.close();
    store = await createMemoryVectorStore({ directory });
    const other = new Retriever({
      store,
      embedder: createLexicalEmbedder({ dimensions: 1024 }),
      logger: recordingLogger(),
    });
    expect(await other.open()).toEqual({ rebuilt: true });
    expect(await other.indexedVersions()).toEqual(new Map());
  });
});

describe('Retriever lesson preference', () => {
  it('lifts a passage of the learner’s current lesson above a slightly better one elsewhere', async () => {
    const store = await createMemoryVectorStore({ directory: null });
    const retriever = new Retriever({ store, embedder: createLexicalEmbedder(), logger: recordingLogger() });
    await retriever.open();
    await retriever.indexCourse({
      id: 'c',
      version: 1,
      title: 'Course',
      published: true,
      instructorIds: [],
      lessons: [
        reading('a', 'The scheduler places pods on nodes.'),
        reading('b', 'The scheduler places pods on healthy nodes.'),
        reading('z', 'Volumes keep data.'),
      ],
    });
    const plain = await retriever.search({
      courseId: 'c',
      text: 'how does the scheduler place pods',
      limit: 2,
    });
    expect(plain.map((hit) => hit.lessonId)).toEqual(['a', 'b']);
    const preferred = await retriever.search({
      courseId: 'c',
      text: 'how does the scheduler place pods',
      limit: 2,
      lessonId: 'b',
    });
    expect(preferred.map((hit) => hit.lessonId)).toEqual(['b', 'a']);
    expect(preferred[0]?.score).toBeCloseTo((plain[1]?.score ?? 0) * 1.15, 5);
  });
});
