/**
 * Read use cases behind the public queries: course lookup, filtered lists, search and the courses
 * a user teaches, each applying the same visibility rule (drafts only for their instructors and
 * admins) and returning Relay connections.
 */
import {
  badUserInput,
  ErrorCode,
  graphQLError,
  pageRequest,
  toConnection,
  type Connection,
  type Viewer,
} from '@learncraft/kit';
import { audienceOf, canView } from '../domain/access';
import type { CourseDocument, CourseLevel, LessonRecord } from '../domain/course';
import { LIMITS } from '../domain/limits';
import { MAX_SEARCH_WINDOW, SearchBackendError, type SearchFilter } from '../search';
import { DEFAULT_COURSE_ORDER, type CourseOrder } from '../stores/courseStore';
import type { CatalogContext } from '../context';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface CourseFilterArgs {
  category?: string | null;
  level?: CourseLevel | null;
  language?: string | null;
}

export async function findCourse(ctx: CatalogContext, args: { id?: string | null; slug?: string | null }) {
  if ((args.id == null) === (args.slug == null)) throw badUserInput('Give exactly one of "id" or "slug".');
  const course =
    args.id != null ? await ctx.loaders.courseById.load(args.id) : await ctx.courses.bySlug(args.slug!);
  return visibleCourse(ctx.viewer, course);
}

export async function listCourses(
  ctx: CatalogContext,
  args: PageArgs & { filterBy?: CourseFilterArgs | null; orderBy?: Partial<CourseOrder> | null },
): Promise<Connection<CourseDocument>> {
  const page = pageRequest(args);
  const order: CourseOrder = args.orderBy?.field
    ? { field: args.orderBy.field, direction: args.orderBy.direction ?? 'ASC' }
    : DEFAULT_COURSE_ORDER;
  const { items, totalCount } = await ctx.courses.list(
    {
      audience: audienceOf(ctx.viewer),
      categorySlug: args.filterBy?.category,
      level: args.filterBy?.level,
      language: args.filterBy?.language,
    },
    order,
    page,
  );
  for (const course of items) ctx.loaders.courseById.prime(course.id, course);
  return toConnection(items, totalCount, page);
}

export async function searchCourses(
  ctx: CatalogContext,
  args: PageArgs & { query: string; filterBy?: CourseFilterArgs | null },
): Promise<Connection<CourseDocument>> {
  const query = args.query.trim();
  if (query === '' || args.query.length > LIMITS.searchQuery) {
    throw badUserInput(`The search query must be 1 to ${LIMITS.searchQuery} characters.`, 'query');
  }
  const page = pageRequest(args);
  if (page.offset + page.limit > MAX_SEARCH_WINDOW) {
    throw badUserInput(`Search results past the first ${MAX_SEARCH_WINDOW} are not available.`, 'after');
  }
  const result = await ctx.search
    .search(query, { filter: searchFilter(args.filterBy), offset: page.offset, limit: page.limit })
    .catch((error: unknown) => {
      if (error instanceof SearchBackendError)
        throw graphQLError(ErrorCode.SERVICE_UNAVAILABLE, 'Search is unavailable right now.');
      throw error;
    });
  const found = await ctx.loaders.courseById.loadMany(result.hits.map((hit) => hit.id));
  // The index lags the store by at most one write; drop anything the viewer may no longer see.
  const courses = found.filter(
    (course): course is CourseDocument => isCourse(course) && canView(ctx.viewer, course),
  );
  return toConnection(courses, result.total, page);
}

export async function coursesTaught(
  ctx: CatalogContext,
  userId: string,
  args: PageArgs,
): Promise<Connection<CourseDocument>> {
  const page = pageRequest(args);
  const taught = (await ctx.loaders.coursesByInstructor.load(userId))
    .map((row) => row.course)
    .filter((course) => canView(ctx.viewer, course));
  return toConnection(taught.slice(page.offset, page.offset + page.limit), taught.length, page);
}

export function visibleCourse(viewer: Viewer | null, course: CourseDocument | null): CourseDocument | null {
  return course && canView(viewer, course) ? course : null;
}

export function visibleLesson(viewer: Viewer | null, record: LessonRecord | null): LessonRecord | null {
  return record && canView(viewer, record.course) ? record : null;
}

function searchFilter(filterBy: CourseFilterArgs | null | undefined): SearchFilter {
  const filter: SearchFilter = {};
  if (filterBy?.category) filter.category = filterBy.category;
  if (filterBy?.level) filter.level = filterBy.level;
  if (filterBy?.language) filter.language = filterBy.language;
  return filter;
}

function isCourse(value: CourseDocument | Error | null): value is CourseDocument {
  return value !== null && !(value instanceof Error);
}
