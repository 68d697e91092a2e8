/**
 * Per-request DataLoaders over the course store (entity references, lessons, categories,
 * instructors) and over commerce's course-access decisions for the viewer.
 */
import type DataLoader from 'dataloader';
import {
  courseAccessLoader,
  groupedLoader,
  keyedLoader,
  type AccessChecker,
  type AccessSubject,
  type CourseAccessDecision,
} from '@learncraft/kit';
import type { CategoryWithCount, CourseDocument, LessonRecord } from './domain/course';
import type { CourseStore } from './stores/courseStore';

export interface Loaders {
  courseById: DataLoader<string, CourseDocument | null, unknown>;
  lessonById: DataLoader<string, LessonRecord | null, unknown>;
  categoryBySlug: DataLoader<string, CategoryWithCount | null, unknown>;
  /** Every course (drafts included) each user teaches; callers filter by visibility. */
  coursesByInstructor: DataLoader<string, { instructorId: string; course: CourseDocument }[], unknown>;
  /** The viewer's access to each course; null when commerce could not be asked. */
  courseAccess: DataLoader<string, CourseAccessDecision | null, unknown>;
}

export function createLoaders(
  store: CourseStore,
  access: AccessChecker,
  viewer: AccessSubject | null,
): Loaders {
  return {
    courseAccess: courseAccessLoader(access, viewer),
    courseById: keyedLoader(
      (ids) => store.byIds(ids),
      (course) => course.id,
    ),
    lessonById: keyedLoader(
      (ids) => store.lessonsByIds(ids),
      (record) => record.lesson.id,
    ),
    // Categories are few: one query fetches them all, whatever keys were asked for.
    categoryBySlug: keyedLoader(
      () => store.categories(),
      (category) => category.slug,
    ),
    coursesByInstructor: groupedLoader(
      async (instructorIds) => {
        const wanted = new Set(instructorIds);
        const courses = await store.byInstructors(instructorIds);
        return courses.flatMap((course) =>
          course.instructorIds
            .filter((id) => wanted.has(id))
            .map((instructorId) => ({ instructorId, course })),
        );
      },
      (row) => row.instructorId,
    ),
  };
}
