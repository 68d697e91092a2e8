/**
 * Keeps the search index in step with the store: every course write re-indexes that course (the
 * port drops unpublished ones), and the in-process index, which is not persisted, is rebuilt from
 * the store on start.
 */
import type { Logger } from '@learncraft/kit';
import { lessonsOf, type CourseDocument } from '../domain/course';
import type { CourseStore } from '../stores/courseStore';
import type { CourseSearchDocument, CourseSearchIndex } from '../search';

export function toSearchDocument(course: CourseDocument): CourseSearchDocument {
  return {
    id: course.id,
    title: course.title,
    summary: course.summary,
    description: course.description,
    lessonTitles: lessonsOf(course).map((lesson) => lesson.title),
    categorySlug: course.categorySlug,
    level: course.level,
    language: course.language,
    published: course.published,
  };
}

export class CourseIndexer {
  constructor(
    private readonly search: CourseSearchIndex,
    private readonly logger: Logger,
  ) {}

  /**
   * Re-indexes courses after their write committed. A search outage must not turn a saved change
   * into a reported failure, so errors are logged; the next write (or a rebuild) repairs the entry.
   */
  async sync(courses: readonly CourseDocument[]): Promise<void> {
    if (courses.length === 0) return;
    try {
      await this.search.upsert(courses.map(toSearchDocument));
    } catch (error) {
      this.logger.error('search indexing failed; the index is stale for these courses', {
        courseIds: courses.map((course) => course.id),
        error,
      });
    }
  }

  /** Indexes every published course, page by page, logging progress. Returns how many were indexed. */
  async rebuild(store: CourseStore, batchSize = 100): Promise<number> {
    let indexed = 0;
    for (let offset = 0; ; offset += batchSize) {
      const page = await store.list(
        { audience: { kind: 'published' } },
        { field: 'CREATED_AT', direction: 'ASC' },
        { offset, limit: batchSize },
      );
      if (page.items.length > 0) await this.search.upsert(page.items.map(toSearchDocument));
      indexed += page.items.length;
      if (page.items.length > 0)
        this.logger.info(`search index: indexed ${indexed}/${page.totalCount} courses`);
      if (page.items.length < batchSize) return indexed;
    }
  }
}
