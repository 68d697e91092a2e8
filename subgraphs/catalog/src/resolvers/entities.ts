/**
 * Object and entity fields: Course, Module, Lesson (with its content union), Category and the
 * User fields catalog contributes. Entity references resolve through DataLoaders and the same
 * visibility rule as the root queries (an invisible draft resolves to null).
 */
import type { CatalogContext } from '../context';
import {
  findLesson,
  labSettingsOf,
  lessonCount,
  quizLimitsOf,
  totalDurationSeconds,
  type CourseDocument,
  type LabContent as LabContentDocument,
  type LessonContent,
  type LessonRecord,
  type QuizContent as QuizContentDocument,
} from '../domain/course';
import type { LockedContent } from '../domain/lessonAccess';
import { isPreviewLesson, lessonContent } from '../services/lessonAccess';
import { coursesTaught, visibleCourse, visibleLesson, type PageArgs } from '../services/browse';
import type { ModuleRecord } from '../services/authoring';

export const Course = {
  __resolveReference: async ({ id }: { id: string }, ctx: CatalogContext) =>
    visibleCourse(ctx.viewer, await ctx.loaders.courseById.load(id)),

  category: async (course: CourseDocument, _: unknown, ctx: CatalogContext) => {
    const category = await ctx.loaders.categoryBySlug.load(course.categorySlug);
    if (!category) throw new Error(`course ${course.id} refers to unknown category ${course.categorySlug}`);
    return category;
  },
  instructors: (course: CourseDocument) => course.instructorIds.map((id) => ({ __typename: 'User', id })),
  modules: (course: CourseDocument): ModuleRecord[] =>
    course.modules.map((module, index) => ({ module, course, position: index + 1 })),
  lesson: (course: CourseDocument, { id }: { id: string }) => findLesson(course, id),
  lessonCount: (course: CourseDocument) => lessonCount(course),
  totalDurationSeconds: (course: CourseDocument) => totalDurationSeconds(course),
};

export const Module = {
  id: ({ module }: ModuleRecord) => module.id,
  title: ({ module }: ModuleRecord) => module.title,
  summary: ({ module }: ModuleRecord) => module.summary,
  lessons: ({ module, course, position }: ModuleRecord): LessonRecord[] =>
    module.lessons.map((lesson, index) => ({
      lesson,
      module,
      course,
      modulePosition: position,
      lessonPosition: index + 1,
    })),
};

export const Lesson = {
  __resolveReference: async ({ id }: { id: string }, ctx: CatalogContext) =>
    visibleLesson(ctx.viewer, await ctx.loaders.lessonById.load(id)),

  id: ({ lesson }: LessonRecord) => lesson.id,
  title: ({ lesson }: LessonRecord) => lesson.title,
  kind: ({ lesson }: LessonRecord) => lesson.kind,
  position: ({ lessonPosition }: LessonRecord) => lessonPosition,
  durationSeconds: ({ lesson }: LessonRecord) => lesson.durationSeconds,
  course: ({ course }: LessonRecord) => course,
  module: ({ module, course, modulePosition }: LessonRecord): ModuleRecord => ({
    module,
    course,
    position: modulePosition,
  }),
  content: (record: LessonRecord, _: unknown, ctx: CatalogContext) => lessonContent(ctx, record),
  preview: (record: LessonRecord, _: unknown, ctx: CatalogContext) => isPreviewLesson(ctx, record),
};

const CONTENT_TYPE: Record<(LessonContent | LockedContent)['kind'], string> = {
  VIDEO: 'VideoContent',
  READING: 'ReadingContent',
  QUIZ: 'QuizContent',
  LAB: 'LabContent',
  LOCKED: 'LockedContent',
};

export const QuizContent = {
  maxAttempts: (quiz: QuizContentDocument) => quizLimitsOf(quiz).maxAttempts,
  cooldownSeconds: (quiz: QuizContentDocument) => quizLimitsOf(quiz).cooldownSeconds,
};

export const LabContent = {
  profile: (lab: LabContentDocument) => labSettingsOf(lab).profile,
  idleTimeoutMinutes: (lab: LabContentDocument) => labSettingsOf(lab).idleTimeoutMinutes,
};

export const LessonContentUnion = {
  __resolveType: (content: LessonContent | LockedContent) => CONTENT_TYPE[content.kind],
};

export const User = {
  coursesTaught: ({ id }: { id: string }, args: PageArgs, ctx: CatalogContext) =>
    coursesTaught(ctx, id, args),
};
