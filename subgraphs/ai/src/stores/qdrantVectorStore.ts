/**
 * The vector store on Qdrant (full stack and scale-out). Two collections:
 *
 * - `<name>` holds the passages: one point per chunk, cosine distance, payload
 *   `{ courseId, lessonId, source, chunkId, chunk }` with keyword indexes on the three filter fields;
 * - `<name>_meta` holds the bookkeeping as points with a one-number vector: one point naming the
 *   embedder and dimension that built the index, and one per course with its catalog version and
 *   feature statistics. A second collection keeps these records out of every passage search.
 *
 * Qdrant point ids must be UUIDs or integers, so each id is a name-based UUID (SHA-1, version 5
 * layout) of the chunk id; the chunk id itself travels in the payload.
 */
import { createHash } from 'node:crypto';
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import type { Chunk, ScoredChunk } from '../domain/chunks';
import {
  VectorStoreError,
  type CourseIndexRecord,
  type FeatureStats,
  type VectorPoint,
  type VectorSearch,
  type VectorStore,
} from './vectorStore';

export interface QdrantVectorStoreOptions {
  url: string;
  apiKey?: string | null;
  /** The passages collection; the bookkeeping lives in `<collection>_meta`. */
  collection?: string;
  /** Points per upsert request (a 4096-dimension point is about 20 KB of JSON). */
  batchSize?: number;
  /** Per-request timeout, milliseconds. */
  timeoutMs?: number;
}

export const DEFAULT_QDRANT_COLLECTION = 'learncraft_chunks';
const DEFAULT_BATCH_SIZE = 64;
const SCROLL_PAGE = 1000;
const INDEX_POINT = 'index';

export function createQdrantVectorStore(options: QdrantVectorStoreOptions): VectorStore {
  return new QdrantVectorStore(options);
}

interface ChunkPayload {
  courseId: string;
  lessonId: string;
  source: string;
  chunkId: string;
  chunk: Chunk;
}

class QdrantVectorStore implements VectorStore {
  private readonly client: QdrantClient;
  private readonly collection: string;
  private readonly meta: string;
  private readonly batchSize: number;
  private dimensions: number | null = null;

  constructor(options: QdrantVectorStoreOptions) {
    this.client = new QdrantClient({
      url: options.url,
      apiKey: options.apiKey ?? undefined,
      timeout: options.timeoutMs ?? 30_000,
      // The check is a background request that only ever warns on the console.
      checkCompatibility: false,
    });
    this.collection = options.collection ?? DEFAULT_QDRANT_COLLECTION;
    this.meta = `${this.collection}_meta`;
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  }

  async ensure(dimensions: number, embedderId: string): Promise<{ rebuilt: boolean }> {
    if (!Number.isInteger(dimensions) || dimensions < 1) {
      throw new VectorStoreError(`dimensions must be a positive integer, got ${dimensions}`);
    }
    const [chunksExist, metaExist] = await Promise.all([
      this.client.collectionExists(this.collection),
      this.client.collectionExists(this.meta),
    ]);
    if (chunksExist.exists && metaExist.exists) {
      const [info, marker] = await Promise.all([
        this.client.getCollection(this.collection),
        this.client.retrieve(this.meta, { ids: [pointId(INDEX_POINT)], with_payload: true }),
      ]);
      const vectors = info.config.params.vectors;
      const size = vectors && 'size' in vectors && typeof vectors.size === 'number' ? vectors.size : null;
      const payload = marker[0]?.payload;
      if (size === dimensions && payload?.embedderId === embedderId && payload.dimensions === dimensions) {
        this.dimensions = dimensions;
        return { rebuilt: false };
      }
    }
    const rebuilt = chunksExist.exists || metaExist.exists;
    if (chunksExist.exists) await this.client.deleteCollection(this.collection);
    if (metaExist.exists) await this.client.deleteCollection(this.meta);
    await this.client.createCollection(this.collection, {
      vectors: { size: dimensions, distance: 'Cosine' },
    });
    for (const field of ['courseId', 'lessonId', 'source']) {
      await this.client.createPayloadIndex(this.collection, {
        field_name: field,
        field_schema: 'keyword',
        wait: true,
      });
    }
    await this.client.createCollection(this.meta, { vectors: { size: 1, distance: 'Dot' } });
    await this.client.createPayloadIndex(this.meta, {
      field_name: 'kind',
      field_schema: 'keyword',
      wait: true,
    });
    // Written last: an ensure interrupted before this point is redone from scratch next time.
    await this.client.upsert(this.meta, {
      wait: true,
      points: [{ id: pointId(INDEX_POINT), vector: [1], payload: { kind: 'index', embedderId, dimensions } }],
    });
    this.dimensions = dimensions;
    return { rebuilt };
  }

  async upsert(points: readonly VectorPoint[]): Promise<void> {
    const dimensions = this.ready();
    for (const point of points) {
      if (point.id !== point.chunk.id)
        throw new VectorStoreError(`point id ${point.id} differs from its chunk id`);
      if (point.vector.length !== dimensions) {
        throw new VectorStoreError(
          `expected a vector of ${dimensions} dimensions, got ${point.vector.length}`,
        );
      }
    }
    for (let start = 0; start < points.length; start += this.batchSize) {
      const batch = points.slice(start, start + this.batchSize);
      await this.client.upsert(this.collection, {
        wait: true,
        points: batch.map((point) => ({
          id: pointId(point.id),
          vector: point.vector,
          payload: {
            courseId: point.chunk.courseId,
            lessonId: point.chunk.lessonId,
            source: point.chunk.source,
            chunkId: point.chunk.id,
            chunk: { ...point.chunk },
          } satisfies ChunkPayload,
        })),
      });
    }
  }

  async pruneCourse(courseId: string, keepIds: ReadonlySet<string>): Promise<void> {
    this.ready();
    const stale: string[] = [];
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.client.scroll(this.collection, {
        filter: { must: [{ key: 'courseId', match: { value: courseId } }] },
        with_payload: ['chunkId'],
        with_vector: false,
        limit: SCROLL_PAGE,
        offset,
      });
      for (const point of page.points) {
        const chunkId = chunkIdOf(point.payload);
        if (chunkId === null || !keepIds.has(chunkId)) stale.push(String(point.id));
      }
      offset = nextOffset(page.next_page_offset);
    } while (offset !== undefined);
    for (let start = 0; start < stale.length; start += SCROLL_PAGE) {
      await this.client.delete(this.collection, {
        wait: true,
        points: stale.slice(start, start + SCROLL_PAGE),
      });
    }
  }

  async deleteCourse(courseId: string): Promise<void> {
    this.ready();
    await this.client.delete(this.collection, {
      wait: true,
      filter: { must: [{ key: 'courseId', match: { value: courseId } }] },
    });
    await this.client.delete(this.meta, { wait: true, points: [pointId(`course:${courseId}`)] });
  }

  async search(vector: number[], query: VectorSearch): Promise<ScoredChunk[]> {
    const dimensions = this.ready();
    if (vector.length !== dimensions) {
      throw new VectorStoreError(`expected a vector of ${dimensions} dimensions, got ${vector.length}`);
    }
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0 || !vector.some((value) => value !== 0)) return [];
    const mustNot: Schemas['Condition'][] = [];
    if (query.excludeLessonIds?.length)
      mustNot.push({ key: 'lessonId', match: { any: [...query.excludeLessonIds] } });
    if (query.excludeSources?.length)
      mustNot.push({ key: 'source', match: { any: [...query.excludeSources] } });
    const result = await this.client.query(this.collection, {
      query: vector,
      filter: { must: [{ key: 'courseId', match: { value: query.courseId } }], must_not: mustNot },
      limit,
      with_payload: true,
      with_vector: false,
    });
    return result.points
      .filter((point) => point.score > 0)
      .map((point) => ({ ...chunkOf(point.payload), score: point.score }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async courses(): Promise<Map<string, CourseIndexRecord>> {
    this.ready();
    const out = new Map<string, CourseIndexRecord>();
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.client.scroll(this.meta, {
        filter: { must: [{ key: 'kind', match: { value: 'course' } }] },
        with_payload: true,
        with_vector: false,
        limit: SCROLL_PAGE,
        offset,
      });
      for (const point of page.points) {
        const payload = point.payload ?? {};
        if (typeof payload.courseId === 'string' && typeof payload.version === 'number') {
          out.set(payload.courseId, {
            version: payload.version,
            featureStats: featureStatsOf(payload.featureStats),
          });
        }
      }
      offset = nextOffset(page.next_page_offset);
    } while (offset !== undefined);
    return out;
  }

  async recordCourse(courseId: string, record: CourseIndexRecord): Promise<void> {
    this.ready();
    await this.client.upsert(this.meta, {
      wait: true,
      points: [
        {
          id: pointId(`course:${courseId}`),
          vector: [1],
          payload: { kind: 'course', courseId, version: record.version, featureStats: record.featureStats },
        },
      ],
    });
  }

  async count(courseId?: string): Promise<number> {
    this.ready();
    const result = await this.client.count(this.collection, {
      exact: true,
      filter:
        courseId === undefined ? undefined : { must: [{ key: 'courseId', match: { value: courseId } }] },
    });
    return result.count;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private ready(): number {
    if (this.dimensions === null) throw new VectorStoreError('call ensure() before using the vector store');
    return this.dimensions;
  }
}

/** Fixed namespace for LearnCraft's name-based point ids. */
const NAMESPACE = Buffer.from('6c6561726e637261667420636875636b', 'hex');

/** A deterministic UUID for a name: SHA-1 of namespace + name with the version 5 and RFC 4122 variant bits. */
export function pointId(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The typings allow an object here; Qdrant only ever sends a point id or null. */
function nextOffset(
  offset: Schemas['ScrollResult']['next_page_offset'],
): Schemas['ExtendedPointId'] | undefined {
  return typeof offset === 'string' || typeof offset === 'number' ? offset : undefined;
}

type Payload = Record<string, unknown> | null | undefined;

function chunkIdOf(payload: Payload): string | null {
  return typeof payload?.chunkId === 'string' ? payload.chunkId : null;
}

/** The chunk as stored; a point that lacks one was not written by this adapter. */
function chunkOf(payload: Payload): Chunk {
  const chunk = payload?.chunk;
  if (!isChunk(chunk)) throw new VectorStoreError('a Qdrant point has no chunk payload');
  return chunk;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isChunk(value: unknown): value is Chunk {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.courseId === 'string' &&
    typeof value.lessonId === 'string' &&
    typeof value.text === 'string' &&
    typeof value.source === 'string'
  );
}

function featureStatsOf(value: unknown): FeatureStats | null {
  if (!isRecord(value) || typeof value.documents !== 'number' || !isRecord(value.documentFrequency))
    return null;
  const documentFrequency: Record<string, number> = {};
  for (const [feature, count] of Object.entries(value.documentFrequency)) {
    if (typeof count === 'number') documentFrequency[feature] = count;
  }
  return { documents: value.documents, documentFrequency };
}
