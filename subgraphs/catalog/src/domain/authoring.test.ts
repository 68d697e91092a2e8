/** Unit tests for the pure authoring rules. */
import {
  addModule,
  defaultDurationSeconds,
  derivedSlugCandidates,
  newCourse,
  publishCourse,
  slugify,
  updateLesson,
} from './authoring';
import type { CourseDocument } from './course';

let counter = 0;
const ctx = { newId: () => `id-${++counter}`, now: () => new Date('2025-05-01T12:00:00.000Z') };

function draft(): CourseDocument {
  const created = newCourse(
    {
      title: ' Rust ',
      summary: 'S',
      description: 'D',
      level: 'BEGINNER',
      categorySlug: 'programming',
      language: 'en',
    },
    'rust',
    'teacher',
    ctx,
  );
  if (!created.ok) throw new Error('fixture');
  return created.value;
}

describe('slugs', () => {
  test('a title becomes lowercase ASCII words joined by single hyphens', () => {
    expect(slugify('  Intro to Rust: Part 2!  ')).toBe('intro-to-rust-part-2');
    expect(slugify('Crème brûlée & Café')).toBe('creme-brulee-cafe');
    expect(slugify('🚀🚀')).toBe('course');
  });

  test('a derived slug leaves room for a numeric suffix and candidates count up from -2', () => {
    const long = slugify('a'.repeat(300));
    expect(long.length).toBe(96);
    expect(derivedSlugCandidates('Go', 3)).toEqual(['go', 'go-2', 'go-3']);
  });
});

describe('courses and modules', () => {
  test('a new course is a trimmed, unpublished draft taught by its creator', () => {
    expect(draft()).toMatchObject({
      title: 'Rust',
      instructorIds: ['teacher'],
      published: false,
      publishedAt: null,
      version: 0,
      modules: [],
    });
  });

  test('a module is inserted at its 1-based position; a position past the end is OUT_OF_RANGE', () => {
    const one = addModule(draft(), { title: 'B' }, ctx);
    if (!one.ok) throw new Error('fixture');
    const two = addModule(one.value.course, { title: 'A', position: 1 }, ctx);
    expect(two.ok && two.value.course.modules.map((module) => module.title)).toEqual(['A', 'B']);
    expect(addModule(one.value.course, { title: 'C', position: 3 }, ctx)).toEqual({
      ok: false,
      errors: [
        {
          code: 'OUT_OF_RANGE',
          message: 'The position must be a whole number from 1 to 2.',
          field: ['input', 'position'],
        },
      ],
    });
  });

  test('publishing needs a lesson, stamps publishedAt once, and is idempotent', () => {
    const course = draft();
    expect(publishCourse(course, ctx.now()).ok).toBe(false);
    const withLesson: CourseDocument = {
      ...course,
      modules: [
        {
          id: 'm',
          title: 'M',
          summary: '',
          lessons: [
            {
              id: 'l',
              title: 'L',
              kind: 'READING',
              durationSeconds: 60,
              content: { kind: 'READING', markdown: 'x' },
            },
          ],
        },
      ],
    };
    const published = publishCourse(withLesson, ctx.now());
    expect(published.ok && [published.value.published, published.value.publishedAt]).toEqual([
      true,
      '2025-05-01T12:00:00.000Z',
    ]);
    if (!published.ok) return;
    expect(publishCourse(published.value, new Date('2030-01-01'))).toEqual({
      ok: true,
      value: published.value,
    });
  });
});

describe('lesson durations', () => {
  test('are estimated from content when the author gives none', () => {
    expect(
      defaultDurationSeconds({ kind: 'VIDEO', url: 'https://x', durationSeconds: 95, transcriptVtt: null }),
    ).toBe(95);
    expect(defaultDurationSeconds({ kind: 'READING', markdown: 'word '.repeat(500) })).toBe(150);
    expect(defaultDurationSeconds({ kind: 'READING', markdown: 'short' })).toBe(60);
    expect(
      defaultDurationSeconds({ kind: 'LAB', image: 'i', instructions: '', timeLimitMinutes: 30, steps: [] }),
    ).toBe(1800);
  });

  test('an update that only renames keeps the explicit duration', () => {
    const course: CourseDocument = {
      ...draft(),
      modules: [
        {
          id: 'm',
          title: 'M',
          summary: '',
          lessons: [
            {
              id: 'l',
              title: 'L',
              kind: 'READING',
              durationSeconds: 999,
              content: { kind: 'READING', markdown: 'x' },
            },
          ],
        },
      ],
    };
    const updated = updateLesson(course, { lessonId: 'l', title: 'Renamed' }, ctx);
    expect(updated.ok && updated.value.lesson).toMatchObject({ title: 'Renamed', durationSeconds: 999 });
  });
});
