/**
 * Fills the subgraphs' own databases with the journey benchmark's data before the platform starts:
 * a realistic catalog (courses of modules of video, reading and quiz lessons), identity's
 * learners and instructors, and progress's enrollments with lesson progress. Rows go in through
 * each subgraph's own migrations and tables, in multi-row INSERTs (PGlite is single-writer, so
 * this runs while no service holds the database). The password hash is made once and reused:
 * argon2id is slow by design. Returns what the benchmark needs to draw realistic variables.
 */
import { join } from 'node:path';
import { migrate, openDatabase, type Database } from '@learncraft/kit';
import { migrateCatalog } from '@learncraft/catalog/src/stores/embedded';
import { IDENTITY_MIGRATIONS_DIR } from '@learncraft/identity/src/server';
import { MIGRATIONS_DIR as PROGRESS_MIGRATIONS_DIR } from '@learncraft/progress/src/server';
import { hashPassword } from '@learncraft/identity/src/passwords';
import { BENCH_CATEGORIES, benchCourse, seededRandom, uuidFrom, type CatalogShape } from './catalogData';

export interface JourneyDataSize extends CatalogShape {
  courses: number;
  learners: number;
  instructors: number;
  enrollmentsPerLearner: number;
}

export const FULL_SIZE: JourneyDataSize = {
  courses: 1_000,
  modulesPerCourse: 5,
  lessonsPerModule: 10,
  learners: 10_000,
  instructors: 50,
  enrollmentsPerLearner: 3,
};

/** Where the data goes: one PostgreSQL database for every subgraph, or PGlite under the data directory. */
export type JourneyStore = { databaseUrl: string } | { dataDir: string };

export interface JourneyCourse {
  id: string;
  slug: string;
  videoLessonIds: { id: string; durationSeconds: number }[];
  readingLessonIds: string[];
  quizzes: { id: string; answers: { questionId: string; optionIds: string[] }[] }[];
  allLessonIds: string[];
}

export interface JourneyData {
  courses: JourneyCourse[];
  learners: { id: string; enrolledCourseIndexes: number[] }[];
  searchTerms: string[];
  counts: { courses: number; lessons: number; learners: number; enrollments: number; lessonProgress: number };
}

const CHUNK_ROWS = 500;

async function insertRows(
  db: Database,
  table: string,
  columns: string[],
  casts: string[],
  rows: unknown[][],
) {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const cells = row.map((value, column) => {
        params.push(value);
        return `$${params.length}${casts[column] ?? ''}`;
      });
      return `(${cells.join(', ')})`;
    });
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

function openFor(store: JourneyStore, subgraph: string): Promise<Database> {
  return openDatabase({
    location:
      'databaseUrl' in store ? { url: store.databaseUrl } : { pgliteDir: join(store.dataDir, subgraph) },
  });
}

/** Generates the data into `store`; logs progress through `log`. */
export async function generateJourneyData(
  store: JourneyStore,
  size: JourneyDataSize,
  log: (line: string) => void,
): Promise<JourneyData> {
  const random = seededRandom(42);
  const passwordHash = await hashPassword('bench-learner-pass');

  // identity: instructors and learners.
  const identity = await openFor(store, 'identity');
  await migrate(identity, 'identity', IDENTITY_MIGRATIONS_DIR);
  const instructorIds = Array.from({ length: size.instructors }, () => uuidFrom(random));
  const learnerIds = Array.from({ length: size.learners }, () => uuidFrom(random));
  await insertRows(
    identity,
    'identity.users',
    ['id', 'email', 'password_hash', 'display_name', 'roles'],
    ['::uuid', '', '', '', '::text[]'],
    [
      ...instructorIds.map((id, i) => [
        id,
        `instructor${i}@bench.learncraft.dev`,
        passwordHash,
        `Instructor ${i}`,
        '{INSTRUCTOR}',
      ]),
      ...learnerIds.map((id, i) => [
        id,
        `learner${i}@bench.learncraft.dev`,
        passwordHash,
        `Learner ${i}`,
        '{LEARNER}',
      ]),
    ],
  );
  await identity.close();
  log(`identity: ${size.instructors} instructors, ${size.learners} learners`);

  // catalog: course documents and their index rows, as the embedded store writes them.
  const catalog = await openFor(store, 'catalog');
  await migrateCatalog(catalog);
  await insertRows(
    catalog,
    'catalog.categories',
    ['id', 'slug', 'name', 'description', 'position'],
    ['::uuid'],
    BENCH_CATEGORIES.map((category, position) => [
      uuidFrom(random),
      category.slug,
      category.name,
      category.description,
      position,
    ]),
  );
  const courses: JourneyCourse[] = [];
  let lessons = 0;
  for (let start = 0; start < size.courses; start += 100) {
    const docs = Array.from({ length: Math.min(100, size.courses - start) }, (_, i) =>
      benchCourse(start + i, instructorIds[(start + i) % instructorIds.length]!, size),
    );
    // Smaller chunks for the documents: each is tens of kilobytes.
    for (let d = 0; d < docs.length; d += 20) {
      await insertRows(
        catalog,
        'catalog.courses',
        [
          'id',
          'slug',
          'title_sort',
          'published',
          'category_slug',
          'level',
          'language',
          'created_at',
          'published_at',
          'version',
          'doc',
        ],
        ['::uuid', '', '', '', '', '', '', '::timestamptz', '::timestamptz', '', '::jsonb'],
        docs
          .slice(d, d + 20)
          .map((doc) => [
            doc.id,
            doc.slug,
            doc.title.toLowerCase(),
            doc.published,
            doc.categorySlug,
            doc.level,
            doc.language,
            doc.createdAt,
            doc.publishedAt,
            doc.version,
            JSON.stringify(doc),
          ]),
      );
    }
    const lessonRows = docs.flatMap((doc) =>
      doc.modules.flatMap((module) => module.lessons.map((lesson) => [lesson.id, doc.id])),
    );
    lessons += lessonRows.length;
    await insertRows(
      catalog,
      'catalog.course_lessons',
      ['lesson_id', 'course_id'],
      ['::uuid', '::uuid'],
      lessonRows,
    );
    await insertRows(
      catalog,
      'catalog.course_modules',
      ['module_id', 'course_id'],
      ['::uuid', '::uuid'],
      docs.flatMap((doc) => doc.modules.map((module) => [module.id, doc.id])),
    );
    await insertRows(
      catalog,
      'catalog.course_instructors',
      ['course_id', 'instructor_id'],
      ['::uuid'],
      docs.map((doc) => [doc.id, doc.instructorIds[0]]),
    );
    for (const doc of docs) {
      const all = doc.modules.flatMap((module) => module.lessons);
      courses.push({
        id: doc.id,
        slug: doc.slug,
        allLessonIds: all.map((lesson) => lesson.id),
        videoLessonIds: all.flatMap((lesson) =>
          lesson.content.kind === 'VIDEO'
            ? [{ id: lesson.id, durationSeconds: lesson.content.durationSeconds }]
            : [],
        ),
        readingLessonIds: all.filter((lesson) => lesson.kind === 'READING').map((lesson) => lesson.id),
        quizzes: all.flatMap((lesson) =>
          lesson.content.kind === 'QUIZ'
            ? [
                {
                  id: lesson.id,
                  answers: lesson.content.questions.map((question) => ({
                    questionId: question.id,
                    optionIds: [question.options[Math.floor(random() * question.options.length)]!.id],
                  })),
                },
              ]
            : [],
        ),
      });
    }
    log(`catalog: ${start + docs.length} of ${size.courses} courses`);
  }
  await catalog.close();

  // progress: each learner enrolled in a few courses, some lessons done and one in progress.
  const progress = await openFor(store, 'progress');
  await migrate(progress, 'progress', PROGRESS_MIGRATIONS_DIR);
  const learners: JourneyData['learners'] = [];
  const enrollmentRows: unknown[][] = [];
  const progressRows: unknown[][] = [];
  const now = Date.now();
  for (const [index, userId] of learnerIds.entries()) {
    const picked = new Set<number>();
    while (picked.size < Math.min(size.enrollmentsPerLearner, courses.length))
      picked.add(Math.floor(random() * courses.length));
    learners.push({ id: userId, enrolledCourseIndexes: [...picked] });
    for (const courseIndex of picked) {
      const course = courses[courseIndex]!;
      const enrollmentId = uuidFrom(random);
      const at = new Date(now - (index % 1000) * 60_000).toISOString();
      enrollmentRows.push([enrollmentId, userId, course.id, at, at, at]);
      const done = Math.floor(random() * 10);
      for (const lessonId of course.allLessonIds.slice(0, done))
        progressRows.push([enrollmentId, lessonId, 'COMPLETED', 0, at, at]);
      const current = course.allLessonIds[done];
      if (current) progressRows.push([enrollmentId, current, 'IN_PROGRESS', 30, null, at]);
    }
  }
  await insertRows(
    progress,
    'progress.enrollments',
    ['id', 'user_id', 'course_id', 'enrolled_at', 'last_activity_at', 'updated_at'],
    ['::uuid', '', '', '::timestamptz', '::timestamptz', '::timestamptz'],
    enrollmentRows,
  );
  log(`progress: ${enrollmentRows.length} enrollments`);
  await insertRows(
    progress,
    'progress.lesson_progress',
    ['enrollment_id', 'lesson_id', 'status', 'position_seconds', 'completed_at', 'updated_at'],
    ['::uuid', '', '', '', '::timestamptz', '::timestamptz'],
    progressRows,
  );
  log(`progress: ${progressRows.length} lesson progress rows`);
  await progress.close();

  return {
    courses,
    learners,
    searchTerms: [
      'kub',
      'kubernetes',
      'type',
      'typescript pod',
      'postgres',
      'graph',
      'rust cache',
      'linux shell',
    ],
    counts: {
      courses: courses.length,
      lessons,
      learners: learnerIds.length,
      enrollments: enrollmentRows.length,
      lessonProgress: progressRows.length,
    },
  };
}
