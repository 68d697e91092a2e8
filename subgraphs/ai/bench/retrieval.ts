/**
 * Retrieval bench (`npm run bench:retrieval`). Prints, never asserts:
 *
 * 1. quality of the offline lexical retriever over the bench questions: recall@1, recall@3, MRR
 *    and the misses;
 * 2. speed and memory of the in-process store with 100,000 passages of text recombined from the
 *    demo courses, spread over 50 courses and all in one course (the worst case for a search):
 *    build time (persisting to a temporary directory as the embedded default does), heap and
 *    RSS, size on disk and time to load it again, and retrieval latency (query embedding + idf +
 *    search) p50/p95/p99.
 *
 * Bounded: fixed sizes and query counts, seeded randomness, exits when done.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@learncraft/kit';
import { chunkCourse } from '../src/domain/chunking';
import type { CourseContent, LessonContent } from '../src/domain/content';
import { createLexicalEmbedder } from '../src/domain/lexical';
import type { Embedder } from '../src/providers/types';
import { Retriever } from '../src/services/retriever';
import { createMemoryVectorStore } from '../src/stores/memoryVectorStore';
import { demoCourseContents } from '../test/support/demoContent';
import { benchQuestions } from './questions';
import { measureRecall } from './recall';

const TOTAL_PASSAGES = 100_000;
const QUERIES = 500;
const WARMUP_QUERIES = 50;
/** Sections per synthetic lesson; each section is one passage. */
const SECTIONS_PER_LESSON = 50;

async function main() {
  const embedder = createLexicalEmbedder();
  console.log(`embedder: ${embedder.id}`);

  const recall = await measureRecall(embedder);
  console.log(`\n== retrieval quality (${recall.questions} questions over the demo courses)`);
  console.log(
    `recall@1 ${recall.recallAt1.toFixed(3)}  recall@3 ${recall.recallAt3.toFixed(3)}  MRR ${recall.mrr.toFixed(3)}`,
  );
  for (const miss of recall.misses) {
    console.log(
      `  miss: "${miss.question.question}" wants ${miss.question.lessonId}; got ${miss.got.join(', ')}`,
    );
  }

  const sentences = demoSentences();
  console.log(
    `\n== in-process store, ${TOTAL_PASSAGES} synthetic passages from ${sentences.length} demo sentences`,
  );
  await measureScale('50 courses x 2,000 passages', 50, sentences, embedder);
  await measureScale('1 course x 100,000 passages (worst case)', 1, sentences, embedder);
}

async function measureScale(label: string, courses: number, sentences: string[], embedder: Embedder) {
  const random = seeded(42);
  const directory = await mkdtemp(join(tmpdir(), 'lc-bench-vectors-'));
  const store = await createMemoryVectorStore({ directory });
  const retriever = new Retriever({
    store,
    embedder,
    logger: createLogger('bench', 'silent'),
    batchSize: 256,
  });
  await retriever.open();
  const perCourse = TOTAL_PASSAGES / courses;
  const started = performance.now();
  let indexed = 0;
  for (let c = 0; c < courses; c++) {
    const course = syntheticCourse(`synthetic-${c}`, perCourse, sentences, random);
    indexed += (await retriever.indexCourse(course)).chunks;
    if (courses === 1 || (c + 1) % 10 === 0) process.stderr.write(`  indexed ${indexed} passages\n`);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  collectGarbage();
  const memory = process.memoryUsage();
  console.log(`\n-- ${label}`);
  console.log(
    `build ${buildSeconds.toFixed(1)} s (${Math.round(indexed / buildSeconds)} passages/s; chunk + embed + upsert + persist), ` +
      `${await store.count()} points; heapUsed ${mb(memory.heapUsed)} MB, typed arrays ${mb(memory.arrayBuffers)} MB, ` +
      `rss ${mb(memory.rss)} MB`,
  );

  const questions = [...benchQuestions.map((q) => q.question), ...sentences.map(fragment)];
  const timings: number[] = [];
  let returned = 0;
  for (let i = 0; i < WARMUP_QUERIES + QUERIES; i++) {
    const text = questions[Math.floor(random() * questions.length)] ?? 'pods';
    const courseId = `synthetic-${Math.floor(random() * courses)}`;
    const t0 = performance.now();
    const hits = await retriever.search({ courseId, text, limit: 8 });
    const elapsed = performance.now() - t0;
    if (i >= WARMUP_QUERIES) {
      timings.push(elapsed);
      returned += hits.length;
    }
  }
  timings.sort((a, b) => a - b);
  console.log(
    `search (limit 8, ${QUERIES} queries): p50 ${pct(timings, 0.5)} ms  p95 ${pct(timings, 0.95)} ms  ` +
      `p99 ${pct(timings, 0.99)} ms  max ${pct(timings, 1)} ms; ${(returned / QUERIES).toFixed(1)} hits/query`,
  );
  await store.close();

  const files = await readdir(directory);
  let bytes = 0;
  for (const name of files) bytes += (await stat(join(directory, name))).size;
  const loaded = await loadInFreshProcess(directory);
  console.log(
    `on disk ${mb(bytes)} MB in ${files.length} files; a fresh process loads its ${loaded.points} points in ` +
      `${loaded.seconds.toFixed(1)} s and then holds heapUsed ${mb(loaded.heapUsed)} MB, ` +
      `typed arrays ${mb(loaded.arrayBuffers)} MB, rss ${mb(loaded.rss)} MB`,
  );
  await rm(directory, { recursive: true, force: true });
}

interface LoadReport {
  points: number;
  seconds: number;
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
}

/** What the index costs a service that starts with it on disk, without the build's garbage around. */
function loadInFreshProcess(directory: string): Promise<LoadReport> {
  const script = process.argv[1] ?? '';
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...process.execArgv, script, LOAD_ONLY, directory],
      { timeout: 300_000, maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error) reject(new Error(`the load process failed: ${error.message}`));
        else resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LoadReport);
      },
    );
  });
}

const LOAD_ONLY = '--load-only';

async function loadOnly(directory: string) {
  const embedder = createLexicalEmbedder();
  const started = performance.now();
  const store = await createMemoryVectorStore({ directory });
  await store.ensure(embedder.dimensions, embedder.id);
  const seconds = (performance.now() - started) / 1000;
  collectGarbage();
  const memory = process.memoryUsage();
  const report: LoadReport = {
    points: await store.count(),
    seconds,
    heapUsed: memory.heapUsed,
    arrayBuffers: memory.arrayBuffers,
    rss: memory.rss,
  };
  console.log(JSON.stringify(report));
}

/** Every sentence of the demo courses' passages, deduplicated. */
function demoSentences(): string[] {
  const out = new Set<string>();
  for (const course of demoCourseContents().values()) {
    for (const chunk of chunkCourse(course)) {
      for (const sentence of chunk.text.match(/[^.!?\n]+[.!?]+/g) ?? []) {
        const trimmed = sentence.trim();
        if (trimmed.length > 30) out.add(trimmed);
      }
    }
  }
  return [...out];
}

/** Lessons of SECTIONS_PER_LESSON sections, each a heading and 3-7 recombined sentences (one passage). */
function syntheticCourse(
  id: string,
  passages: number,
  sentences: string[],
  random: () => number,
): CourseContent {
  const lessons: LessonContent[] = [];
  for (let l = 0; l * SECTIONS_PER_LESSON < passages; l++) {
    const sections: string[] = [];
    for (let s = 0; s < SECTIONS_PER_LESSON && l * SECTIONS_PER_LESSON + s < passages; s++) {
      const body: string[] = [];
      const count = 3 + Math.floor(random() * 5);
      let length = 0;
      for (let k = 0; k < count && length < 650; k++) {
        const sentence = sentences[Math.floor(random() * sentences.length)] ?? '';
        body.push(sentence);
        length += sentence.length + 1;
      }
      sections.push(`## ${fragment(body[0] ?? 'Section')}\n\n${body.join(' ')}`);
    }
    lessons.push({
      id: `${id}/lesson-${l}`,
      title: `Lesson ${l}`,
      kind: 'READING',
      moduleId: `${id}/module-${Math.floor(l / 10)}`,
      moduleTitle: `Module ${Math.floor(l / 10)}`,
      markdown: sections.join('\n\n'),
      transcriptVtt: null,
      lab: null,
      quiz: null,
    });
  }
  return { id, version: 1, title: id, published: true, instructorIds: [], lessons };
}

/** The first few words of a sentence: a heading, or a terse query. */
function fragment(sentence: string): string {
  return sentence
    .split(/\s+/)
    .slice(0, 6)
    .join(' ')
    .replace(/[.,:;!?]+$/, '');
}

/** Mulberry32: small, fast, reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pct(sorted: number[], p: number): string {
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  return value.toFixed(2);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

/** Collects garbage when run with --expose-gc, so memory figures show what the index holds. */
function collectGarbage() {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc === 'function') gc();
}

const loadOnlyAt = process.argv.indexOf(LOAD_ONLY);
(loadOnlyAt > 0 ? loadOnly(process.argv[loadOnlyAt + 1] ?? '') : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
