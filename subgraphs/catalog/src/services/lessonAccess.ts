/**
 * Lesson.content and Lesson.preview for the viewer: instructors of the course and ADMINs open
 * everything without asking; anyone else through the request's access loader, which asks commerce
 * once per request for every course whose lessons are resolved.
 */
import { hasRole } from '@learncraft/kit';
import type { CatalogContext } from '../context';
import { contentFor, isFirstLesson, isPaidCourse, type LockedContent } from '../domain/lessonAccess';
import type { LessonContent, LessonRecord } from '../domain/course';

function teaches(ctx: CatalogContext, record: LessonRecord): boolean {
  const viewer = ctx.viewer;
  return !!viewer && (record.course.instructorIds.includes(viewer.id) || hasRole(viewer, 'ADMIN'));
}

export async function lessonContent(
  ctx: CatalogContext,
  record: LessonRecord,
): Promise<LessonContent | LockedContent> {
  if (teaches(ctx, record) || isFirstLesson(record)) return record.lesson.content;
  return contentFor(record, await ctx.loaders.courseAccess.load(record.course.id));
}

export async function isPreviewLesson(ctx: CatalogContext, record: LessonRecord): Promise<boolean> {
  if (!isFirstLesson(record)) return false;
  return isPaidCourse(await ctx.loaders.courseAccess.load(record.course.id));
}
