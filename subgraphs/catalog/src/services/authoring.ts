/**
 * Authoring use cases: authorize, validate through the domain rules, save with an optimistic
 * version check (reloading and re-applying on a concurrent write), then re-index the course.
 * Returns payload-shaped results; resolvers only unpack arguments and call these.
 */
import { notFound, userError, type UserError, type Viewer } from '@learncraft/kit';
import {
  addLesson,
  addModule,
  appendQuizQuestions,
  derivedSlugCandidates,
  newCourse,
  publishCourse,
  updateCourse,
  updateLesson,
  type AuthoringContext,
  type CourseCreateInput,
  type LessonCreateInput,
  type LessonUpdateInput,
  type NewQuizQuestion,
  type Outcome,
} from '../domain/authoring';
import { requireAuthor, requireCourseEditor } from '../domain/access';
import {
  findLesson,
  findModule,
  type CourseDocument,
  type LessonRecord,
  type ModuleDocument,
} from '../domain/course';
import { CatalogErrorCode as Code } from '../domain/limits';
import type { CourseFieldsInput } from '../domain/validation';
import { SlugTakenError, VersionConflictError, type CourseStore } from '../stores/courseStore';
import type { CourseEvents } from './courseEvents';
import type { CourseIndexer } from './indexing';

/** A module as the GraphQL Module type resolves it. */
export interface ModuleRecord {
  module: ModuleDocument;
  course: CourseDocument;
  position: number;
}

export interface CoursePayload {
  course: CourseDocument | null;
  userErrors: UserError[];
}
export interface ModulePayload {
  module: ModuleRecord | null;
  userErrors: UserError[];
}
export interface LessonPayload {
  lesson: LessonRecord | null;
  userErrors: UserError[];
}

export type QuizQuestionsAppendResult =
  | { ok: true; questionIds: string[]; version: number }
  | { ok: false; userErrors: UserError[] }
  /** The lesson is not a QUIZ lesson. */
  | { ok: false; notAQuiz: true };

const MAX_ATTEMPTS = 3;

export class AuthoringService {
  constructor(
    private readonly courses: CourseStore,
    private readonly indexer: CourseIndexer,
    private readonly events: CourseEvents,
    private readonly ctx: AuthoringContext,
  ) {}

  async courseCreate(viewer: Viewer | null, input: CourseCreateInput): Promise<CoursePayload> {
    const author = requireAuthor(viewer);
    const built = newCourse(input, input.slug ?? '', author.id, this.ctx);
    const errors = [...(built.ok ? [] : built.errors), ...(await this.categoryErrors(input.categorySlug))];
    if (!built.ok || errors.length > 0) return { course: null, userErrors: errors };
    const candidates = input.slug != null ? [input.slug] : derivedSlugCandidates(built.value.title);
    for (const slug of candidates) {
      try {
        const saved = await this.courses.create({ ...built.value, slug });
        await this.events.changed(saved);
        await this.indexer.sync([saved]);
        return { course: saved, userErrors: [] };
      } catch (error) {
        if (!(error instanceof SlugTakenError)) throw error;
      }
    }
    const slug = candidates[0]!;
    return {
      course: null,
      userErrors: [slugTaken(slug, input.slug != null ? ['input', 'slug'] : ['input', 'title'])],
    };
  }

  async courseUpdate(
    viewer: Viewer | null,
    input: CourseFieldsInput & { courseId: string },
  ): Promise<CoursePayload> {
    const outcome = await this.edit(viewer, input.courseId, async (course) => {
      const updated = updateCourse(course, input, this.ctx.now());
      const errors = [...(updated.ok ? [] : updated.errors)];
      if (input.categorySlug != null && input.categorySlug !== course.categorySlug) {
        errors.push(...(await this.categoryErrors(input.categorySlug)));
      }
      if (input.slug != null && input.slug !== course.slug && (await this.courses.bySlug(input.slug))) {
        errors.push(slugTaken(input.slug, ['input', 'slug']));
      }
      return updated.ok && errors.length === 0
        ? { ok: true, value: { course: updated.value } }
        : { ok: false, errors };
    });
    return outcome.ok
      ? { course: outcome.value.course, userErrors: [] }
      : { course: null, userErrors: outcome.errors };
  }

  async moduleCreate(
    viewer: Viewer | null,
    input: { courseId: string; title: string; summary?: string | null; position?: number | null },
  ): Promise<ModulePayload> {
    const outcome = await this.edit(viewer, input.courseId, (course) => addModule(course, input, this.ctx));
    if (!outcome.ok) return { module: null, userErrors: outcome.errors };
    const { course, module } = outcome.value;
    const found = findModule(course, module.id)!;
    return { module: { module: found.module, course, position: found.position }, userErrors: [] };
  }

  async lessonCreate(viewer: Viewer | null, input: LessonCreateInput): Promise<LessonPayload> {
    requireAuthor(viewer);
    const [owner] = await this.courses.byModuleIds([input.moduleId]);
    if (!owner) throw notFound('Module', input.moduleId);
    const outcome = await this.edit(viewer, owner.id, (course) => {
      if (!findModule(course, input.moduleId)) throw notFound('Module', input.moduleId);
      return addLesson(course, input, this.ctx);
    });
    if (!outcome.ok) return { lesson: null, userErrors: outcome.errors };
    return { lesson: findLesson(outcome.value.course, outcome.value.lesson.id), userErrors: [] };
  }

  async lessonUpdate(viewer: Viewer | null, input: LessonUpdateInput): Promise<LessonPayload> {
    requireAuthor(viewer);
    const [located] = await this.courses.lessonsByIds([input.lessonId]);
    if (!located) throw notFound('Lesson', input.lessonId);
    const outcome = await this.edit(viewer, located.course.id, (course) => {
      // A concurrent writer may have removed the lesson between the lookup and this attempt.
      if (!findLesson(course, input.lessonId)) throw notFound('Lesson', input.lessonId);
      return updateLesson(course, input, this.ctx);
    });
    if (!outcome.ok) return { lesson: null, userErrors: outcome.errors };
    return { lesson: findLesson(outcome.value.course, outcome.value.lesson.id), userErrors: [] };
  }

  /**
   * Adds questions to a quiz (for the ai service's accepted drafts) with lessonUpdate's checks,
   * authorization and retry. Throws like lessonUpdate: NOT_FOUND, UNAUTHENTICATED, FORBIDDEN.
   */
  async quizQuestionsAppend(
    viewer: Viewer | null,
    input: { lessonId: string; questions: NewQuizQuestion[] },
  ): Promise<QuizQuestionsAppendResult> {
    const [located] = await this.courses.lessonsByIds([input.lessonId]);
    if (!located) throw notFound('Lesson', input.lessonId);
    requireAuthor(viewer);
    // A lesson's kind never changes, so the check need not be repeated on each attempt.
    if (located.lesson.kind !== 'QUIZ') return { ok: false, notAQuiz: true };
    const outcome = await this.edit(viewer, located.course.id, (course) => {
      if (!findLesson(course, input.lessonId)) throw notFound('Lesson', input.lessonId);
      return appendQuizQuestions(course, input.lessonId, input.questions, this.ctx);
    });
    if (!outcome.ok) return { ok: false, userErrors: outcome.errors };
    return { ok: true, questionIds: outcome.value.questionIds, version: outcome.value.course.version };
  }

  async coursePublish(viewer: Viewer | null, input: { courseId: string }): Promise<CoursePayload> {
    const outcome = await this.edit(
      viewer,
      input.courseId,
      (course): Outcome<{ course: CourseDocument; unchanged: boolean }> => {
        if (course.published) return { ok: true, value: { course, unchanged: true } };
        const published = publishCourse(course, this.ctx.now());
        return published.ok ? { ok: true, value: { course: published.value, unchanged: false } } : published;
      },
    );
    return outcome.ok
      ? { course: outcome.value.course, userErrors: [] }
      : { course: null, userErrors: outcome.errors };
  }

  /**
   * Loads the course, checks the viewer may edit it, applies `change` and saves. On a version
   * conflict the whole step is repeated on the fresh document. `unchanged: true` skips the save.
   */
  private async edit<T extends { course: CourseDocument; unchanged?: boolean }>(
    viewer: Viewer | null,
    courseId: string,
    change: (course: CourseDocument) => Outcome<T> | Promise<Outcome<T>>,
  ): Promise<Outcome<T>> {
    const author = requireAuthor(viewer);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const [course] = await this.courses.byIds([courseId]);
      if (!course) throw notFound('Course', courseId);
      requireCourseEditor(author, course);
      const outcome = await change(course);
      if (!outcome.ok || outcome.value.unchanged) return outcome;
      try {
        const saved = await this.courses.update(outcome.value.course);
        await this.events.changed(saved);
        await this.indexer.sync([saved]);
        return { ok: true, value: { ...outcome.value, course: saved } };
      } catch (error) {
        if (error instanceof SlugTakenError)
          return { ok: false, errors: [slugTaken(error.slug, ['input', 'slug'])] };
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    return {
      ok: false,
      errors: [
        userError(Code.CONCURRENT_UPDATE, 'The course is being changed by someone else; try again.', [
          'input',
        ]),
      ],
    };
  }

  private async categoryErrors(slug: string | null | undefined): Promise<UserError[]> {
    if (slug == null) return [];
    const known = (await this.courses.categories()).some((category) => category.slug === slug);
    return known
      ? []
      : [userError(Code.CATEGORY_NOT_FOUND, `There is no category "${slug}".`, ['input', 'categorySlug'])];
  }
}

function slugTaken(slug: string, field: string[]): UserError {
  return userError(Code.SLUG_TAKEN, `The slug "${slug}" is already used by another course.`, field);
}
