/**
 * The MongoDB adapter (mongoose): one `courses` document per course, shaped like the domain
 * document (modules and lessons embedded), with multikey indexes on module, lesson and instructor
 * ids; `categories` alongside. Writes are single-document, so the version check in the filter
 * of `replaceOne` is the whole optimistic-concurrency story.
 */
import mongoose, { Schema, type Connection, type Model, type PipelineStage } from 'mongoose';
import type { PageRequest } from '@learncraft/kit';
import {
  isUuid,
  locateLessons,
  type Category,
  type CategoryWithCount,
  type CourseDocument,
  type ModuleDocument,
} from '../domain/course';
import type { CourseAudience } from '../domain/access';
import {
  SlugTakenError,
  VersionConflictError,
  type CourseListFilter,
  type CourseOrder,
  type CoursePage,
  type CourseStore,
  type CourseVersion,
} from './courseStore';

interface CourseRecord {
  _id: string;
  slug: string;
  title: string;
  /** Lower-cased title; compared byte-wise like the embedded store's "C" collation. */
  titleSort: string;
  summary: string;
  description: string;
  level: string;
  categorySlug: string;
  language: string;
  thumbnailUrl: string | null;
  instructorIds: string[];
  modules: ModuleDocument[];
  published: boolean;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

interface CategoryRecord {
  _id: string;
  slug: string;
  name: string;
  description: string;
  position: number;
}

const courseSchema = new Schema<CourseRecord>(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true, unique: true },
    title: { type: String, required: true },
    titleSort: { type: String, required: true },
    summary: { type: String, default: '' },
    description: { type: String, default: '' },
    level: { type: String, required: true },
    categorySlug: { type: String, required: true },
    language: { type: String, required: true },
    thumbnailUrl: { type: String, default: null },
    instructorIds: { type: [String], default: [] },
    // Modules and their lessons are stored as they are; the domain validates them before every write.
    modules: { type: Schema.Types.Mixed, default: () => [] },
    published: { type: Boolean, required: true },
    publishedAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    version: { type: Number, required: true },
  },
  { collection: 'courses', versionKey: false, minimize: false, autoIndex: false },
);
courseSchema.index({ 'modules.id': 1 });
courseSchema.index({ 'modules.lessons.id': 1 });
courseSchema.index({ instructorIds: 1, createdAt: -1 });
courseSchema.index({ published: 1, publishedAt: -1, _id: -1 });
courseSchema.index({ titleSort: 1, _id: 1 });
courseSchema.index({ createdAt: 1, _id: 1 });
courseSchema.index({ categorySlug: 1 });

const categorySchema = new Schema<CategoryRecord>(
  {
    _id: { type: String, required: true },
    slug: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    position: { type: Number, default: 0 },
  },
  { collection: 'categories', versionKey: false, autoIndex: false },
);

export interface MongoCourseStoreOptions {
  url: string;
  /** Overrides the database named in the URL (tests use a fresh one each). */
  dbName?: string;
}

/** Connects, ensures the indexes (the slug's uniqueness among them) and returns the store. */
export async function createMongoCourseStore(options: MongoCourseStoreOptions): Promise<MongoCourseStore> {
  const connection = await mongoose
    .createConnection(options.url, { dbName: options.dbName, serverSelectionTimeoutMS: 10_000 })
    .asPromise();
  const store = new MongoCourseStore(connection);
  await store.ensureIndexes();
  return store;
}

export class MongoCourseStore implements CourseStore {
  private readonly courses: Model<CourseRecord>;
  private readonly categoryModel: Model<CategoryRecord>;

  constructor(private readonly connection: Connection) {
    this.courses = connection.model<CourseRecord>('Course', courseSchema);
    this.categoryModel = connection.model<CategoryRecord>('Category', categorySchema);
  }

  async ensureIndexes(): Promise<void> {
    await Promise.all([this.courses.createIndexes(), this.categoryModel.createIndexes()]);
  }

  async byIds(ids: readonly string[]): Promise<CourseDocument[]> {
    const keys = uuidsOf(ids);
    if (keys.length === 0) return [];
    return (await this.courses.find({ _id: { $in: keys } }).lean<CourseRecord[]>()).map(toDocument);
  }

  async bySlug(slug: string): Promise<CourseDocument | null> {
    const record = await this.courses.findOne({ slug }).lean<CourseRecord>();
    return record ? toDocument(record) : null;
  }

  async byModuleIds(moduleIds: readonly string[]): Promise<CourseDocument[]> {
    const keys = uuidsOf(moduleIds);
    if (keys.length === 0) return [];
    return (await this.courses.find({ 'modules.id': { $in: keys } }).lean<CourseRecord[]>()).map(toDocument);
  }

  async lessonsByIds(ids: readonly string[]) {
    const keys = uuidsOf(ids);
    if (keys.length === 0) return [];
    const records = await this.courses.find({ 'modules.lessons.id': { $in: keys } }).lean<CourseRecord[]>();
    return locateLessons(keys, records.map(toDocument));
  }

  async list(filter: CourseListFilter, order: CourseOrder, page: PageRequest): Promise<CoursePage> {
    const match: Record<string, unknown> = { ...audienceMatch(filter.audience) };
    if (filter.categorySlug) match.categorySlug = filter.categorySlug;
    if (filter.level) match.level = filter.level;
    if (filter.language) match.language = filter.language;
    const direction = order.direction === 'ASC' ? 1 : -1;
    const pipeline: PipelineStage[] = [{ $match: match }];
    if (order.field === 'PUBLISHED_AT') {
      // Drafts (publishedAt null) last in both directions, as in the embedded store.
      pipeline.push(
        {
          $addFields: { draftLast: { $cond: [{ $eq: [{ $ifNull: ['$publishedAt', null] }, null] }, 1, 0] } },
        },
        { $sort: { draftLast: 1, publishedAt: direction, _id: direction } },
      );
    } else {
      const key = order.field === 'TITLE' ? 'titleSort' : 'createdAt';
      pipeline.push({ $sort: { [key]: direction, _id: direction } });
    }
    pipeline.push(
      { $skip: page.offset },
      { $limit: Math.max(page.limit, 1) },
      { $project: { draftLast: 0 } },
    );
    const [records, totalCount] = await Promise.all([
      page.limit === 0 ? Promise.resolve([]) : this.courses.aggregate<CourseRecord>(pipeline),
      this.courses.countDocuments(match),
    ]);
    return { items: records.map(toDocument), totalCount };
  }

  async byInstructors(instructorIds: readonly string[]): Promise<CourseDocument[]> {
    if (instructorIds.length === 0) return [];
    const records = await this.courses
      .find({ instructorIds: { $in: [...instructorIds] } })
      .sort({ createdAt: -1, _id: -1 })
      .lean<CourseRecord[]>();
    return records.map(toDocument);
  }

  async versionsAfter(afterId: string | null, limit: number): Promise<CourseVersion[]> {
    const records = await this.courses
      .find(afterId !== null ? { _id: { $gt: afterId } } : {}, { _id: 1, version: 1 })
      .sort({ _id: 1 })
      .limit(limit)
      .lean<{ _id: string; version: number }[]>();
    return records.map((record) => ({ id: record._id, version: record.version }));
  }

  async create(course: CourseDocument): Promise<CourseDocument> {
    const saved = { ...course, version: 1 };
    try {
      await this.courses.collection.insertOne(toRecord(saved) as never);
    } catch (error) {
      throw mapWriteError(error, course.slug);
    }
    return saved;
  }

  async update(course: CourseDocument): Promise<CourseDocument> {
    const saved = { ...course, version: course.version + 1 };
    let matched: number;
    try {
      const result = await this.courses.collection.replaceOne(
        { _id: course.id as never, version: course.version },
        toRecord(saved),
      );
      matched = result.matchedCount;
    } catch (error) {
      throw mapWriteError(error, course.slug);
    }
    if (matched === 0) throw new VersionConflictError(course.id);
    return saved;
  }

  async categories(): Promise<CategoryWithCount[]> {
    const [records, counts] = await Promise.all([
      this.categoryModel.find().sort({ position: 1, name: 1 }).lean<CategoryRecord[]>(),
      this.courses.aggregate<{ _id: string; count: number }>([
        { $match: { published: true } },
        { $group: { _id: '$categorySlug', count: { $sum: 1 } } },
      ]),
    ]);
    const bySlug = new Map(counts.map((row) => [row._id, row.count]));
    return records.map((record) => ({
      id: record._id,
      slug: record.slug,
      name: record.name,
      description: record.description,
      courseCount: bySlug.get(record.slug) ?? 0,
    }));
  }

  async upsertCategories(list: readonly Category[]): Promise<void> {
    if (list.length === 0) return;
    await this.categoryModel.bulkWrite(
      list.map((category, position) => ({
        updateOne: {
          filter: { slug: category.slug },
          update: {
            $set: { name: category.name, description: category.description, position },
            $setOnInsert: { _id: category.id },
          },
          upsert: true,
        },
      })),
    );
  }

  async ping(): Promise<void> {
    await this.connection.db?.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /** For tests: removes the whole database this store writes to. */
  async dropDatabase(): Promise<void> {
    await this.connection.dropDatabase();
  }
}

function audienceMatch(audience: CourseAudience): Record<string, unknown> {
  switch (audience.kind) {
    case 'everything':
      return {};
    case 'published':
      return { published: true };
    case 'publishedOrTaughtBy':
      return { $or: [{ published: true }, { instructorIds: audience.instructorId }] };
  }
}

function toRecord(course: CourseDocument): CourseRecord {
  const { id, publishedAt, createdAt, updatedAt, ...rest } = course;
  return {
    ...rest,
    _id: id,
    titleSort: course.title.toLowerCase(),
    publishedAt: publishedAt ? new Date(publishedAt) : null,
    createdAt: new Date(createdAt),
    updatedAt: new Date(updatedAt),
  };
}

function toDocument(record: CourseRecord): CourseDocument {
  return {
    id: record._id,
    slug: record.slug,
    title: record.title,
    summary: record.summary,
    description: record.description,
    level: record.level as CourseDocument['level'],
    categorySlug: record.categorySlug,
    language: record.language,
    thumbnailUrl: record.thumbnailUrl ?? null,
    instructorIds: record.instructorIds,
    modules: record.modules,
    published: record.published,
    publishedAt: record.publishedAt ? new Date(record.publishedAt).toISOString() : null,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
    version: record.version,
  };
}

function mapWriteError(error: unknown, slug: string): unknown {
  const mongoError = error as { code?: unknown; keyPattern?: Record<string, unknown> };
  if (mongoError.code === 11000 && mongoError.keyPattern && 'slug' in mongoError.keyPattern)
    return new SlugTakenError(slug);
  return error;
}

function uuidsOf(ids: readonly string[]): string[] {
  return [...new Set(ids)].filter(isUuid);
}
