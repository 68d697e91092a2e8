import { NOT_STARTED, type LessonState } from './progress';
import { enrolledEvent, lessonActivityEvents } from './learningEvents';

const enrollment = { id: 'e1', userId: 'u1', courseId: 'c1' };
const at = new Date('2026-03-02T09:00:00.000Z');
const done: LessonState = { status: 'COMPLETED', positionSeconds: 0, completedAt: at };
const started: LessonState = { status: 'IN_PROGRESS', positionSeconds: 10, completedAt: null };
const change = {
  enrollment,
  lessonId: 'l1',
  lessonKind: 'READING',
  previous: NOT_STARTED,
  next: done,
  courseCompletedBefore: false,
  courseCompletedAfter: false,
  progressPercent: 50,
  at,
};
const common = { occurredAt: at.toISOString(), userId: 'u1', courseId: 'c1', enrollmentId: 'e1' };

describe('learning events', () => {
  it('an enrollment is announced at 0 % without a lesson', () => {
    expect(enrolledEvent(enrollment, at)).toEqual({
      type: 'enrolled',
      ...common,
      lessonId: null,
      progressPercent: 0,
    });
  });

  it('a lesson that becomes complete is announced once; progress without completion is not', () => {
    expect(lessonActivityEvents(change).map((event) => event.type)).toEqual(['lesson.completed']);
    expect(lessonActivityEvents({ ...change, previous: done })).toEqual([]);
    expect(lessonActivityEvents({ ...change, next: started })).toEqual([]);
  });

  it('a LAB lesson adds lab.passed, and the first completion of the course course.completed, in that order', () => {
    expect(
      lessonActivityEvents({
        ...change,
        lessonKind: 'LAB',
        courseCompletedAfter: true,
        progressPercent: 100,
      }),
    ).toEqual([
      { type: 'lesson.completed', ...common, lessonId: 'l1', progressPercent: 100 },
      { type: 'lab.passed', ...common, lessonId: 'l1', progressPercent: 100 },
      { type: 'course.completed', ...common, lessonId: null, progressPercent: 100 },
    ]);
  });

  it('a course completed earlier is not announced again', () => {
    expect(
      lessonActivityEvents({ ...change, courseCompletedBefore: true, courseCompletedAfter: true }).map(
        (event) => event.type,
      ),
    ).toEqual(['lesson.completed']);
  });
});
