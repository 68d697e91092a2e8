/**
 * Authoring rules as pure functions over course documents: each takes the current document and a
 * validated input and returns the next document (or user errors). Stores persist the result with
 * an optimistic version check; nothing here does I/O.
 */
import { userError, type UserError } from '@learncraft/kit';
import {
  DEFAULT_LAB_IDLE_TIMEOUT_MINUTES,
  findLesson,
  profileFromImage,
  findModule,
  lessonCount,
  type CourseDocument,
  type CourseLevel,
  quizLimitsOf,
  type LessonContent,
  type LessonDocument,
  type LessonKind,
  type ModuleDocument,
} from './course';
import { CatalogErrorCode as Code, LIMITS } from './limits';
import {
  Checker,
  checkContentIds,
  checkCourseFields,
  checkLessonContent,
  checkModuleFields,
  type CourseFieldsInput,
  type LessonContentInput,
  type QuizInput,
} from './validation';

export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: UserError[] };

const failed = (errors: UserError[]): { ok: false; errors: UserError[] } => ({ ok: false, errors });

/** Fresh ids and the clock, injected so the rules stay deterministic under test. */
export interface AuthoringContext {
  newId: () => string;
  now: () => Date;
}

export interface CourseCreateInput extends CourseFieldsInput {
  title: string;
  summary: string;
  description: string;
  level: CourseLevel;
  categorySlug: string;
  language: string;
}

export interface LessonCreateInput extends LessonContentInput {
  moduleId: string;
  title: string;
  kind: LessonKind;
  durationSeconds?: number | null;
}

export interface LessonUpdateInput extends LessonContentInput {
  lessonId: string;
  title?: string | null;
  durationSeconds?: number | null;
}

/** "Intro to Rust: Part 2!" -> "intro-to-rust-part-2"; never empty. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.slug - 4)
    .replace(/-+$/, '');
  return slug || 'course';
}

/** Candidate slugs for a course created without one: the title's slug, then -2, -3, ... */
export function derivedSlugCandidates(title: string, count = 20): string[] {
  const base = slugify(title);
  return [base, ...Array.from({ length: count - 1 }, (_, index) => `${base}-${index + 2}`)];
}

export function newCourse(
  input: CourseCreateInput,
  slug: string,
  instructorId: string,
  ctx: AuthoringContext,
): Outcome<CourseDocument> {
  const check = new Checker();
  checkCourseFields(check, input);
  if (!check.ok) return failed(check.errors);
  const now = ctx.now().toISOString();
  return {
    ok: true,
    value: {
      id: ctx.newId(),
      slug,
      title: input.title.trim(),
      summary: input.summary.trim(),
      description: input.description,
      level: input.level,
      categorySlug: input.categorySlug,
      language: input.language,
      thumbnailUrl: input.thumbnailUrl ?? null,
      instructorIds: [instructorId],
      modules: [],
      published: false,
      publishedAt: null,
      createdAt: now,
      updatedAt: now,
      version: 0,
    },
  };
}

/** Absent or null fields stay as they are, except `thumbnailUrl: null`, which clears it. */
export function updateCourse(
  course: CourseDocument,
  input: CourseFieldsInput,
  now: Date,
): Outcome<CourseDocument> {
  const check = new Checker();
  checkCourseFields(check, input);
  if (!check.ok) return failed(check.errors);
  return {
    ok: true,
    value: {
      ...course,
      title: input.title?.trim() ?? course.title,
      slug: input.slug ?? course.slug,
      summary: input.summary?.trim() ?? course.summary,
      description: input.description ?? course.description,
      level: input.level ?? course.level,
      categorySlug: input.categorySlug ?? course.categorySlug,
      language: input.language ?? course.language,
      thumbnailUrl: input.thumbnailUrl === undefined ? course.thumbnailUrl : input.thumbnailUrl,
      updatedAt: now.toISOString(),
    },
  };
}

export function addModule(
  course: CourseDocument,
  input: { title: string; summary?: string | null; position?: number | null },
  ctx: AuthoringContext,
): Outcome<{ course: CourseDocument; module: ModuleDocument }> {
  const check = new Checker();
  checkModuleFields(check, input);
  const count = course.modules.length;
  if (count >= LIMITS.modulesPerCourse) {
    check.raw(Code.TOO_MANY, `A course can have at most ${LIMITS.modulesPerCourse} modules.`, [
      'input',
      'courseId',
    ]);
  }
  if (input.position != null) check.int(['input', 'position'], input.position, 1, count + 1, 'The position');
  if (!check.ok) return failed(check.errors);
  const module: ModuleDocument = {
    id: ctx.newId(),
    title: input.title.trim(),
    summary: input.summary?.trim() ?? '',
    lessons: [],
  };
  const modules = [...course.modules];
  modules.splice((input.position ?? count + 1) - 1, 0, module);
  return { ok: true, value: { course: { ...course, modules, updatedAt: ctx.now().toISOString() }, module } };
}

export function addLesson(
  course: CourseDocument,
  input: LessonCreateInput,
  ctx: AuthoringContext,
): Outcome<{ course: CourseDocument; lesson: LessonDocument }> {
  const check = new Checker();
  check.text(['input', 'title'], input.title, LIMITS.title, 'The title');
  if (input.durationSeconds != null) checkDuration(check, input.durationSeconds);
  checkLessonContent(check, input.kind, input, true);
  checkContentIds(check, input.kind, input, null);
  const found = findModule(course, input.moduleId);
  if (found && found.module.lessons.length >= LIMITS.lessonsPerModule) {
    check.raw(Code.TOO_MANY, `A module can have at most ${LIMITS.lessonsPerModule} lessons.`, [
      'input',
      'moduleId',
    ]);
  }
  const lessonsInCourse = course.modules.reduce((total, module) => total + module.lessons.length, 0);
  if (lessonsInCourse >= LIMITS.lessonsPerCourse) {
    check.raw(Code.TOO_MANY, `A course can have at most ${LIMITS.lessonsPerCourse} lessons.`, [
      'input',
      'moduleId',
    ]);
  }
  if (!found) throw new Error(`module ${input.moduleId} is not in course ${course.id}`);
  if (!check.ok) return failed(check.errors);
  const content = buildContent(input.kind, input, ctx.newId)!;
  const lesson: LessonDocument = {
    id: ctx.newId(),
    title: input.title.trim(),
    kind: input.kind,
    durationSeconds: input.durationSeconds ?? defaultDurationSeconds(content),
    content,
  };
  const modules = course.modules.map((module) =>
    module.id === input.moduleId ? { ...module, lessons: [...module.lessons, lesson] } : module,
  );
  return { ok: true, value: { course: { ...course, modules, updatedAt: ctx.now().toISOString() }, lesson } };
}

/**
 * New content replaces the old whole, but questions, options and steps given with their current
 * `id` keep it (edited in place) so progress's stored attempts still match; entries without one
 * get fresh ids. Without an explicit duration the duration is recomputed from the new content.
 */
export function updateLesson(
  course: CourseDocument,
  input: LessonUpdateInput,
  ctx: AuthoringContext,
): Outcome<{ course: CourseDocument; lesson: LessonDocument }> {
  const found = findLesson(course, input.lessonId);
  // Callers resolve the lesson's course first; a miss here is a programming error.
  if (!found) throw new Error(`lesson ${input.lessonId} is not in course ${course.id}`);
  const current = found.lesson;
  const check = new Checker();
  if (input.title != null) check.text(['input', 'title'], input.title, LIMITS.title, 'The title');
  if (input.durationSeconds != null) checkDuration(check, input.durationSeconds);
  checkLessonContent(check, current.kind, input, false);
  checkContentIds(check, current.kind, input, current.content);
  if (!check.ok) return failed(check.errors);
  const content = buildContent(current.kind, input, ctx.newId) ?? current.content;
  const lesson: LessonDocument = {
    ...current,
    title: input.title?.trim() ?? current.title,
    content,
    durationSeconds:
      input.durationSeconds ??
      (content === current.content ? current.durationSeconds : defaultDurationSeconds(content)),
  };
  const modules = course.modules.map((module) => ({
    ...module,
    lessons: module.lessons.map((existing) => (existing.id === lesson.id ? lesson : existing)),
  }));
  return { ok: true, value: { course: { ...course, modules, updatedAt: ctx.now().toISOString() }, lesson } };
}

/** A question to add to a quiz, as an author (or a draft they accepted) writes it. */
export type NewQuizQuestion = Omit<QuizInput['questions'][number], 'id'>;

/**
 * Appends questions to a QUIZ lesson: the quiz is updated as `lessonUpdate` would with its current
 * questions (kept by id, so stored attempts still match) followed by the new ones, through the same
 * checks. Errors about the new questions point into `questions` (["questions", "0", "prompt"]);
 * any other error keeps the path of the quiz it concerns, without the "input" prefix.
 */
export function appendQuizQuestions(
  course: CourseDocument,
  lessonId: string,
  questions: readonly NewQuizQuestion[],
  ctx: AuthoringContext,
): Outcome<{ course: CourseDocument; lesson: LessonDocument; questionIds: string[] }> {
  const current = findLesson(course, lessonId)?.lesson.content;
  if (current?.kind !== 'QUIZ') throw new Error(`lesson ${lessonId} is not a quiz in course ${course.id}`);
  const kept = current.questions.map((question) => ({
    id: question.id,
    prompt: question.prompt,
    multiple: question.multiple,
    explanation: question.explanation,
    options: question.options.map((option) => ({ ...option })),
  }));
  const updated = updateLesson(
    course,
    {
      lessonId,
      quiz: {
        passPercent: current.passPercent,
        ...quizLimitsOf(current),
        questions: [...kept, ...questions.map((question) => ({ ...question, id: null }))],
      },
    },
    ctx,
  );
  if (!updated.ok) {
    return failed(
      updated.errors.map((error) => ({ ...error, field: appendedField(error.field, kept.length) })),
    );
  }
  const content = updated.value.lesson.content;
  const questionIds =
    content.kind === 'QUIZ' ? content.questions.slice(kept.length).map((question) => question.id) : [];
  return { ok: true, value: { ...updated.value, questionIds } };
}

function appendedField(field: string[] | null, keptCount: number): string[] | null {
  if (!field) return null;
  const [input, quiz, questions, index, ...rest] = field;
  if (input === 'input' && quiz === 'quiz' && questions === 'questions') {
    const position = Number(index);
    if (index === undefined) return ['questions'];
    if (Number.isInteger(position) && position >= keptCount)
      return ['questions', String(position - keptCount), ...rest];
  }
  return input === 'input' ? field.slice(1) : field;
}

/** Publishing is idempotent; a course needs at least one lesson (so at least one module) first. */
export function publishCourse(course: CourseDocument, now: Date): Outcome<CourseDocument> {
  if (course.published) return { ok: true, value: course };
  if (lessonCount(course) === 0) {
    return failed([
      userError(
        Code.COURSE_EMPTY,
        'A course needs at least one module with at least one lesson before publishing.',
        ['input', 'courseId'],
      ),
    ]);
  }
  const at = now.toISOString();
  return { ok: true, value: { ...course, published: true, publishedAt: at, updatedAt: at } };
}

function checkDuration(check: Checker, value: number) {
  check.int(['input', 'durationSeconds'], value, 0, LIMITS.lessonDurationSeconds, 'The duration');
}

/**
 * Turns validated content input for `kind` into stored content; null when absent. Items keep the
 * id they were given (checkContentIds has vouched for it) and get a fresh one otherwise.
 */
export function buildContent(
  kind: LessonKind,
  input: LessonContentInput,
  newId: () => string,
): LessonContent | null {
  switch (kind) {
    case 'VIDEO':
      return input.video
        ? {
            kind,
            url: input.video.url,
            durationSeconds: input.video.durationSeconds,
            transcriptVtt: input.video.transcriptVtt ?? null,
          }
        : null;
    case 'READING':
      return input.reading ? { kind, markdown: input.reading.markdown } : null;
    case 'QUIZ':
      return input.quiz
        ? {
            kind,
            passPercent: input.quiz.passPercent,
            maxAttempts: input.quiz.maxAttempts ?? null,
            cooldownSeconds: input.quiz.cooldownSeconds ?? 0,
            questions: input.quiz.questions.map((question) => ({
              id: question.id ?? newId(),
              prompt: question.prompt.trim(),
              multiple: question.multiple,
              explanation: question.explanation ?? null,
              options: question.options.map((option) => ({
                id: option.id ?? newId(),
                label: option.label.trim(),
                correct: option.correct,
              })),
            })),
          }
        : null;
    case 'LAB':
      return input.lab
        ? {
            kind,
            image: input.lab.image,
            profile: input.lab.profile ?? profileFromImage(input.lab.image),
            instructions: input.lab.instructions,
            timeLimitMinutes: input.lab.timeLimitMinutes,
            idleTimeoutMinutes: input.lab.idleTimeoutMinutes ?? DEFAULT_LAB_IDLE_TIMEOUT_MINUTES,
            setupScript: input.lab.setupScript?.trim() ? input.lab.setupScript : null,
            steps: input.lab.steps.map((step) => ({
              id: step.id ?? newId(),
              title: step.title.trim(),
              instructions: step.instructions,
              checkCommand: step.checkCommand,
              hint: step.hint ?? null,
            })),
          }
        : null;
  }
}

const READING_WORDS_PER_MINUTE = 200;
const SECONDS_PER_QUIZ_QUESTION = 60;

/** An estimate when the author gives none: video length, reading time, a minute per question, the lab's limit. */
export function defaultDurationSeconds(content: LessonContent): number {
  switch (content.kind) {
    case 'VIDEO':
      return content.durationSeconds;
    case 'READING': {
      const words = content.markdown.split(/\s+/).filter(Boolean).length;
      return Math.max(60, Math.ceil((words / READING_WORDS_PER_MINUTE) * 60));
    }
    case 'QUIZ':
      return content.questions.length * SECONDS_PER_QUIZ_QUESTION;
    case 'LAB':
      return content.timeLimitMinutes * 60;
  }
}
