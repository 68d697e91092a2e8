/**
 * The embedded store's parsed-document cache: a course read again costs one index-only query
 * (its version), and a write by any writer — another replica on the same database included — is
 * seen by the very next read. Runs on PGlite and on a real PostgreSQL database.
 */
import { DATABASE_FLAVOURS, createTestDatabase, type TestDatabase } from '@learncraft/kit/testing';
import type { CourseStore } from '../src/stores/courseStore';
import { createEmbeddedCourseStore, migrateCatalog } from '../src/stores/embedded';
import { makeCourse, module, readingLesson } from './support/courses';

for (const flavour of DATABASE_FLAVOURS) {
  describe(`the embedded store's document cache on ${flavour}`, () => {
    let database: TestDatabase;
    let store: CourseStore;
    let replica: CourseStore;

    beforeEach(async () => {
      database = await createTestDatabase(flavour);
      await migrateCatalog(database.db);
      store = createEmbeddedCourseStore(database.db);
      replica = createEmbeddedCourseStore(database.db);
    });
    afterEach(() => database.dispose());

    const queriesDuring = async (work: () => Promise<unknown>) => {
      const before = database.metrics.get('db_queries_total');
      await work();
      return database.metrics.get('db_queries_total') - before;
    };

    test('a course read again reads only its version, by id, slug, lesson and list alike', async () => {
      const course = await replica.create(makeCourse({ title: 'Cached Course' }));
      const lessonId = course.modules[0]!.lessons[0]!.id;
      expect(await queriesDuring(() => store.byIds([course.id]))).toBe(2);
      expect(await queriesDuring(() => store.byIds([course.id]))).toBe(1);
      expect(await queriesDuring(() => store.bySlug(course.slug))).toBe(1);
      expect(await queriesDuring(() => store.lessonsByIds([lessonId]))).toBe(1);
      // A page is its versions and its count.
      expect(
        await queriesDuring(() =>
          store.list(
            { audience: { kind: 'published' } },
            { field: 'TITLE', direction: 'ASC' },
            { offset: 0, limit: 10 },
          ),
        ),
      ).toBe(2);
      expect((await store.bySlug(course.slug))?.title).toBe('Cached Course');
    });

    test('a write by another replica is seen by the next read', async () => {
      const created = await replica.create(makeCourse({ title: 'Before' }));
      expect((await store.byIds([created.id]))[0]?.title).toBe('Before');
      const lesson = readingLesson('Added later');
      await replica.update({
        ...created,
        title: 'After',
        modules: [...created.modules, module('More', [lesson])],
      });
      expect((await store.byIds([created.id]))[0]).toMatchObject({ title: 'After', version: 2 });
      expect((await store.bySlug(created.slug))?.title).toBe('After');
      const [located] = await store.lessonsByIds([lesson.id]);
      expect(located?.course.title).toBe('After');
      expect(located?.lesson.title).toBe('Added later');
    });

    test('each read gets its own course object; the shared modules and lessons cannot be changed', async () => {
      const created = await replica.create(makeCourse());
      const [first] = await store.byIds([created.id]);
      const [second] = await store.byIds([created.id]);
      expect(first).not.toBe(second);
      expect(first?.modules).toBe(second?.modules);
      // Federation tags the entity it resolves; that stays on this read's object.
      Object.assign(first!, { __typename: 'Course' });
      expect(second).not.toHaveProperty('__typename');
      expect(() => {
        (first!.modules[0]!.lessons as unknown[]).push(readingLesson('Sneaked in'));
      }).toThrow(TypeError);
      expect((await store.byIds([created.id]))[0]?.modules[0]?.lessons).toHaveLength(1);
    });
  });
}
