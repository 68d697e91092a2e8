/**
 * The course content the tutor reasons about (titles, lessons, quiz option labels), read from the
 * catalog and kept for a while in this process. The catalog's `course.changed` event drops a
 * course's entry, so the next question reads the new content.
 */
import type { CourseContent } from '../domain/content';
import type { CatalogClient } from '../stores/catalogClient';

const MAX_COURSES = 200;

export class CourseContents {
  // Insertion order doubles as recency: a read re-inserts, the first entry is the stalest.
  private readonly entries = new Map<string, Promise<CourseContent | null>>();

  constructor(private readonly catalog: Pick<CatalogClient, 'courseContent'>) {}

  /** The course's content, or null when the catalog has no such course. */
  get(courseId: string): Promise<CourseContent | null> {
    const cached = this.entries.get(courseId);
    if (cached) {
      this.entries.delete(courseId);
      this.entries.set(courseId, cached);
      return cached;
    }
    const loading = this.catalog.courseContent([courseId]).then((courses) => courses[0] ?? null);
    // A failed read is not remembered; the next question tries again.
    loading.catch(() => this.entries.delete(courseId));
    this.entries.set(courseId, loading);
    while (this.entries.size > MAX_COURSES) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return loading;
  }

  /** Remembers content just read elsewhere (the indexer), so the tutor need not read it again. */
  put(course: CourseContent): void {
    this.entries.delete(course.id);
    this.entries.set(course.id, Promise.resolve(course));
  }

  forget(courseId: string): void {
    this.entries.delete(courseId);
  }
}
