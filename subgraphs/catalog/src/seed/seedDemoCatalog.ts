/**
 * Imports the demo catalog (categories and published courses) on start when SEED_DEMO is set.
 * Idempotent: categories are upserted by slug and a course whose slug exists is skipped. Courses
 * are built through the same authoring rules as the mutations, so demo content obeys every limit.
 * One upgrade runs on existing demo courses: a lab stored before lab profiles existed (no
 * `profile`, so no setup script, and checks that needed the network) is replaced by the demo's
 * current lab, once; every other edit an author made is left alone.
 */
import { randomUUID } from 'node:crypto';
import { DEMO_ACCOUNTS, type Logger } from '@learncraft/kit';
import {
  addLesson,
  addModule,
  buildContent,
  newCourse,
  publishCourse,
  type AuthoringContext,
  type LessonCreateInput,
  type Outcome,
} from '../domain/authoring';
import type { CourseDocument } from '../domain/course';
import type { CourseIndexer } from '../services/indexing';
import { SlugTakenError, VersionConflictError, type CourseStore } from '../stores/courseStore';
import { demoCategories, demoCourses, type DemoCourse, type DemoLesson } from './demoCatalog';

export interface SeedResult {
  created: number;
  skipped: number;
  failed: number;
  /** Existing demo courses whose legacy lab was replaced by the current demo lab. */
  labsUpgraded: number;
}

export interface SeedOptions {
  store: CourseStore;
  indexer: CourseIndexer;
  logger: Logger;
  ctx?: AuthoringContext;
  /** Defaults to the checked-in demo catalog. */
  courses?: readonly DemoCourse[];
}

const defaultContext: AuthoringContext = { newId: randomUUID, now: () => new Date() };

export async function seedDemoCatalog(options: SeedOptions): Promise<SeedResult> {
  const { store, indexer, logger } = options;
  const ctx = options.ctx ?? defaultContext;
  const courses = options.courses ?? demoCourses;
  await store.upsertCategories(demoCategories.map((category) => ({ id: ctx.newId(), ...category })));

  const result: SeedResult = { created: 0, skipped: 0, failed: 0, labsUpgraded: 0 };
  for (const [index, demo] of courses.entries()) {
    const progress = `${index + 1}/${courses.length}`;
    const existing = await store.bySlug(demo.slug);
    if (existing) {
      result.skipped += 1;
      const upgraded = withCurrentDemoLabs(existing, demo, ctx);
      if (upgraded) {
        try {
          await indexer.sync([await store.update(upgraded)]);
          result.labsUpgraded += 1;
          logger.info(
            `seed: course ${progress} "${demo.slug}" exists; its lab was upgraded to the current demo lab`,
          );
        } catch (error) {
          // Another replica upgraded it (or an author saved) meanwhile: leave it to them.
          if (!(error instanceof VersionConflictError)) throw error;
        }
      } else {
        logger.info(`seed: course ${progress} "${demo.slug}" exists, skipped`);
      }
      continue;
    }
    const built = buildDemoCourse(demo, ctx);
    if (!built.ok) {
      result.failed += 1;
      logger.error(`seed: demo course "${demo.slug}" is invalid and was not imported`, {
        errors: built.errors,
      });
      continue;
    }
    try {
      const saved = await store.create(built.value);
      await indexer.sync([saved]);
      result.created += 1;
      logger.info(`seed: seeded ${progress} courses ("${demo.slug}")`);
    } catch (error) {
      // Another replica seeding at the same moment won the slug: that is the idempotent outcome.
      if (!(error instanceof SlugTakenError)) throw error;
      result.skipped += 1;
    }
  }
  logger.info(
    `seed: demo catalog ready (${result.created} created, ${result.skipped} already present, ${result.labsUpgraded} labs upgraded, ${result.failed} invalid)`,
  );
  return result;
}

/** Builds a published course document from demo data through the authoring rules. */
export function buildDemoCourse(demo: DemoCourse, ctx: AuthoringContext): Outcome<CourseDocument> {
  const instructor = DEMO_ACCOUNTS.find((account) => account.email === demo.instructorEmail);
  if (!instructor) {
    return {
      ok: false,
      errors: [
        { code: 'UNKNOWN_INSTRUCTOR', message: `No demo account ${demo.instructorEmail}.`, field: null },
      ],
    };
  }
  const created = newCourse(
    {
      title: demo.title,
      slug: demo.slug,
      summary: demo.summary,
      description: demo.descriptionMarkdown,
      level: demo.level,
      categorySlug: demo.categorySlug,
      language: demo.language,
      thumbnailUrl: demo.thumbnailUrl,
    },
    demo.slug,
    instructor.id,
    ctx,
  );
  if (!created.ok) return created;
  let course = created.value;
  for (const demoModule of demo.modules) {
    const withModule = addModule(course, { title: demoModule.title, summary: demoModule.summary }, ctx);
    if (!withModule.ok) return withModule;
    course = withModule.value.course;
    for (const demoLesson of demoModule.lessons) {
      const withLesson = addLesson(course, lessonInput(withModule.value.module.id, demoLesson), ctx);
      if (!withLesson.ok) return withLesson;
      course = withLesson.value.course;
    }
  }
  return publishCourse(course, ctx.now());
}

/**
 * The course with each legacy LAB lesson (stored without a profile) replaced by the demo course's
 * lab (title and content, with fresh step ids); null when there is nothing to upgrade.
 */
export function withCurrentDemoLabs(
  course: CourseDocument,
  demo: DemoCourse,
  ctx: AuthoringContext,
): CourseDocument | null {
  const demoLab = demo.modules.flatMap((module) => module.lessons).find((lesson) => lesson.kind === 'LAB');
  if (!demoLab) return null;
  let changed = false;
  const modules = course.modules.map((module) => ({
    ...module,
    lessons: module.lessons.map((lesson) => {
      if (lesson.content.kind !== 'LAB' || lesson.content.profile !== undefined) return lesson;
      const content = buildContent('LAB', lessonInput(module.id, demoLab), ctx.newId);
      if (!content) return lesson;
      changed = true;
      return { ...lesson, title: demoLab.title, content };
    }),
  }));
  return changed ? { ...course, modules, updatedAt: ctx.now().toISOString() } : null;
}

function lessonInput(moduleId: string, lesson: DemoLesson): LessonCreateInput {
  return {
    moduleId,
    title: lesson.title,
    kind: lesson.kind,
    durationSeconds: lesson.durationSeconds,
    video: lesson.video && {
      url: lesson.video.url,
      durationSeconds: lesson.durationSeconds,
      transcriptVtt: lesson.video.transcriptVtt,
    },
    reading: lesson.reading && { markdown: lesson.reading.markdown },
    quiz: lesson.quiz && {
      passPercent: lesson.quiz.passPercent,
      maxAttempts: lesson.quiz.maxAttempts,
      cooldownSeconds: lesson.quiz.cooldownSeconds,
      questions: lesson.quiz.questions.map((question) => ({
        prompt: question.prompt,
        multiple: question.multiple,
        explanation: question.explanation,
        options: question.options.map((option) => ({
          label: option.label,
          correct: question.correctOptionKeys.includes(option.key),
        })),
      })),
    },
    lab: lesson.lab && {
      image: lesson.lab.image,
      profile: lesson.lab.profile,
      instructions: lesson.lab.instructionsMarkdown,
      timeLimitMinutes: lesson.lab.timeLimitMinutes,
      idleTimeoutMinutes: lesson.lab.idleTimeoutMinutes,
      setupScript: lesson.lab.setupScript,
      steps: lesson.lab.steps.map((step) => ({
        title: step.title,
        instructions: step.instructionsMarkdown,
        checkCommand: step.check.command,
        hint: step.hint,
      })),
    },
  };
}
