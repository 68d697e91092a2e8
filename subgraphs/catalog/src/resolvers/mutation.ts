/** Authoring mutations: thin glue over the authoring use cases. */
import type { CatalogContext } from '../context';
import type { CourseCreateInput, LessonCreateInput, LessonUpdateInput } from '../domain/authoring';
import type { CourseFieldsInput } from '../domain/validation';

type Input<T> = { input: T };

export const Mutation = {
  courseCreate: (_: unknown, { input }: Input<CourseCreateInput>, ctx: CatalogContext) =>
    ctx.authoring.courseCreate(ctx.viewer, input),

  courseUpdate: (
    _: unknown,
    { input }: Input<CourseFieldsInput & { courseId: string }>,
    ctx: CatalogContext,
  ) => ctx.authoring.courseUpdate(ctx.viewer, input),

  moduleCreate: (
    _: unknown,
    { input }: Input<{ courseId: string; title: string; summary?: string | null; position?: number | null }>,
    ctx: CatalogContext,
  ) => ctx.authoring.moduleCreate(ctx.viewer, input),

  lessonCreate: (_: unknown, { input }: Input<LessonCreateInput>, ctx: CatalogContext) =>
    ctx.authoring.lessonCreate(ctx.viewer, input),

  lessonUpdate: (_: unknown, { input }: Input<LessonUpdateInput>, ctx: CatalogContext) =>
    ctx.authoring.lessonUpdate(ctx.viewer, input),

  coursePublish: (_: unknown, { input }: Input<{ courseId: string }>, ctx: CatalogContext) =>
    ctx.authoring.coursePublish(ctx.viewer, input),
};
