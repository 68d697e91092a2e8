/**
 * Retrieval for the tutor: indexes course content into the vector store and finds the passages
 * that answer a question within one course. Indexing a course upserts its new passages (ids are
 * stable, so unchanged passages are overwritten in place and searches keep working meanwhile),
 * prunes those the new content no longer has, and records the catalog version last; a crash
 * half-way therefore leaves the old version recorded and the course is indexed again on start.
 *
 * With a term-feature embedder (the offline lexical one) the retriever also keeps, per course, how
 * many passages contain each hashed feature and weights query features by idf; see domain/lexical.ts.
 */
import type { Logger } from '@learncraft/kit';
import type { ChunkSource, ScoredChunk, Chunk } from '../domain/chunks';
import { chunkCourse } from '../domain/chunking';
import type { CourseContent } from '../domain/content';
import { inverseDocumentFrequency } from '../domain/lexical';
import type { Embedder } from '../providers/types';
import type { CourseIndexRecord, FeatureStats, VectorStore } from '../stores/vectorStore';

export interface RetrieverDeps {
  store: VectorStore;
  embedder: Embedder;
  logger: Logger;
  /** Passages embedded per call; bounds memory and the size of one embedding request. */
  batchSize?: number;
}

export interface RetrievalQuery {
  courseId: string;
  text: string;
  limit: number;
  /** The lesson the learner is on: its passages get a modest boost. */
  lessonId?: string | null;
  excludeLessonIds?: readonly string[];
  excludeSources?: readonly ChunkSource[];
}

/** Multiplier for passages of the learner's current lesson: enough to break near-ties, not to override relevance. */
export const CURRENT_LESSON_BOOST = 1.15;
const DEFAULT_BATCH_SIZE = 64;

export class Retriever {
  private readonly store: VectorStore;
  private readonly embedder: Embedder;
  private readonly logger: Logger;
  private readonly batchSize: number;
  /** Feature statistics per course, loaded from the store once and kept in step by indexing. */
  private stats: Map<string, FeatureStats | null> | null = null;

  constructor(deps: RetrieverDeps) {
    this.store = deps.store;
    this.embedder = deps.embedder;
    this.logger = deps.logger;
    this.batchSize = Math.max(1, deps.batchSize ?? DEFAULT_BATCH_SIZE);
  }

  /** Prepares the store for this embedder; `rebuilt` means every course must be indexed again. */
  async open(): Promise<{ rebuilt: boolean }> {
    const result = await this.store.ensure(this.embedder.dimensions, this.embedder.id);
    if (result.rebuilt)
      this.logger.info(`vector index: built by another embedder, emptied for ${this.embedder.id}`);
    this.stats = null;
    return result;
  }

  /** Chunks, embeds and stores the course, replacing what the index held for it. */
  async indexCourse(course: CourseContent, signal?: AbortSignal): Promise<{ chunks: number }> {
    const chunks = chunkCourse(course);
    const documentFrequency = new Map<number, number>();
    for (let start = 0; start < chunks.length; start += this.batchSize) {
      signal?.throwIfAborted();
      const batch = chunks.slice(start, start + this.batchSize);
      const vectors = await this.embedder.embedDocuments(batch.map(embeddingText), signal);
      if (vectors.length !== batch.length) {
        throw new Error(`embedder returned ${vectors.length} vectors for ${batch.length} passages`);
      }
      if (this.embedder.termFeatures) countFeatures(vectors, documentFrequency);
      // A passage with no words the embedder keeps can never match; Qdrant cannot normalise it either.
      const points = batch
        .map((chunk, i) => ({ id: chunk.id, chunk, vector: vectors[i] ?? [] }))
        .filter((point) => point.vector.some((value) => value !== 0));
      await this.store.upsert(points);
      if (chunks.length > this.batchSize) {
        this.logger.info(
          `vector index: course ${course.id} ${Math.min(start + batch.length, chunks.length)}/${chunks.length} passages`,
        );
      }
    }
    await this.store.pruneCourse(course.id, new Set(chunks.map((chunk) => chunk.id)));
    const featureStats: FeatureStats | null = this.embedder.termFeatures
      ? { documents: chunks.length, documentFrequency: Object.fromEntries(documentFrequency) }
      : null;
    const record: CourseIndexRecord = { version: course.version, featureStats };
    await this.store.recordCourse(course.id, record);
    (await this.loadedStats()).set(course.id, featureStats);
    this.logger.info(
      `vector index: indexed course ${course.id} v${course.version} (${chunks.length} passages)`,
    );
    return { chunks: chunks.length };
  }

  async removeCourse(courseId: string): Promise<void> {
    await this.store.deleteCourse(courseId);
    (await this.loadedStats()).delete(courseId);
    this.logger.info(`vector index: removed course ${courseId}`);
  }

  /** The catalog version of every indexed course, by course id. */
  async indexedVersions(): Promise<Map<string, number>> {
    const records = await this.store.courses();
    return new Map([...records].map(([courseId, record]) => [courseId, record.version]));
  }

  /** The best passages for the question within the course, best first. */
  async search(query: RetrievalQuery, signal?: AbortSignal): Promise<ScoredChunk[]> {
    const limit = Math.floor(query.limit);
    if (limit <= 0 || !query.text.trim()) return [];
    let vector = await this.embedder.embedQuery(query.text, signal);
    if (this.embedder.termFeatures) {
      const stats = (await this.loadedStats()).get(query.courseId);
      if (!stats) return [];
      vector = weightByIdf(vector, stats);
    }
    if (!vector.some((value) => value !== 0)) return [];
    // Fetch a few extra so a boosted passage just below the cut can still enter the results.
    const fetched = await this.store.search(vector, {
      courseId: query.courseId,
      limit: query.lessonId ? limit * 3 : limit,
      excludeLessonIds: query.excludeLessonIds,
      excludeSources: query.excludeSources,
    });
    if (!query.lessonId) return fetched;
    return fetched
      .map((hit) =>
        hit.lessonId === query.lessonId ? { ...hit, score: hit.score * CURRENT_LESSON_BOOST } : hit,
      )
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit);
  }

  private async loadedStats(): Promise<Map<string, FeatureStats | null>> {
    if (!this.stats) {
      const records = await this.store.courses();
      this.stats = new Map([...records].map(([courseId, record]) => [courseId, record.featureStats]));
    }
    return this.stats;
  }
}

/**
 * What the embedder sees for a passage: the lesson title and heading give the passage its topic
 * (a transcript window rarely names it), then the text.
 */
export function embeddingText(chunk: Chunk): string {
  return [chunk.lessonTitle, chunk.heading, chunk.text].filter(Boolean).join('\n');
}

function countFeatures(vectors: number[][], documentFrequency: Map<number, number>): void {
  for (const vector of vectors) {
    for (let feature = 0; feature < vector.length; feature++) {
      if (vector[feature] !== 0) documentFrequency.set(feature, (documentFrequency.get(feature) ?? 0) + 1);
    }
  }
}

/** Query features scaled by idf; features no passage of the course has are dropped (they match nothing). */
function weightByIdf(vector: number[], stats: FeatureStats): number[] {
  return vector.map((value, feature) => {
    if (value === 0) return 0;
    const df = stats.documentFrequency[feature] ?? 0;
    return df === 0 ? 0 : value * inverseDocumentFrequency(df, stats.documents);
  });
}
