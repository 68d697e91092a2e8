/**
 * The vector store port: passages with their vectors, searched by cosine similarity, always
 * within one course. Adapters: memoryVectorStore.ts (in-process, persisted to the data
 * directory; the embedded default) and qdrantVectorStore.ts. Both run test/vectorStore.test.ts.
 *
 * The index also remembers, per course, which catalog version it holds (so a restart re-indexes
 * only courses that changed) and the feature statistics the lexical retriever needs; and, for the
 * whole index, which embedder built it (vectors of another embedder are meaningless, so `ensure`
 * with another embedder id or dimension empties the index).
 */
import type { Chunk, ChunkSource, ScoredChunk } from '../domain/chunks';

export interface VectorPoint {
  /** The chunk id (`<lessonId>:<ordinal>`); upserting an existing id replaces that point. */
  id: string;
  /** `dimensions` numbers; adapters normalise, so any non-zero length is fine. */
  vector: number[];
  chunk: Chunk;
}

export interface VectorSearch {
  courseId: string;
  limit: number;
  /** Passages of these lessons are never returned (e.g. quizzes the learner has not passed). */
  excludeLessonIds?: readonly string[];
  /** Passages of these sources are never returned. */
  excludeSources?: readonly ChunkSource[];
}

/** How many of a course's passages contain each hashed feature (lexical embedders only). */
export interface FeatureStats {
  documents: number;
  /** Feature index (as a decimal string) to the number of passages with a non-zero value there. */
  documentFrequency: Record<string, number>;
}

/** What the index holds for one course. */
export interface CourseIndexRecord {
  /** The catalog version the course's points were built from. */
  version: number;
  featureStats: FeatureStats | null;
}

export interface VectorStore {
  /**
   * Prepares the index for vectors of `dimensions` from `embedderId`. If it holds vectors of
   * another embedder or size it is emptied (points and course records) and `rebuilt` is true.
   * Must be called before anything else.
   */
  ensure(dimensions: number, embedderId: string): Promise<{ rebuilt: boolean }>;
  upsert(points: readonly VectorPoint[]): Promise<void>;
  /** Removes the course's points whose id is not in `keepIds` (what a re-index no longer produced). */
  pruneCourse(courseId: string, keepIds: ReadonlySet<string>): Promise<void>;
  /** Removes every point of the course and its record. */
  deleteCourse(courseId: string): Promise<void>;
  /** Best matches first; ties broken by chunk id so results are reproducible. */
  search(vector: number[], query: VectorSearch): Promise<ScoredChunk[]>;
  /** The course records, by course id. */
  courses(): Promise<Map<string, CourseIndexRecord>>;
  /** Records the course as indexed at this version; the commit point of indexing a course. */
  recordCourse(courseId: string, record: CourseIndexRecord): Promise<void>;
  /** How many points the course has (all courses when omitted). */
  count(courseId?: string): Promise<number>;
  close(): Promise<void>;
}

/** Thrown by adapters for misuse (wrong dimension, not ensured, over capacity). */
export class VectorStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VectorStoreError';
  }
}
