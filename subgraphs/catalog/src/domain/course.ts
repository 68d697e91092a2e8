/**
 * The catalog's document model: a course document embeds its ordered modules and their ordered
 * lessons (Mongo-style), so a course is read and written whole. Quiz answer keys and lab check
 * commands live in the document but never leave the subgraph except through internal routes.
 */

export const COURSE_LEVELS = ['BEGINNER', 'INTERMEDIATE', 'ADVANCED'] as const;
export type CourseLevel = (typeof COURSE_LEVELS)[number];

export const LESSON_KINDS = ['VIDEO', 'READING', 'QUIZ', 'LAB'] as const;
export type LessonKind = (typeof LESSON_KINDS)[number];

export interface VideoContent {
  kind: 'VIDEO';
  url: string;
  durationSeconds: number;
  transcriptVtt: string | null;
}

export interface ReadingContent {
  kind: 'READING';
  markdown: string;
}

export interface QuizOptionDocument {
  id: string;
  label: string;
  correct: boolean;
}

export interface QuizQuestionDocument {
  id: string;
  prompt: string;
  multiple: boolean;
  explanation: string | null;
  options: QuizOptionDocument[];
}

export interface QuizContent {
  kind: 'QUIZ';
  passPercent: number;
  /**
   * Attempts per learner; null is unlimited. Absent (like cooldownSeconds) on quizzes stored
   * before attempt limits existed: read both through quizLimitsOf.
   */
  maxAttempts?: number | null;
  /** Seconds a learner waits after an attempt before the next one. */
  cooldownSeconds?: number;
  questions: QuizQuestionDocument[];
}

/** A quiz's attempt rules, with the defaults of quizzes stored before they existed: unlimited, no wait. */
export function quizLimitsOf(quiz: QuizContent): { maxAttempts: number | null; cooldownSeconds: number } {
  return { maxAttempts: quiz.maxAttempts ?? null, cooldownSeconds: quiz.cooldownSeconds ?? 0 };
}

export interface LabStepDocument {
  id: string;
  title: string;
  instructions: string;
  checkCommand: string;
  hint: string | null;
}

/** The tool set of a lab's sandbox (what the local runtime binds in besides a shell). */
export const LAB_PROFILES = ['LINUX', 'NODE', 'KUBERNETES'] as const;
export type LabProfile = (typeof LAB_PROFILES)[number];

/** Minutes a session may sit idle when the author sets no limit. */
export const DEFAULT_LAB_IDLE_TIMEOUT_MINUTES = 15;

export interface LabContent {
  kind: 'LAB';
  image: string;
  instructions: string;
  timeLimitMinutes: number;
  /**
   * Absent (like idleTimeoutMinutes and setupScript) on labs stored before they existed: read all
   * three through labSettingsOf.
   */
  profile?: LabProfile;
  idleTimeoutMinutes?: number;
  /** Run once in the learner's home when the sandbox is created; null for none. Never public. */
  setupScript?: string | null;
  steps: LabStepDocument[];
}

/** A lab's sandbox settings, with the defaults of labs stored before they existed. */
export function labSettingsOf(lab: LabContent): {
  profile: LabProfile;
  idleTimeoutMinutes: number;
  setupScript: string | null;
} {
  return {
    profile: lab.profile ?? profileFromImage(lab.image),
    idleTimeoutMinutes: lab.idleTimeoutMinutes ?? DEFAULT_LAB_IDLE_TIMEOUT_MINUTES,
    setupScript: lab.setupScript ?? null,
  };
}

/** The profile an image name suggests: "learncraft/lab-node:20" is NODE; LINUX when nothing matches. */
export function profileFromImage(image: string): LabProfile {
  const name = image.toLowerCase();
  if (/(^|[^a-z])(kube|kubernetes|kubectl|k8s)/.test(name)) return 'KUBERNETES';
  if (/(^|[^a-z])node/.test(name)) return 'NODE';
  return 'LINUX';
}

export type LessonContent = VideoContent | ReadingContent | QuizContent | LabContent;

export interface LessonDocument {
  id: string;
  title: string;
  kind: LessonKind;
  durationSeconds: number;
  content: LessonContent;
}

export interface ModuleDocument {
  id: string;
  title: string;
  summary: string;
  lessons: LessonDocument[];
}

export interface CourseDocument {
  id: string;
  slug: string;
  title: string;
  summary: string;
  /** Markdown. */
  description: string;
  level: CourseLevel;
  categorySlug: string;
  /** BCP-47 tag, e.g. "en" or "pt-BR". */
  language: string;
  thumbnailUrl: string | null;
  instructorIds: string[];
  /** In syllabus order; a module's position is its index + 1. */
  modules: ModuleDocument[];
  published: boolean;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Optimistic concurrency: bumped by every successful write. */
  version: number;
}

export interface Category {
  id: string;
  slug: string;
  name: string;
  description: string;
}

export interface CategoryWithCount extends Category {
  /** Published courses in the category. */
  courseCount: number;
}

/** A lesson located in its course, as Lesson lookups return it. */
export interface LessonRecord {
  lesson: LessonDocument;
  module: ModuleDocument;
  course: CourseDocument;
  /** 1-based position of the module in the course. */
  modulePosition: number;
  /** 1-based position of the lesson in its module. */
  lessonPosition: number;
}

export function lessonsOf(course: CourseDocument): LessonDocument[] {
  return course.modules.flatMap((module) => module.lessons);
}

/** The course's first lesson in syllabus order, without listing every lesson (called per lesson). */
export function firstLessonOf(course: CourseDocument): LessonDocument | null {
  for (const module of course.modules) if (module.lessons[0]) return module.lessons[0];
  return null;
}

export function lessonCount(course: CourseDocument): number {
  return course.modules.reduce((sum, module) => sum + module.lessons.length, 0);
}

export function totalDurationSeconds(course: CourseDocument): number {
  let total = 0;
  for (const module of course.modules) for (const lesson of module.lessons) total += lesson.durationSeconds;
  return total;
}

export function findLesson(course: CourseDocument, lessonId: string): LessonRecord | null {
  for (const [moduleIndex, module] of course.modules.entries()) {
    const lessonIndex = module.lessons.findIndex((lesson) => lesson.id === lessonId);
    if (lessonIndex >= 0) {
      return {
        lesson: module.lessons[lessonIndex]!,
        module,
        course,
        modulePosition: moduleIndex + 1,
        lessonPosition: lessonIndex + 1,
      };
    }
  }
  return null;
}

export function findModule(
  course: CourseDocument,
  moduleId: string,
): { module: ModuleDocument; position: number } | null {
  const index = course.modules.findIndex((module) => module.id === moduleId);
  return index < 0 ? null : { module: course.modules[index]!, position: index + 1 };
}

/**
 * Locates each requested lesson id (in request order, once each) in the first of the course
 * documents that holds it; unknown ids are left out. One pass over the documents' lessons, not a
 * search of every document per id.
 */
export function locateLessons(ids: readonly string[], docs: readonly CourseDocument[]): LessonRecord[] {
  const wanted = new Set(ids);
  const found = new Map<string, LessonRecord>();
  for (const course of docs) {
    course.modules.forEach((module, moduleIndex) => {
      module.lessons.forEach((lesson, lessonIndex) => {
        if (!wanted.has(lesson.id) || found.has(lesson.id)) return;
        found.set(lesson.id, {
          lesson,
          module,
          course,
          modulePosition: moduleIndex + 1,
          lessonPosition: lessonIndex + 1,
        });
      });
    });
  }
  return [...wanted].flatMap((id) => found.get(id) ?? []);
}

/** Ids are uuids; anything else can never match, so stores drop such keys before querying. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
