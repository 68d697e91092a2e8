/**
 * The in-process vector index, the embedded default. One segment per course (searches are always
 * within a course, so the course filter costs nothing). Inside a segment two paths:
 *
 * - sparse vectors (the lexical embedder: a few hundred non-zero features of thousands) go into an
 *   inverted index, one posting list of (slot, weight) typed arrays per feature; a query touches
 *   only the posting lists of its own features, so 100,000 passages search in milliseconds;
 * - dense vectors (a real embedding model) go into one Float32Array slab per segment and are
 *   scanned brute force, which is exact and fast enough for a course's worth of passages.
 *
 * Persistence: with a directory, each course is one file and `index.json` names the files; every
 * file is written to a temporary name and renamed, and the manifest is renamed last, so a crash
 * leaves the previous consistent index. Changes are written when a course is recorded or deleted
 * (the retriever records a course last, after its points), on `flush` and on `close`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Chunk, ChunkSource, ScoredChunk } from '../domain/chunks';
import {
  VectorStoreError,
  type CourseIndexRecord,
  type VectorPoint,
  type VectorSearch,
  type VectorStore,
} from './vectorStore';

export interface MemoryVectorStoreOptions {
  /** Where the index lives (e.g. `<DATA_DIR>/ai/vectors`); null keeps it in memory only. */
  directory: string | null;
  /** Most points held at once; upserts beyond fail, so a runaway import cannot exhaust memory. */
  maxPoints?: number;
}

export interface MemoryVectorStore extends VectorStore {
  /** Writes pending changes to the directory now. */
  flush(): Promise<void>;
}

const DEFAULT_MAX_POINTS = 1_000_000;
const MANIFEST = 'index.json';
const FORMAT = 1;

/** Opens (and loads, when the directory holds an index) the in-process store. */
export async function createMemoryVectorStore(options: MemoryVectorStoreOptions): Promise<MemoryVectorStore> {
  const store = new InProcessVectorStore(options.directory, options.maxPoints ?? DEFAULT_MAX_POINTS);
  await store.load();
  return store;
}

interface Manifest {
  format: number;
  dimensions: number;
  embedderId: string;
  generation: number;
  courses: Record<string, { file: string | null; record: CourseIndexRecord | null }>;
}

interface CourseFile {
  chunks: Chunk[];
  /** Per chunk, where its features start in `features`/`values` (length chunks + 1). */
  offsets: string;
  features: string;
  values: string;
  /** Ordinals (into `chunks`) of the dense points, and their vectors back to back. */
  denseOrdinals: number[];
  dense: string;
}

class Postings {
  slots = new Int32Array(4);
  weights = new Float32Array(4);
  length = 0;

  push(slot: number, weight: number): void {
    if (this.length === this.slots.length) {
      const slots = new Int32Array(Math.max(4, this.length * 2));
      slots.set(this.slots);
      this.slots = slots;
      const weights = new Float32Array(Math.max(4, this.length * 2));
      weights.set(this.weights);
      this.weights = weights;
    }
    this.slots[this.length] = slot;
    this.weights[this.length] = weight;
    this.length++;
  }

  /** Gives back the growth headroom (up to half the capacity) once a course is complete. */
  trim(): void {
    if (this.slots.length === this.length) return;
    this.slots = this.slots.slice(0, this.length);
    this.weights = this.weights.slice(0, this.length);
  }
}

/** One course's points. Replaced or deleted points leave dead slots until the next compaction. */
class Segment {
  /** By slot; null = dead. */
  chunks: (Chunk | null)[] = [];
  slotOf = new Map<string, number>();
  postings = new Map<number, Postings>();
  denseSlots: number[] = [];
  dense: Float32Array;
  dead = 0;
  record: CourseIndexRecord | null = null;
  dirty = false;
  file: string | null = null;

  constructor(readonly dimensions: number) {
    this.dense = new Float32Array(0);
  }

  get alive(): number {
    return this.chunks.length - this.dead;
  }

  add(id: string, chunk: Chunk, vector: Float32Array | SparseVector): void {
    this.remove(id);
    const slot = this.chunks.length;
    this.chunks.push(chunk);
    this.slotOf.set(id, slot);
    if (vector instanceof Float32Array) {
      const at = this.denseSlots.length * this.dimensions;
      if (at + this.dimensions > this.dense.length) {
        const grown = new Float32Array(Math.max(this.dimensions * 16, this.dense.length * 2));
        grown.set(this.dense);
        this.dense = grown;
      }
      this.dense.set(vector, at);
      this.denseSlots.push(slot);
    } else {
      for (let i = 0; i < vector.features.length; i++) {
        const feature = vector.features[i] ?? 0;
        let list = this.postings.get(feature);
        if (!list) {
          list = new Postings();
          this.postings.set(feature, list);
        }
        list.push(slot, vector.values[i] ?? 0);
      }
    }
    this.dirty = true;
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.chunks[slot] = null;
    this.slotOf.delete(id);
    this.dead++;
    this.dirty = true;
    return true;
  }

  /** Drops dead slots once they are the majority, keeping posting lists and the slab compact. */
  maybeCompact(force = false): void {
    if (this.dead === 0 || (!force && this.dead < Math.max(1024, this.alive))) return;
    const remap = new Int32Array(this.chunks.length).fill(-1);
    const chunks: Chunk[] = [];
    this.chunks.forEach((chunk, slot) => {
      if (chunk) {
        remap[slot] = chunks.length;
        chunks.push(chunk);
      }
    });
    for (const [feature, list] of this.postings) {
      const next = new Postings();
      for (let i = 0; i < list.length; i++) {
        const slot = remap[list.slots[i] ?? 0] ?? -1;
        if (slot >= 0) next.push(slot, list.weights[i] ?? 0);
      }
      if (next.length > 0) this.postings.set(feature, next);
      else this.postings.delete(feature);
    }
    const denseSlots: number[] = [];
    const dense = new Float32Array(this.dense.length);
    this.denseSlots.forEach((slot, i) => {
      const to = remap[slot] ?? -1;
      if (to < 0) return;
      dense.set(
        this.dense.subarray(i * this.dimensions, (i + 1) * this.dimensions),
        denseSlots.length * this.dimensions,
      );
      denseSlots.push(to);
    });
    this.chunks = chunks;
    this.slotOf = new Map(chunks.map((chunk, slot) => [chunk.id, slot]));
    this.denseSlots = denseSlots;
    this.dense = dense;
    this.dead = 0;
  }
}

interface SparseVector {
  features: Uint32Array;
  values: Float32Array;
}

class InProcessVectorStore implements MemoryVectorStore {
  private dimensions = 0;
  private embedderId: string | null = null;
  private generation = 0;
  private segments = new Map<string, Segment>();
  private total = 0;
  /** The manifest must be rewritten even if no course file changed (a course was dropped). */
  private manifestDirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly directory: string | null,
    private readonly maxPoints: number,
  ) {}

  async load(): Promise<void> {
    if (!this.directory) return;
    await mkdir(this.directory, { recursive: true });
    const manifest = await readJson<Manifest>(join(this.directory, MANIFEST));
    if (!manifest || manifest.format !== FORMAT) return;
    this.dimensions = manifest.dimensions;
    this.embedderId = manifest.embedderId;
    this.generation = manifest.generation;
    for (const [courseId, entry] of Object.entries(manifest.courses)) {
      const segment = new Segment(this.dimensions);
      segment.record = entry.record;
      segment.file = entry.file;
      if (entry.file) {
        const file = await readJson<CourseFile>(join(this.directory, entry.file));
        if (!file) throw new VectorStoreError(`vector index file ${entry.file} is missing or unreadable`);
        loadCourseFile(segment, file, this.dimensions);
      }
      segment.dirty = false;
      this.total += segment.alive;
      this.segments.set(courseId, segment);
    }
  }

  ensure(dimensions: number, embedderId: string): Promise<{ rebuilt: boolean }> {
    if (!Number.isInteger(dimensions) || dimensions < 1) {
      return Promise.reject(new VectorStoreError(`dimensions must be a positive integer, got ${dimensions}`));
    }
    if (this.embedderId === embedderId && this.dimensions === dimensions)
      return Promise.resolve({ rebuilt: false });
    const rebuilt = this.embedderId !== null;
    this.dimensions = dimensions;
    this.embedderId = embedderId;
    this.segments.clear();
    this.total = 0;
    this.manifestDirty = true;
    return this.flush().then(() => ({ rebuilt }));
  }

  upsert(points: readonly VectorPoint[]): Promise<void> {
    return settle(() => this.upsertNow(points));
  }

  private upsertNow(points: readonly VectorPoint[]): void {
    this.assertReady();
    const prepared = points.map((point) => {
      if (point.id !== point.chunk.id)
        throw new VectorStoreError(`point id ${point.id} differs from its chunk id`);
      return { point, vector: this.prepare(point.vector) };
    });
    const added = prepared.filter(
      ({ point }) => !this.segments.get(point.chunk.courseId)?.slotOf.has(point.id),
    ).length;
    if (this.total + added > this.maxPoints) {
      throw new VectorStoreError(`the vector index is full (${this.maxPoints} points)`);
    }
    for (const { point, vector } of prepared) {
      const segment = this.segment(point.chunk.courseId);
      segment.add(point.id, point.chunk, vector);
    }
    this.total += added;
    for (const segment of this.segments.values()) segment.maybeCompact();
  }

  pruneCourse(courseId: string, keepIds: ReadonlySet<string>): Promise<void> {
    return settle(() => {
      this.assertReady();
      const segment = this.segments.get(courseId);
      if (!segment) return;
      for (const id of [...segment.slotOf.keys()]) {
        if (!keepIds.has(id) && segment.remove(id)) this.total--;
      }
      segment.maybeCompact();
    });
  }

  async deleteCourse(courseId: string): Promise<void> {
    await settle(() => this.assertReady());
    const segment = this.segments.get(courseId);
    if (!segment) return;
    this.total -= segment.alive;
    this.segments.delete(courseId);
    this.manifestDirty = true;
    await this.flush();
  }

  search(vector: number[], query: VectorSearch): Promise<ScoredChunk[]> {
    return settle(() => this.searchNow(vector, query));
  }

  private searchNow(vector: number[], query: VectorSearch): ScoredChunk[] {
    this.assertReady();
    const prepared = this.prepare(vector);
    const segment = this.segments.get(query.courseId);
    const limit = Math.max(0, Math.floor(query.limit));
    if (!segment || limit === 0) return [];
    const slotCount = segment.chunks.length;
    const scores = new Float32Array(slotCount);
    const touched = new Uint8Array(slotCount);
    const candidates: number[] = [];

    if (prepared instanceof Float32Array) {
      for (const [feature, list] of segment.postings) {
        const weight = prepared[feature] ?? 0;
        if (weight !== 0) accumulate(list, weight, scores, touched, candidates);
      }
    } else {
      for (let i = 0; i < prepared.features.length; i++) {
        const list = segment.postings.get(prepared.features[i] ?? 0);
        if (list) accumulate(list, prepared.values[i] ?? 0, scores, touched, candidates);
      }
    }
    if (segment.denseSlots.length > 0) {
      const dense = prepared instanceof Float32Array ? prepared : densify(prepared, this.dimensions);
      const dims = this.dimensions;
      segment.denseSlots.forEach((slot, i) => {
        let dot = 0;
        const base = i * dims;
        for (let d = 0; d < dims; d++) dot += (segment.dense[base + d] ?? 0) * (dense[d] ?? 0);
        scores[slot] = dot;
        if (!touched[slot]) {
          touched[slot] = 1;
          candidates.push(slot);
        }
      });
    }

    const excludedLessons = new Set(query.excludeLessonIds ?? []);
    const excludedSources = new Set<ChunkSource>(query.excludeSources ?? []);
    const top: { score: number; chunk: Chunk }[] = [];
    for (const slot of candidates) {
      const score = scores[slot] ?? 0;
      if (!(score > 0)) continue;
      const worst = top[top.length - 1];
      if (top.length === limit && worst && score < worst.score) continue;
      const chunk = segment.chunks[slot];
      if (!chunk || excludedLessons.has(chunk.lessonId) || excludedSources.has(chunk.source)) continue;
      insertRanked(top, { score, chunk }, limit);
    }
    return top.map(({ score, chunk }) => ({ ...chunk, score }));
  }

  courses(): Promise<Map<string, CourseIndexRecord>> {
    const out = new Map<string, CourseIndexRecord>();
    for (const [courseId, segment] of this.segments) if (segment.record) out.set(courseId, segment.record);
    return Promise.resolve(out);
  }

  async recordCourse(courseId: string, record: CourseIndexRecord): Promise<void> {
    await settle(() => this.assertReady());
    const segment = this.segment(courseId);
    segment.record = record;
    segment.dirty = true;
    for (const list of segment.postings.values()) list.trim();
    await this.flush();
  }

  count(courseId?: string): Promise<number> {
    if (courseId === undefined) return Promise.resolve(this.total);
    return Promise.resolve(this.segments.get(courseId)?.alive ?? 0);
  }

  flush(): Promise<void> {
    const next = this.writing.then(() => this.writeChanges());
    // A failed write must not wedge later ones; the caller of this flush still sees the failure.
    this.writing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private async writeChanges(): Promise<void> {
    const directory = this.directory;
    const dirty = [...this.segments].filter(([, segment]) => segment.dirty);
    if (!directory) {
      for (const [, segment] of dirty) segment.dirty = false;
      return;
    }
    if (dirty.length === 0 && !this.manifestDirty) return;
    await mkdir(directory, { recursive: true });
    this.generation++;
    for (const [courseId, segment] of dirty) {
      segment.maybeCompact(true);
      // Serialised and marked clean before the write yields, so an upsert arriving meanwhile marks it dirty again.
      segment.dirty = false;
      if (segment.alive === 0) {
        segment.file = null;
        continue;
      }
      const name = `c-${createHash('sha1').update(courseId).digest('hex').slice(0, 16)}-${this.generation}.json`;
      const content = JSON.stringify(toCourseFile(segment, this.dimensions));
      try {
        await writeAtomically(join(directory, name), content);
      } catch (error) {
        segment.dirty = true;
        throw error;
      }
      segment.file = name;
    }
    const manifest: Manifest = {
      format: FORMAT,
      dimensions: this.dimensions,
      embedderId: this.embedderId ?? '',
      generation: this.generation,
      courses: Object.fromEntries(
        [...this.segments].map(([courseId, segment]) => [
          courseId,
          { file: segment.file, record: segment.record },
        ]),
      ),
    };
    await writeAtomically(join(directory, MANIFEST), JSON.stringify(manifest));
    this.manifestDirty = false;
    const referenced = new Set(Object.values(manifest.courses).map((entry) => entry.file));
    for (const name of await readdir(directory)) {
      if ((name.startsWith('c-') || name.includes('.tmp-')) && !referenced.has(name)) {
        await unlink(join(directory, name)).catch(() => undefined);
      }
    }
  }

  private segment(courseId: string): Segment {
    let segment = this.segments.get(courseId);
    if (!segment) {
      segment = new Segment(this.dimensions);
      this.segments.set(courseId, segment);
    }
    return segment;
  }

  private assertReady(): void {
    if (this.embedderId === null) throw new VectorStoreError('call ensure() before using the vector store');
  }

  /** Validates and L2-normalises; mostly-zero vectors become sparse. */
  private prepare(vector: number[]): Float32Array | SparseVector {
    if (vector.length !== this.dimensions) {
      throw new VectorStoreError(`expected a vector of ${this.dimensions} dimensions, got ${vector.length}`);
    }
    let norm = 0;
    let nonZero = 0;
    for (const value of vector) {
      if (!Number.isFinite(value)) throw new VectorStoreError('vectors must hold finite numbers');
      if (value !== 0) {
        nonZero++;
        norm += value * value;
      }
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    if (nonZero * 4 <= this.dimensions) {
      const features = new Uint32Array(nonZero);
      const values = new Float32Array(nonZero);
      let at = 0;
      for (let feature = 0; feature < vector.length; feature++) {
        const value = vector[feature] ?? 0;
        if (value === 0) continue;
        features[at] = feature;
        values[at++] = value * scale;
      }
      return { features, values };
    }
    return Float32Array.from(vector, (value) => value * scale);
  }
}

/** Runs synchronous work as a promise, so misuse surfaces as a rejection like the remote adapters'. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function accumulate(
  list: Postings,
  weight: number,
  scores: Float32Array,
  touched: Uint8Array,
  candidates: number[],
) {
  const { slots, weights, length } = list;
  for (let i = 0; i < length; i++) {
    const slot = slots[i] ?? 0;
    scores[slot] = (scores[slot] ?? 0) + weight * (weights[i] ?? 0);
    if (!touched[slot]) {
      touched[slot] = 1;
      candidates.push(slot);
    }
  }
}

function densify(vector: SparseVector, dimensions: number): Float32Array {
  const dense = new Float32Array(dimensions);
  vector.features.forEach((feature, i) => (dense[feature] = vector.values[i] ?? 0));
  return dense;
}

/** Keeps `top` sorted best first (ties by chunk id) and at most `limit` long. */
function insertRanked(
  top: { score: number; chunk: Chunk }[],
  entry: { score: number; chunk: Chunk },
  limit: number,
) {
  let at = top.length;
  while (at > 0) {
    const before = top[at - 1];
    if (
      !before ||
      before.score > entry.score ||
      (before.score === entry.score && before.chunk.id < entry.chunk.id)
    ) {
      break;
    }
    at--;
  }
  if (at >= limit) return;
  top.splice(at, 0, entry);
  if (top.length > limit) top.pop();
}

function toCourseFile(segment: Segment, dimensions: number): CourseFile {
  // Called right after a forced compaction: every slot is alive and slots are ordinals.
  const chunks = segment.chunks.filter((chunk): chunk is Chunk => chunk !== null);
  const counts = new Uint32Array(chunks.length + 1);
  for (const list of segment.postings.values()) {
    for (let i = 0; i < list.length; i++) {
      const next = (list.slots[i] ?? 0) + 1;
      counts[next] = (counts[next] ?? 0) + 1;
    }
  }
  for (let i = 1; i < counts.length; i++) counts[i] = (counts[i] ?? 0) + (counts[i - 1] ?? 0);
  const total = counts[chunks.length] ?? 0;
  const features = new Uint32Array(total);
  const values = new Float32Array(total);
  const fill = counts.slice(0, chunks.length);
  for (const [feature, list] of segment.postings) {
    for (let i = 0; i < list.length; i++) {
      const slot = list.slots[i] ?? 0;
      const at = fill[slot] ?? 0;
      features[at] = feature;
      values[at] = list.weights[i] ?? 0;
      fill[slot] = at + 1;
    }
  }
  return {
    chunks,
    offsets: encode(counts),
    features: encode(features),
    values: encode(values),
    denseOrdinals: [...segment.denseSlots],
    dense: encode(segment.dense.subarray(0, segment.denseSlots.length * dimensions)),
  };
}

function loadCourseFile(segment: Segment, file: CourseFile, dimensions: number): void {
  const offsets = new Uint32Array(decode(file.offsets));
  const features = new Uint32Array(decode(file.features));
  const values = new Float32Array(decode(file.values));
  const dense = new Float32Array(decode(file.dense));
  const denseAt = new Map(file.denseOrdinals.map((ordinal, i) => [ordinal, i]));
  file.chunks.forEach((chunk, ordinal) => {
    const denseIndex = denseAt.get(ordinal);
    const vector =
      denseIndex !== undefined
        ? dense.slice(denseIndex * dimensions, (denseIndex + 1) * dimensions)
        : {
            features: features.subarray(offsets[ordinal] ?? 0, offsets[ordinal + 1] ?? 0),
            values: values.subarray(offsets[ordinal] ?? 0, offsets[ordinal + 1] ?? 0),
          };
    segment.add(chunk.id, chunk, vector);
  });
}

function encode(array: Uint32Array | Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function decode(text: string): ArrayBuffer {
  const bytes = Buffer.from(text, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    // Not `instanceof Error`: errors from node:fs may come from another realm (e.g. under Jest).
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT')
      return null;
    throw error;
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
