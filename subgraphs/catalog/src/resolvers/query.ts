/** Root query fields: thin glue over the browse use cases. */
import type { CatalogContext } from '../context';
import {
  findCourse,
  listCourses,
  searchCourses,
  type CourseFilterArgs,
  type PageArgs,
} from '../services/browse';
import type { CourseOrder } from '../stores/courseStore';

export const Query = {
  course: (_: unknown, args: { id?: string | null; slug?: string | null }, ctx: CatalogContext) =>
    findCourse(ctx, args),

  courses: (
    _: unknown,
    args: PageArgs & { filterBy?: CourseFilterArgs | null; orderBy?: Partial<CourseOrder> | null },
    ctx: CatalogContext,
  ) => listCourses(ctx, args),

  courseSearch: (
    _: unknown,
    args: PageArgs & { query: string; filterBy?: CourseFilterArgs | null },
    ctx: CatalogContext,
  ) => searchCourses(ctx, args),

  categories: (_: unknown, __: unknown, ctx: CatalogContext) => ctx.courses.categories(),
};
