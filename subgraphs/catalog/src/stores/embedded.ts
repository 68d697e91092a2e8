/**
 * The embedded document store: course documents as JSONB in PostgreSQL or PGlite (the kit's
 * Database), with plain columns and small index tables for filtering, ordering and lookups by
 * lesson, module and instructor. Every write replaces the document and its index rows in one
 * transaction, guarded by the document's version.
 *
 * Reads first select only `(id, version)` (index-backed, no JSONB) and reuse the parsed document
 * when the process already holds that version: decoding a course of fifty lessons with their
 * transcripts costs far more than the lookup, and a list page holds a dozen of them. The version
 * comes from the database on every read, so a write by any replica is seen at once — there is no
 * invalidation to miss. A held document's modules and lessons are frozen (concurrent requests
 * share them); each read gets its own top-level object, which federation tags with `__typename`.
 */
import { join } from 'node:path';
import { and, asc, count, desc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { boolean, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { migrate, type Database, type Drizzle, type Logger, type PageRequest } from '@learncraft/kit';
import {
  isUuid,
  locateLessons,
  type Category,
  type CategoryWithCount,
  type CourseDocument,
  type LessonRecord,
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

export const CATALOG_SCHEMA = 'catalog';
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');

const catalog = pgSchema(CATALOG_SCHEMA);

const categories = catalog.table('categories', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull(),
  position: integer('position').notNull(),
});

const courses = catalog.table('courses', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull(),
  titleSort: text('title_sort').notNull(),
  published: boolean('published').notNull(),
  categorySlug: text('category_slug').notNull(),
  level: text('level').notNull(),
  language: text('language').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }),
  version: integer('version').notNull(),
  doc: jsonb('doc').$type<CourseDocument>().notNull(),
});

const courseLessons = catalog.table('course_lessons', {
  lessonId: uuid('lesson_id').primaryKey(),
  courseId: uuid('course_id').notNull(),
});

const courseModules = catalog.table('course_modules', {
  moduleId: uuid('module_id').primaryKey(),
  courseId: uuid('course_id').notNull(),
});

const courseInstructors = catalog.table('course_instructors', {
  courseId: uuid('course_id').notNull(),
  instructorId: text('instructor_id').notNull(),
});

export async function migrateCatalog(db: Database, logger?: Logger): Promise<void> {
  await migrate(db, CATALOG_SCHEMA, MIGRATIONS_DIR, logger);
}

export interface EmbeddedCourseStoreOptions {
  /** Parsed documents kept for reuse (least recently used go first); 0 disables the cache. Default 500. */
  cachedDocuments?: number;
}

/** Opens the store on a migrated database; the caller owns (and closes) the database. */
export function createEmbeddedCourseStore(
  db: Database,
  options: EmbeddedCourseStoreOptions = {},
): CourseStore {
  return new EmbeddedCourseStore(db, options.cachedDocuments ?? DEFAULT_CACHED_DOCUMENTS);
}

const DEFAULT_CACHED_DOCUMENTS = 500;

/** Parsed course documents by id, each valid while the stored version is the same. */
class DocumentCache {
  private readonly documents = new Map<string, CourseDocument>();

  constructor(private readonly capacity: number) {}

  /** The held document when it is at `version`. */
  current(id: string, version: number): CourseDocument | undefined {
    const held = this.documents.get(id);
    if (!held || held.version !== version) return undefined;
    // Map order is insertion order: moving a hit to the end keeps the eviction order LRU.
    this.documents.delete(id);
    this.documents.set(id, held);
    return held;
  }

  remember(document: CourseDocument): CourseDocument {
    if (this.capacity <= 0) return document;
    const frozen = deepFreeze(document);
    this.documents.delete(frozen.id);
    this.documents.set(frozen.id, frozen);
    while (this.documents.size > this.capacity) {
      const oldest = this.documents.keys().next().value;
      if (oldest === undefined) break;
      this.documents.delete(oldest);
    }
    return frozen;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

type Executor = Pick<Drizzle, 'select' | 'insert' | 'update' | 'delete'>;

class EmbeddedCourseStore implements CourseStore {
  private readonly orm: Drizzle;
  private readonly cache: DocumentCache;

  constructor(
    private readonly db: Database,
    cachedDocuments: number,
  ) {
    this.orm = db.drizzle;
    this.cache = new DocumentCache(cachedDocuments);
  }

  async byIds(ids: readonly string[]): Promise<CourseDocument[]> {
    const keys = uuidsOf(ids);
    if (keys.length === 0) return [];
    return this.documentsOf(await this.versions().where(inArray(courses.id, keys)));
  }

  async bySlug(slug: string): Promise<CourseDocument | null> {
    const [document] = await this.documentsOf(await this.versions().where(eq(courses.slug, slug)).limit(1));
    return document ?? null;
  }

  async byModuleIds(moduleIds: readonly string[]): Promise<CourseDocument[]> {
    const keys = uuidsOf(moduleIds);
    if (keys.length === 0) return [];
    const owning = this.orm
      .select({ id: courseModules.courseId })
      .from(courseModules)
      .where(inArray(courseModules.moduleId, keys));
    return this.documentsOf(await this.versions().where(inArray(courses.id, owning)));
  }

  async lessonsByIds(ids: readonly string[]): Promise<LessonRecord[]> {
    const keys = uuidsOf(ids);
    if (keys.length === 0) return [];
    const owning = this.orm
      .select({ id: courseLessons.courseId })
      .from(courseLessons)
      .where(inArray(courseLessons.lessonId, keys));
    return locateLessons(
      keys,
      await this.documentsOf(await this.versions().where(inArray(courses.id, owning))),
    );
  }

  /** `(id, version)` of courses: the cheap first half of every read. */
  private versions() {
    return this.orm.select({ id: courses.id, version: courses.version }).from(courses);
  }

  /**
   * The documents of `rows`, in their order: held ones at the same version are reused, the rest
   * are read in one query. A document that changed between the two reads comes back at its newer
   * version, which is what a single read at that moment would have returned too.
   */
  private async documentsOf(rows: readonly CourseVersion[]): Promise<CourseDocument[]> {
    const found = new Map<string, CourseDocument>();
    const stale: string[] = [];
    for (const row of rows) {
      const held = this.cache.current(row.id, row.version);
      if (held) found.set(row.id, { ...held });
      else stale.push(row.id);
    }
    if (stale.length > 0) {
      const loaded = await this.orm
        .select({ doc: courses.doc })
        .from(courses)
        .where(inArray(courses.id, stale));
      for (const { doc } of loaded) found.set(doc.id, { ...this.cache.remember(doc) });
    }
    return rows.flatMap((row) => found.get(row.id) ?? []);
  }

  async list(filter: CourseListFilter, order: CourseOrder, page: PageRequest): Promise<CoursePage> {
    const where = and(
      audienceCondition(this.orm, filter.audience),
      filter.categorySlug ? eq(courses.categorySlug, filter.categorySlug) : undefined,
      filter.level ? eq(courses.level, filter.level) : undefined,
      filter.language ? eq(courses.language, filter.language) : undefined,
    );
    const [rows, [total]] = await Promise.all([
      this.versions()
        .where(where)
        .orderBy(...orderBy(order))
        .limit(page.limit)
        .offset(page.offset),
      this.orm.select({ total: count() }).from(courses).where(where),
    ]);
    return { items: await this.documentsOf(rows), totalCount: total?.total ?? 0 };
  }

  async byInstructors(instructorIds: readonly string[]): Promise<CourseDocument[]> {
    if (instructorIds.length === 0) return [];
    const taught = this.orm
      .select({ id: courseInstructors.courseId })
      .from(courseInstructors)
      .where(inArray(courseInstructors.instructorId, [...instructorIds]));
    return this.documentsOf(
      await this.versions()
        .where(inArray(courses.id, taught))
        .orderBy(desc(courses.createdAt), desc(courses.id)),
    );
  }

  async versionsAfter(afterId: string | null, limit: number): Promise<CourseVersion[]> {
    // Ids are uuids; callers check the cursor, and a malformed one must not reach the uuid column.
    if (afterId !== null && !isUuid(afterId)) return [];
    return this.orm
      .select({ id: courses.id, version: courses.version })
      .from(courses)
      .where(afterId !== null ? gt(courses.id, afterId) : undefined)
      .orderBy(asc(courses.id))
      .limit(limit);
  }

  async create(course: CourseDocument): Promise<CourseDocument> {
    const saved = { ...course, version: 1 };
    await this.write(course.slug, async (tx) => {
      await tx.insert(courses).values(rowOf(saved));
      await insertIndexRows(tx, saved);
    });
    return saved;
  }

  async update(course: CourseDocument): Promise<CourseDocument> {
    const saved = { ...course, version: course.version + 1 };
    await this.write(course.slug, async (tx) => {
      const updated = await tx
        .update(courses)
        .set(rowOf(saved))
        .where(and(eq(courses.id, course.id), eq(courses.version, course.version)))
        .returning({ id: courses.id });
      if (updated.length === 0) throw new VersionConflictError(course.id);
      await tx.delete(courseLessons).where(eq(courseLessons.courseId, course.id));
      await tx.delete(courseModules).where(eq(courseModules.courseId, course.id));
      await tx.delete(courseInstructors).where(eq(courseInstructors.courseId, course.id));
      await insertIndexRows(tx, saved);
    });
    return saved;
  }

  async categories(): Promise<CategoryWithCount[]> {
    return this.db.query<CategoryWithCount & Record<string, unknown>>(
      `SELECT c.id::text AS id, c.slug, c.name, c.description,
              (SELECT count(*)::int FROM catalog.courses k WHERE k.category_slug = c.slug AND k.published) AS "courseCount"
         FROM catalog.categories c
        ORDER BY c.position, c.name`,
    );
  }

  async upsertCategories(list: readonly Category[]): Promise<void> {
    if (list.length === 0) return;
    await this.orm
      .insert(categories)
      .values(list.map((category, position) => ({ ...category, position })))
      .onConflictDoUpdate({
        target: categories.slug,
        set: {
          name: sql`excluded.name`,
          description: sql`excluded.description`,
          position: sql`excluded.position`,
        },
      });
  }

  async ping(): Promise<void> {
    await this.db.query('select 1');
  }

  async close(): Promise<void> {
    // The database belongs to the caller (the server closes it).
  }

  /** Runs a multi-statement write in one transaction, mapping the slug's unique violation. */
  private async write(slug: string, work: (tx: Executor) => Promise<void>): Promise<void> {
    try {
      await this.orm.transaction(async (tx) => work(tx));
    } catch (error) {
      if (isUniqueViolation(error, 'courses_slug_key')) throw new SlugTakenError(slug);
      throw error;
    }
  }
}

function rowOf(course: CourseDocument) {
  return {
    id: course.id,
    slug: course.slug,
    titleSort: course.title.toLowerCase(),
    published: course.published,
    categorySlug: course.categorySlug,
    level: course.level,
    language: course.language,
    createdAt: new Date(course.createdAt),
    publishedAt: course.publishedAt ? new Date(course.publishedAt) : null,
    version: course.version,
    doc: course,
  };
}

async function insertIndexRows(tx: Executor, course: CourseDocument): Promise<void> {
  const lessons = course.modules.flatMap((module) =>
    module.lessons.map((lesson) => ({ lessonId: lesson.id, courseId: course.id })),
  );
  const modules = course.modules.map((module) => ({ moduleId: module.id, courseId: course.id }));
  const instructors = [...new Set(course.instructorIds)].map((instructorId) => ({
    courseId: course.id,
    instructorId,
  }));
  if (lessons.length > 0) await tx.insert(courseLessons).values(lessons);
  if (modules.length > 0) await tx.insert(courseModules).values(modules);
  if (instructors.length > 0) await tx.insert(courseInstructors).values(instructors);
}

function audienceCondition(orm: Drizzle, audience: CourseAudience): SQL | undefined {
  switch (audience.kind) {
    case 'everything':
      return undefined;
    case 'published':
      return eq(courses.published, true);
    case 'publishedOrTaughtBy':
      return or(
        eq(courses.published, true),
        inArray(
          courses.id,
          orm
            .select({ id: courseInstructors.courseId })
            .from(courseInstructors)
            .where(eq(courseInstructors.instructorId, audience.instructorId)),
        ),
      );
  }
}

function orderBy(order: CourseOrder): SQL[] {
  const direction = order.direction === 'ASC' ? asc : desc;
  switch (order.field) {
    case 'TITLE':
      return [direction(courses.titleSort), direction(courses.id)];
    case 'CREATED_AT':
      return [direction(courses.createdAt), direction(courses.id)];
    case 'PUBLISHED_AT':
      // Drafts have no publication date: they come last in both directions.
      return order.direction === 'ASC'
        ? [sql`${courses.publishedAt} ASC NULLS LAST`, asc(courses.id)]
        : [sql`${courses.publishedAt} DESC NULLS LAST`, desc(courses.id)];
  }
}

function uuidsOf(ids: readonly string[]): string[] {
  return [...new Set(ids)].filter(isUuid);
}

/** Drizzle wraps driver errors; walk the (short) cause chain for PostgreSQL's unique_violation. */
function isUniqueViolation(error: unknown, constraint: string): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && isRecord(current); depth += 1, current = current.cause) {
    if (current.code === '23505') {
      return (
        current.constraint === constraint ||
        (typeof current.message === 'string' && current.message.includes(constraint))
      );
    }
  }
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
