import { randomUUID } from 'node:crypto';
import { migrate } from '@learncraft/kit';
import { createTestDatabase, DATABASE_FLAVOURS, type TestDatabase } from '@learncraft/kit/testing';
import { applyCompletion, applyVideoHeartbeat } from '../src/domain/progress';
import { MIGRATIONS_DIR } from '../src/server';
import { createProgressStore, type ProgressStore } from '../src/stores/progressStore';

describe.each(DATABASE_FLAVOURS)('progress store on %s', (flavour) => {
  let test: TestDatabase;
  let store: ProgressStore;
  beforeAll(async () => {
    test = await createTestDatabase(flavour);
    await migrate(test.db, 'progress', MIGRATIONS_DIR);
    store = createProgressStore(test.db);
  });
  afterAll(() => test.dispose());

  const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, second));

  it('enrolling twice returns the first enrollment, not a second one', async () => {
    const userId = randomUUID();
    const first = await store.enroll(userId, 'c1', at(1));
    const second = await store.enroll(userId, 'c1', at(2));
    expect(first.created).toBe(true);
    expect(second).toEqual({ enrollment: first.enrollment, created: false });
    expect(first.enrollment).toEqual({
      id: expect.any(String),
      userId,
      courseId: 'c1',
      enrolledAt: at(1),
      completedAt: null,
      lastActivityAt: at(1),
      updatedAt: at(1),
    });
  });

  it('looks enrollments up by exact (user, course) pairs', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const aX = (await store.enroll(a, 'x', at(1))).enrollment;
    await store.enroll(a, 'y', at(1));
    const bY = (await store.enroll(b, 'y', at(1))).enrollment;
    const found = await store.enrollmentsByUserAndCourse([
      { userId: a, courseId: 'x' },
      { userId: b, courseId: 'y' },
      { userId: b, courseId: 'x' },
    ]);
    expect(found.map((row) => row.id).sort()).toEqual([aX.id, bY.id].sort());
  });

  it('pages several users at once, newest first, with counts', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    for (const [index, course] of ['p1', 'p2', 'p3'].entries()) await store.enroll(a, course, at(index));
    await store.enroll(b, 'p1', at(9));
    const page = await store.enrollmentPagesByUsers([a, b], { limit: 2, offset: 1 });
    expect(page.map((row) => [row.userId === a ? 'a' : 'b', row.courseId]).sort()).toEqual([
      ['a', 'p1'],
      ['a', 'p2'],
    ]);
    const counts = await store.enrollmentCountsByUsers([a, b, randomUUID()]);
    expect(counts.map((row) => [row.userId === a ? 'a' : 'b', row.count]).sort()).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });

  it('records activity, and sets completedAt once every course lesson is complete', async () => {
    const { enrollment } = await store.enroll(randomUUID(), 'c2', at(0));
    const lessons = ['l1', 'l2'];
    const first = await store.recordLessonActivity({
      enrollmentId: enrollment.id,
      lessonId: 'l1',
      at: at(5),
      courseLessonIds: lessons,
      next: (current) => applyCompletion(current, at(5)),
    });
    expect(first.previous).toEqual({ status: 'NOT_STARTED', positionSeconds: 0, completedAt: null });
    expect(first.lessonProgress).toMatchObject({
      status: 'COMPLETED',
      completedAt: at(5),
      positionSeconds: 0,
    });
    expect(first.enrollment).toMatchObject({ lastActivityAt: at(5), completedAt: null });
    const second = await store.recordLessonActivity({
      enrollmentId: enrollment.id,
      lessonId: 'l2',
      at: at(7),
      courseLessonIds: lessons,
      next: (current) => applyCompletion(current, at(7)),
      attempt: {
        scorePercent: 100,
        passed: true,
        answers: [{ questionId: 'q', optionIds: ['o'] }],
        results: [],
        idempotencyKey: null,
      },
    });
    expect(second.enrollment).toMatchObject({ lastActivityAt: at(7), completedAt: at(7) });
    expect(second.attempt).toMatchObject({
      lessonId: 'l2',
      scorePercent: 100,
      passed: true,
      submittedAt: at(7),
    });
    expect(
      (await store.completedLessonsByEnrollments([enrollment.id])).map((row) => row.lessonId).sort(),
    ).toEqual(lessons);
    expect(await store.quizAttemptsByEnrollments([enrollment.id])).toEqual([second.attempt]);
  });

  it('a failure inside the transaction writes nothing', async () => {
    const { enrollment } = await store.enroll(randomUUID(), 'c3', at(0));
    await expect(
      store.recordLessonActivity({
        enrollmentId: enrollment.id,
        lessonId: 'l1',
        at: at(5),
        courseLessonIds: ['l1'],
        next: () => ({ status: 'COMPLETED', positionSeconds: -1, completedAt: at(5) }),
        attempt: { scorePercent: 0, passed: false, answers: [], results: [], idempotencyKey: null },
      }),
    ).rejects.toThrow();
    expect(await store.lessonProgressByEnrollments([enrollment.id])).toEqual([]);
    expect(await store.quizAttemptsByEnrollments([enrollment.id])).toEqual([]);
    expect(await store.enrollmentsByIds([enrollment.id])).toEqual([enrollment]);
  });

  it('concurrent heartbeats keep the furthest position', async () => {
    const { enrollment } = await store.enroll(randomUUID(), 'c4', at(0));
    const positions = [10, 80, 30, 60, 20];
    await Promise.all(
      positions.map((position) =>
        store.recordLessonActivity({
          enrollmentId: enrollment.id,
          lessonId: 'v',
          at: at(1),
          courseLessonIds: ['v'],
          next: (current) => applyVideoHeartbeat(current, position, 1000, at(1)),
        }),
      ),
    );
    const [row] = await store.lessonProgressByEnrollments([enrollment.id]);
    expect([row?.positionSeconds, row?.status]).toEqual([80, 'IN_PROGRESS']);
  });

  it('concurrent quiz attempts with one idempotency key record one attempt; the others are replays of it', async () => {
    const { enrollment } = await store.enroll(randomUUID(), 'c5', at(0));
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        store.recordQuizAttempt({
          enrollmentId: enrollment.id,
          lessonId: 'quiz',
          at: at(3),
          courseLessonIds: ['quiz', 'other'],
          next: (current) => applyCompletion(current, at(3)),
          attempt: {
            scorePercent: 100,
            passed: true,
            answers: [{ questionId: 'q', optionIds: ['o'] }],
            results: [],
            idempotencyKey: 'key-1',
          },
          // Would refuse every attempt after the first if the replay were not checked before it.
          admit: (earlier) =>
            earlier.length > 0 ? { code: 'QUIZ_ALREADY_PASSED', message: 'passed', field: null } : null,
        }),
      ),
    );
    const recorded = outcomes.filter((outcome) => outcome.ok && !outcome.replayed);
    const replayed = outcomes.filter((outcome) => outcome.ok && outcome.replayed);
    expect([recorded.length, replayed.length]).toEqual([1, 3]);
    const attempts = await store.quizAttemptsByEnrollments([enrollment.id]);
    expect(attempts.map((attempt) => attempt.idempotencyKey)).toEqual(['key-1']);
    for (const outcome of replayed) expect(outcome.ok && outcome.attempt).toEqual(attempts[0]);
  });
});
