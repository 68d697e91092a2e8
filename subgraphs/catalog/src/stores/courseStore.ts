/**
 * The course store port. A course is one document (modules and lessons embedded); adapters keep
 * whatever secondary indexes they need (slug, lessons, modules, instructors) in step with it.
 * Adapters: `embedded.ts` (JSONB in PostgreSQL/PGlite) and `mongo.ts` (MongoDB via mongoose).
 */
import type { PageRequest } from '@learncraft/kit';
import type { CourseAudience } from '../domain/access';
import type {
  Category,
  CategoryWithCount,
  CourseDocument,
  CourseLevel,
  LessonRecord,
} from '../domain/course';

export interface CourseListFilter {
  audience: CourseAudience;
  categorySlug?: string | null;
  level?: CourseLevel | null;
  language?: string | null;
}

export type CourseOrderField = 'TITLE' | 'PUBLISHED_AT' | 'CREATED_AT';
export type OrderDirection = 'ASC' | 'DESC';
export interface CourseOrder {
  field: CourseOrderField;
  direction: OrderDirection;
}

/** Newest published first; unpublished drafts (no publishedAt) sort last either way. */
export const DEFAULT_COURSE_ORDER: CourseOrder = { field: 'PUBLISHED_AT', direction: 'DESC' };

export interface CourseVersion {
  id: string;
  version: number;
}

export interface CoursePage {
  items: CourseDocument[];
  totalCount: number;
}

/** Another writer saved the course since it was read; reload and retry. */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
  constructor(readonly courseId: string) {
    super(`Course ${courseId} was changed by another writer.`);
  }
}

export class SlugTakenError extends Error {
  override name = 'SlugTakenError';
  constructor(readonly slug: string) {
    super(`The slug "${slug}" is already taken.`);
  }
}

export interface CourseStore {
  /** Courses with these ids, in any order; unknown (or malformed) ids are omitted. */
  byIds(ids: readonly string[]): Promise<CourseDocument[]>;
  bySlug(slug: string): Promise<CourseDocument | null>;
  /** The courses containing these module ids. */
  byModuleIds(moduleIds: readonly string[]): Promise<CourseDocument[]>;
  /** Lessons with these ids, each located in its course; unknown ids are omitted. */
  lessonsByIds(ids: readonly string[]): Promise<LessonRecord[]>;
  /** One page of courses matching `filter`, ordered (ties broken by id), with the total count. */
  list(filter: CourseListFilter, order: CourseOrder, page: PageRequest): Promise<CoursePage>;
  /** Every course (published or not) taught by any of these users, newest first. */
  byInstructors(instructorIds: readonly string[]): Promise<CourseDocument[]>;
  /**
   * Every course (drafts too) as `{ id, version }`, ordered by id: the `limit` first ids above
   * `afterId` (from the start when null). For services that reconcile a copy of the catalog.
   */
  versionsAfter(afterId: string | null, limit: number): Promise<CourseVersion[]>;
  /** Inserts a new course at version 1 and returns it. Throws SlugTakenError. */
  create(course: CourseDocument): Promise<CourseDocument>;
  /**
   * Saves `course` if the stored version is still `course.version`; returns it at the next version.
   * Throws VersionConflictError (stale or missing) or SlugTakenError.
   */
  update(course: CourseDocument): Promise<CourseDocument>;
  /** Categories in display order, each with its number of published courses. */
  categories(): Promise<CategoryWithCount[]>;
  /** Inserts categories, or refreshes name/description/order of those whose slug exists. */
  upsertCategories(categories: readonly Category[]): Promise<void>;
  /** Readiness: resolves when the backing store answers, throws otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
