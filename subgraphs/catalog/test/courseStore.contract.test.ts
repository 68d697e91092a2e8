/**
 * The course store contract: every adapter must pass this suite. The embedded store runs on
 * in-memory PGlite and on a fresh real PostgreSQL database; the Mongo adapter runs only when
 * MONGODB_URL points at a server (docker compose provides one).
 */
import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS, createTestDatabase } from '@learncraft/kit/testing';
import { SlugTakenError, VersionConflictError, type CourseStore } from '../src/stores/courseStore';
import { createEmbeddedCourseStore, migrateCatalog } from '../src/stores/embedded';
import { createMongoCourseStore } from '../src/stores/mongo';
import type { CourseDocument } from '../src/domain/course';
import { labLesson, makeCourse, module, quizLesson, readingLesson } from './support/courses';

interface Harness {
  store: CourseStore;
  dispose(): Promise<void>;
}

for (const flavour of DATABASE_FLAVOURS) {
  courseStoreContract(`embedded course store on ${flavour}`, describe, async () => {
    const test = await createTestDatabase(flavour);
    await migrateCatalog(test.db);
    return { store: createEmbeddedCourseStore(test.db), dispose: () => test.dispose() };
  });
}

const MONGODB_URL = process.env.MONGODB_URL;
courseStoreContract(
  MONGODB_URL ? 'mongo course store' : 'mongo course store (skipped: MONGODB_URL is not set)',
  MONGODB_URL ? describe : describe.skip,
  async () => {
    const store = await createMongoCourseStore({
      url: MONGODB_URL!,
      dbName: `lc_test_${randomUUID().slice(0, 8)}`,
    });
    return {
      store,
      async dispose() {
        await store.dropDatabase();
        await store.close();
      },
    };
  },
);

function courseStoreContract(name: string, describeFn: jest.Describe, open: () => Promise<Harness>) {
  describeFn(name, () => {
    let harness: Harness;
    let store: CourseStore;
    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });
    afterAll(() => harness?.dispose());

    // Each test works in its own category (and with its own instructors), so counts stay exact.
    const freshCategory = () => `cat-${randomUUID().slice(0, 8)}`;

    test('a created course reads back whole by id and by slug, at version 1', async () => {
      const course = makeCourse({ modules: [module('One', [readingLesson('A'), quizLesson('Q')])] });
      const saved = await store.create(course);
      expect(saved).toEqual({ ...course, version: 1 });
      expect(await store.byIds([course.id])).toEqual([saved]);
      expect(await store.bySlug(course.slug)).toEqual(saved);
    });

    test('a lab lesson keeps its profile, idle timeout, setup script and check commands, and a legacy lab reads back without them', async () => {
      const lab = labLesson('Lab');
      const legacy = labLesson('Old lab', { legacy: true });
      const saved = await store.create(makeCourse({ modules: [module('Labs', [lab, legacy])] }));
      const records = await store.lessonsByIds([lab.id, legacy.id]);
      expect(records.map((record) => record.lesson)).toEqual([lab, legacy]);
      expect(records[0]?.lesson.content).toMatchObject({
        profile: 'KUBERNETES',
        idleTimeoutMinutes: 20,
        setupScript: 'mkdir -p ~/k8s\n',
      });
      expect(Object.keys(records[1]!.lesson.content).sort()).toEqual([
        'image',
        'instructions',
        'kind',
        'steps',
        'timeLimitMinutes',
      ]);
      expect(await store.byIds([saved.id])).toEqual([saved]);
    });

    test('unknown and malformed ids are omitted rather than failing', async () => {
      const saved = await store.create(makeCourse());
      expect(await store.byIds([randomUUID(), 'not-a-uuid', saved.id])).toEqual([saved]);
      expect(await store.byIds([])).toEqual([]);
      expect(await store.bySlug('no-such-slug')).toBeNull();
      expect(await store.lessonsByIds(['nope', randomUUID()])).toEqual([]);
      expect(await store.byModuleIds(['nope'])).toEqual([]);
    });

    test('creating a second course with a taken slug throws SlugTakenError and stores nothing', async () => {
      const first = await store.create(makeCourse());
      const clash = makeCourse({ slug: first.slug });
      await expect(store.create(clash)).rejects.toThrow(SlugTakenError);
      expect(await store.byIds([clash.id])).toEqual([]);
      expect(await store.lessonsByIds([clash.modules[0]!.lessons[0]!.id])).toEqual([]);
    });

    test('an update from the current version is saved and bumps the version', async () => {
      const saved = await store.create(makeCourse());
      const updated = await store.update({ ...saved, title: 'Renamed' });
      expect(updated.version).toBe(2);
      expect(await store.byIds([saved.id])).toEqual([{ ...saved, title: 'Renamed', version: 2 }]);
    });

    test('an update from a stale version throws VersionConflictError and keeps the stored course', async () => {
      const saved = await store.create(makeCourse());
      await store.update({ ...saved, title: 'First writer' });
      await expect(store.update({ ...saved, title: 'Second writer' })).rejects.toThrow(VersionConflictError);
      expect((await store.byIds([saved.id]))[0]?.title).toBe('First writer');
    });

    test('an update of a course that does not exist throws VersionConflictError', async () => {
      await expect(store.update({ ...makeCourse(), version: 1 })).rejects.toThrow(VersionConflictError);
    });

    test('changing the slug to one in use throws SlugTakenError and changes nothing', async () => {
      const a = await store.create(makeCourse());
      const b = await store.create(makeCourse());
      await expect(store.update({ ...b, slug: a.slug, title: 'Stolen' })).rejects.toThrow(SlugTakenError);
      expect(await store.byIds([b.id])).toEqual([b]);
    });

    test('lessons are found by id with their module, course and 1-based positions', async () => {
      const second = readingLesson('Second');
      const quiz = quizLesson('Check');
      const course = await store.create(
        makeCourse({
          modules: [module('Intro', [readingLesson('First')]), module('Deeper', [second, quiz])],
        }),
      );
      const records = await store.lessonsByIds([quiz.id, second.id]);
      expect(
        records.map((record) => [
          record.lesson.id,
          record.module.title,
          record.modulePosition,
          record.lessonPosition,
        ]),
      ).toEqual([
        [quiz.id, 'Deeper', 2, 2],
        [second.id, 'Deeper', 2, 1],
      ]);
      expect(records[0]?.course).toEqual(course);
      expect(records[0]?.lesson).toEqual(quiz);
    });

    test('the lesson and module indexes follow updates that replace lessons', async () => {
      const original = readingLesson('Old');
      const saved = await store.create(makeCourse({ modules: [module('M', [original])] }));
      const replacement = readingLesson('New');
      const extraModule = module('Extra', []);
      await store.update({
        ...saved,
        modules: [{ ...saved.modules[0]!, lessons: [replacement] }, extraModule],
      });
      expect(await store.lessonsByIds([original.id])).toEqual([]);
      expect((await store.lessonsByIds([replacement.id])).map((record) => record.course.id)).toEqual([
        saved.id,
      ]);
      expect((await store.byModuleIds([extraModule.id])).map((course) => course.id)).toEqual([saved.id]);
    });

    test('list filters by category, level and language and counts every match', async () => {
      const category = freshCategory();
      const keep = await store.create(
        makeCourse({ categorySlug: category, level: 'ADVANCED', language: 'de' }),
      );
      await store.create(makeCourse({ categorySlug: category, level: 'BEGINNER', language: 'de' }));
      await store.create(makeCourse({ categorySlug: category, level: 'ADVANCED', language: 'en' }));
      const page = await store.list(
        { audience: { kind: 'published' }, categorySlug: category, level: 'ADVANCED', language: 'de' },
        { field: 'TITLE', direction: 'ASC' },
        { offset: 0, limit: 10 },
      );
      expect(page).toEqual({ items: [keep], totalCount: 1 });
    });

    test('list audiences: drafts only for everything, or for the instructor who teaches them', async () => {
      const category = freshCategory();
      const teacher = randomUUID();
      const published = await store.create(makeCourse({ categorySlug: category, title: 'A published' }));
      const ownDraft = await store.create(
        makeCourse({
          categorySlug: category,
          title: 'B own draft',
          published: false,
          instructorIds: [teacher],
        }),
      );
      const otherDraft = await store.create(
        makeCourse({ categorySlug: category, title: 'C other draft', published: false }),
      );
      const titles = async (audience: Parameters<CourseStore['list']>[0]['audience']) =>
        (
          await store.list(
            { audience, categorySlug: category },
            { field: 'TITLE', direction: 'ASC' },
            { offset: 0, limit: 10 },
          )
        ).items.map((course) => course.id);
      expect(await titles({ kind: 'published' })).toEqual([published.id]);
      expect(await titles({ kind: 'publishedOrTaughtBy', instructorId: teacher })).toEqual([
        published.id,
        ownDraft.id,
      ]);
      expect(await titles({ kind: 'everything' })).toEqual([published.id, ownDraft.id, otherDraft.id]);
    });

    test('list orders by title case-insensitively, by creation and by publication with drafts last', async () => {
      const category = freshCategory();
      const banana = await store.create(
        makeCourse({
          categorySlug: category,
          title: 'banana',
          createdAt: '2025-01-03T00:00:00.000Z',
          publishedAt: '2025-02-01T00:00:00.000Z',
        }),
      );
      const apple = await store.create(
        makeCourse({
          categorySlug: category,
          title: 'Apple',
          createdAt: '2025-01-02T00:00:00.000Z',
          publishedAt: '2025-03-01T00:00:00.000Z',
        }),
      );
      const cherry = await store.create(
        makeCourse({
          categorySlug: category,
          title: 'Cherry',
          createdAt: '2025-01-01T00:00:00.000Z',
          published: false,
        }),
      );
      const ids = async (field: 'TITLE' | 'PUBLISHED_AT' | 'CREATED_AT', direction: 'ASC' | 'DESC') =>
        (
          await store.list(
            { audience: { kind: 'everything' }, categorySlug: category },
            { field, direction },
            { offset: 0, limit: 10 },
          )
        ).items.map((course) => course.id);
      expect(await ids('TITLE', 'ASC')).toEqual([apple.id, banana.id, cherry.id]);
      expect(await ids('TITLE', 'DESC')).toEqual([cherry.id, banana.id, apple.id]);
      expect(await ids('CREATED_AT', 'ASC')).toEqual([cherry.id, apple.id, banana.id]);
      expect(await ids('PUBLISHED_AT', 'DESC')).toEqual([apple.id, banana.id, cherry.id]);
      expect(await ids('PUBLISHED_AT', 'ASC')).toEqual([banana.id, apple.id, cherry.id]);
    });

    test('list pages with offset and limit while the total stays the full count', async () => {
      const category = freshCategory();
      const saved: CourseDocument[] = [];
      for (const title of ['p1', 'p2', 'p3', 'p4', 'p5'])
        saved.push(await store.create(makeCourse({ categorySlug: category, title })));
      const page = (offset: number, limit: number) =>
        store.list(
          { audience: { kind: 'published' }, categorySlug: category },
          { field: 'TITLE', direction: 'ASC' },
          { offset, limit },
        );
      expect((await page(0, 2)).items.map((course) => course.title)).toEqual(['p1', 'p2']);
      expect((await page(2, 2)).items.map((course) => course.title)).toEqual(['p3', 'p4']);
      expect(await page(4, 2)).toEqual({ items: [saved[4]], totalCount: 5 });
      expect(await page(0, 0)).toEqual({ items: [], totalCount: 5 });
    });

    test('byInstructors returns every course each user teaches, drafts included, newest first', async () => {
      const ines = randomUUID();
      const ada = randomUUID();
      const old = await store.create(
        makeCourse({ instructorIds: [ines], createdAt: '2024-01-01T00:00:00.000Z' }),
      );
      const shared = await store.create(
        makeCourse({ instructorIds: [ines, ada], createdAt: '2024-06-01T00:00:00.000Z' }),
      );
      const draft = await store.create(
        makeCourse({ instructorIds: [ada], published: false, createdAt: '2024-03-01T00:00:00.000Z' }),
      );
      expect((await store.byInstructors([ines])).map((course) => course.id)).toEqual([shared.id, old.id]);
      expect((await store.byInstructors([ada, ines])).map((course) => course.id)).toEqual([
        shared.id,
        draft.id,
        old.id,
      ]);
      expect(await store.byInstructors([randomUUID()])).toEqual([]);
    });

    test('versionsAfter pages through every course, drafts too, in id order with their versions', async () => {
      const draft = await store.create(makeCourse({ published: false }));
      const updated = await store.update(await store.create(makeCourse()));
      const all: { id: string; version: number }[] = [];
      for (let after: string | null = null; ;) {
        const page = await store.versionsAfter(after, 2);
        all.push(...page);
        if (page.length < 2) break;
        after = page.at(-1)!.id;
      }
      const ids = all.map((entry) => entry.id);
      expect(ids).toEqual([...ids].sort());
      expect(new Set(ids).size).toBe(ids.length);
      expect(all).toEqual(
        expect.arrayContaining([
          { id: draft.id, version: 1 },
          { id: updated.id, version: 2 },
        ]),
      );
      expect(await store.versionsAfter(ids.at(-1)!, 10)).toEqual([]);
      expect(await store.versionsAfter(null, 1)).toEqual([all[0]]);
    });

    test('categories come in upsert order with published course counts; upserting again refreshes them', async () => {
      const [first, second] = [freshCategory(), freshCategory()];
      await store.upsertCategories([
        { id: randomUUID(), slug: second, name: 'Second', description: 'two' },
        { id: randomUUID(), slug: first, name: 'First', description: 'one' },
      ]);
      await store.create(makeCourse({ categorySlug: second }));
      await store.create(makeCourse({ categorySlug: second }));
      await store.create(makeCourse({ categorySlug: second, published: false }));
      const before = (await store.categories()).filter((category) => [first, second].includes(category.slug));
      expect(before.map(({ slug, name, courseCount }) => ({ slug, name, courseCount }))).toEqual([
        { slug: second, name: 'Second', courseCount: 2 },
        { slug: first, name: 'First', courseCount: 0 },
      ]);

      await store.upsertCategories([
        { id: randomUUID(), slug: second, name: 'Second (renamed)', description: 'two' },
      ]);
      const after = (await store.categories()).find((category) => category.slug === second);
      expect(after).toEqual({ ...before[0], name: 'Second (renamed)' });
    });
  });
}
