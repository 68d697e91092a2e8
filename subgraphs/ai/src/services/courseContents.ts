/**
 * The course content the tutor reasons about (titles, lessons, quiz option labels), read from the
 * catalog and kept for a while in this process. The catalog's `course.changed` event drops a
 * course's entry, so the next question reads the new content.
 */
import type { CourseContent } from '../domain/content';
import type { QuizKey } from '../domain/tutor';
import type { CatalogClient } from '../stores/catalogClient';

const MAX_COURSES = 200;

export class CourseContents {
  // Insertion order doubles as recency: a read re-inserts, the first entry is the stalest.
  private readonly entries = new Map<string, Promise<CourseContent | null>>();
  /** The answer keys of a course's quizzes, by `<courseId>@<version>`. */
  private readonly keys = new Map<string, Promise<QuizKey[]>>();

  constructor(private readonly catalog: Pick<CatalogClient, 'courseContent' | 'lessons'>) {}

  /** Which options are correct in each quiz of the course (read once per course version). */
  quizKeys(course: CourseContent): Promise<QuizKey[]> {
    const id = `${course.id}@${course.version}`;
    let loading = this.keys.get(id);
    if (!loading) {
      const quizIds = course.lessons.filter((lesson) => lesson.kind === 'QUIZ').map((lesson) => lesson.id);
      loading = this.catalog
        .lessons(quizIds)
        .then((lessons) =>
          lessons.map((lesson) => ({ lessonId: lesson.id, questions: lesson.quiz?.questions ?? [] })),
        );
      loading.catch(() => this.keys.delete(id));
      this.keys.set(id, loading);
      while (this.keys.size > MAX_COURSES) this.keys.delete(this.keys.keys().next().value!);
    }
    return loading;
  }

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
    for (const id of this.keys.keys()) if (id.startsWith(`${courseId}@`)) this.keys.delete(id);
  }
}
