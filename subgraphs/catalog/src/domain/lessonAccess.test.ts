/** Unit tests for a paid course's free preview, locating lessons in course documents, and course sums. */
import { newCourse } from './authoring';
import {
  findLesson,
  locateLessons,
  totalDurationSeconds,
  type CourseDocument,
  type LessonDocument,
} from './course';
import { contentFor, isFirstLesson } from './lessonAccess';

const ctx = { newId: () => 'course-1', now: () => new Date('2025-05-01T12:00:00.000Z') };

const reading = (id: string, durationSeconds: number): LessonDocument => ({
  id,
  title: id,
  kind: 'READING',
  durationSeconds,
  content: { kind: 'READING', markdown: `# ${id}` },
});

/** A course whose first module is still empty: the preview is the second module's first lesson. */
function course(): CourseDocument {
  const created = newCourse(
    {
      title: 'Go',
      summary: 'S',
      description: 'D',
      level: 'BEGINNER',
      categorySlug: 'programming',
      language: 'en',
    },
    'go',
    'teacher',
    ctx,
  );
  if (!created.ok) throw new Error('fixture');
  return {
    ...created.value,
    modules: [
      { id: 'm1', title: 'Empty', summary: '', lessons: [] },
      { id: 'm2', title: 'Basics', summary: '', lessons: [reading('a', 60), reading('b', 90)] },
      { id: 'm3', title: 'More', summary: '', lessons: [reading('c', 30)] },
    ],
  };
}

const record = (lessonId: string) => findLesson(course(), lessonId)!;

describe('the free preview', () => {
  test('is the first lesson in syllabus order, past empty modules, and only that one', () => {
    expect(['a', 'b', 'c'].map((id) => isFirstLesson(record(id)))).toEqual([true, false, false]);
  });

  test('opens without a decision while the other lessons stay locked', () => {
    expect(contentFor(record('a'), null)).toEqual({ kind: 'READING', markdown: '# a' });
    expect(contentFor(record('b'), null)).toEqual({ kind: 'LOCKED', reason: 'ACCESS_UNAVAILABLE' });
  });
});

test('a course lasts the sum of its lessons across modules', () => {
  expect(totalDurationSeconds(course())).toBe(180);
});

test('lessons are located in request order, once each, in the first course that holds them', () => {
  const first = course();
  const second: CourseDocument = {
    ...course(),
    id: 'course-2',
    modules: [{ id: 'm9', title: 'X', summary: '', lessons: [reading('c', 5), reading('d', 5)] }],
  };
  const located = locateLessons(['d', 'b', 'missing', 'c', 'b'], [first, second]);
  expect(
    located.map((record) => [
      record.lesson.id,
      record.course.id,
      record.modulePosition,
      record.lessonPosition,
    ]),
  ).toEqual([
    ['d', 'course-2', 1, 2],
    ['b', 'course-1', 2, 2],
    ['c', 'course-1', 3, 1],
  ]);
});
