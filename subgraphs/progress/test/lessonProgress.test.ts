import type { ProgressEventPayload } from '../src/domain/events';
import { OTHER_COURSE, WEB_COURSE } from './support/catalogFixture';
import { COMPLETE, ENROLL, HEARTBEAT, SUBMIT, startHarness, type Harness } from './support/harness';

describe('lesson progress', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE, OTHER_COURSE]);
  });
  afterAll(() => h.close());

  async function enrolledLearner(courseId = WEB_COURSE.id) {
    const learner = await h.learner();
    const result = await h.gql(ENROLL, { courseId }, learner.token);
    return { ...learner, enrollmentId: result.data?.courseEnroll.enrollment.id as string };
  }

  const heartbeat = (token: string, positionSeconds: number, lessonId = 'web-video') =>
    h.gql(HEARTBEAT, { lessonId, positionSeconds }, token).then((r) => r.data?.videoProgressRecord);

  it('a heartbeat keeps the furthest position and never moves back', async () => {
    const learner = await enrolledLearner();
    expect((await heartbeat(learner.token, 120.5)).lessonProgress).toEqual({
      lesson: { id: 'web-video' },
      status: 'IN_PROGRESS',
      positionSeconds: 120.5,
      completedAt: null,
    });
    const back = await heartbeat(learner.token, 30);
    expect(back.lessonProgress.positionSeconds).toBe(120.5);
    expect(back.userErrors).toEqual([]);
  });

  it('the video completes at 90 % of its duration and the course moves to 25 %', async () => {
    const learner = await enrolledLearner();
    const before = await heartbeat(learner.token, 179);
    expect([before.lessonProgress.status, before.enrollment.progressPercent]).toEqual(['IN_PROGRESS', 0]);
    const at90 = await heartbeat(learner.token, 180);
    expect(at90.lessonProgress.status).toBe('COMPLETED');
    expect(at90.lessonProgress.completedAt).toEqual(expect.any(String));
    expect(at90.enrollment).toEqual({ id: learner.enrollmentId, progressPercent: 25, completedAt: null });
    const after = await heartbeat(learner.token, 10);
    expect(after.lessonProgress).toEqual({ ...at90.lessonProgress, positionSeconds: 180 });
  });

  it.each([
    ['a negative position', -0.5],
    ['a position past the end plus 5 s', 205.01],
    ['a huge position', 1e308],
  ])('%s is INVALID_POSITION and writes nothing', async (_label, positionSeconds) => {
    const learner = await enrolledLearner();
    const result = await heartbeat(learner.token, positionSeconds);
    expect(result).toEqual({
      lessonProgress: null,
      enrollment: null,
      userErrors: [
        {
          code: 'INVALID_POSITION',
          message: 'The position must be a number of seconds from 0 to 205.',
          field: ['input', 'positionSeconds'],
        },
      ],
    });
    expect(
      await h.count('SELECT count(*) AS n FROM progress.lesson_progress WHERE enrollment_id = $1', [
        learner.enrollmentId,
      ]),
    ).toBe(0);
  });

  it('accepts a position up to 5 s past the end', async () => {
    const learner = await enrolledLearner();
    expect((await heartbeat(learner.token, 205)).lessonProgress.positionSeconds).toBe(205);
  });

  it('a heartbeat on a lesson of a course the viewer is not enrolled in is NOT_ENROLLED', async () => {
    const learner = await enrolledLearner();
    expect((await heartbeat(learner.token, 10, 'other-video')).userErrors).toEqual([
      {
        code: 'NOT_ENROLLED',
        message: 'Enroll in the course before recording progress in its lessons.',
        field: ['input', 'lessonId'],
      },
    ]);
  });

  it('an unknown lesson is LESSON_NOT_FOUND', async () => {
    const learner = await enrolledLearner();
    expect((await heartbeat(learner.token, 10, 'no-such-lesson')).userErrors).toEqual([
      {
        code: 'LESSON_NOT_FOUND',
        message: 'Lesson no-such-lesson was not found.',
        field: ['input', 'lessonId'],
      },
    ]);
  });

  it('a heartbeat on a reading is WRONG_LESSON_KIND, and lessonComplete on a quiz too', async () => {
    const learner = await enrolledLearner();
    expect(
      (await heartbeat(learner.token, 10, 'web-reading')).userErrors.map((e: { code: string }) => e.code),
    ).toEqual(['WRONG_LESSON_KIND']);
    const quiz = await h.gql(COMPLETE, { lessonId: 'web-quiz' }, learner.token);
    expect(quiz.data?.lessonComplete.userErrors).toEqual([
      {
        code: 'WRONG_LESSON_KIND',
        message: 'Lesson web-quiz is a QUIZ lesson; a quiz completes when it is passed.',
        field: ['input', 'lessonId'],
      },
    ]);
    expect(
      await h.count('SELECT count(*) AS n FROM progress.lesson_progress WHERE enrollment_id = $1', [
        learner.enrollmentId,
      ]),
    ).toBe(0);
  });

  it('an anonymous heartbeat is UNAUTHENTICATED', async () => {
    const result = await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 1 });
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('completing every lesson takes the course to 100 % and sets completedAt once', async () => {
    const learner = await enrolledLearner();
    const steps: number[] = [];
    const complete = async (lessonId: string) => {
      const result = await h.gql(COMPLETE, { lessonId }, learner.token);
      steps.push(result.data?.lessonComplete.enrollment.progressPercent);
      return result.data?.lessonComplete;
    };
    await complete('web-reading');
    // Labs complete only through the labs service's hand-off.
    const lab = await h.internal('/internal/lesson-completions', {
      userId: learner.id,
      lessonId: 'web-lab',
      reference: 'session-1',
    });
    expect(lab).toEqual({ status: 200, body: { completed: true, alreadyComplete: false } });
    await complete('web-video');
    const beforeQuiz = await h.gql(
      SUBMIT,
      {
        lessonId: 'web-quiz',
        answers: [
          { questionId: 'q1', optionIds: ['q1b'] },
          { questionId: 'q2', optionIds: ['q2a', 'q2c'] },
        ],
      },
      learner.token,
    );
    const finished = beforeQuiz.data?.quizSubmit.enrollment;
    expect(steps).toEqual([25, 75]);
    expect(finished.progressPercent).toBe(100);
    expect(finished.completedAt).toBe(beforeQuiz.data?.quizSubmit.attempt.submittedAt);

    const again = await complete('web-reading');
    expect(again.enrollment.completedAt).toBe(finished.completedAt);

    const lessons = await h.gql(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Enrollment { lessons { lesson { id } status } lastActivityAt } } }`,
      { reps: [{ __typename: 'Enrollment', id: learner.enrollmentId }] },
      learner.token,
    );
    expect(lessons.data?._entities[0].lessons).toEqual([
      { lesson: { id: 'web-video' }, status: 'COMPLETED' },
      { lesson: { id: 'web-reading' }, status: 'COMPLETED' },
      { lesson: { id: 'web-quiz' }, status: 'COMPLETED' },
      { lesson: { id: 'web-lab' }, status: 'COMPLETED' },
    ]);
  });

  it("progressPercent follows the course's current lesson list", async () => {
    const learner = await enrolledLearner(OTHER_COURSE.id);
    await heartbeat(learner.token, 60, 'other-video');
    const read = () =>
      h.gql(
        `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Enrollment { progressPercent lessons { lesson { id } status positionSeconds } } } }`,
        { reps: [{ __typename: 'Enrollment', id: learner.enrollmentId }] },
        learner.token,
      );
    expect((await read()).data?._entities[0]).toEqual({
      progressPercent: 50,
      lessons: [
        { lesson: { id: 'other-video' }, status: 'COMPLETED', positionSeconds: 60 },
        { lesson: { id: 'other-empty-quiz' }, status: 'NOT_STARTED', positionSeconds: 0 },
      ],
    });
    const course = h.catalog.courses.get(OTHER_COURSE.id)!;
    const original = course.lessons;
    course.lessons = [...original, { id: 'other-extra', kind: 'READING', durationSeconds: 0, quiz: null }];
    try {
      expect((await read()).data?._entities[0].progressPercent).toBe(33);
    } finally {
      course.lessons = original;
    }
  });

  it('Lesson.viewerProgress is NOT_STARTED when enrolled, the stored state once begun, and null otherwise', async () => {
    const learner = await enrolledLearner();
    const stranger = await h.learner();
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Lesson { viewerProgress { status positionSeconds } } } }`;
    const reps = { reps: [{ __typename: 'Lesson', id: 'web-video' }] };
    expect((await h.gql(query, reps, learner.token)).data?._entities).toEqual([
      { viewerProgress: { status: 'NOT_STARTED', positionSeconds: 0 } },
    ]);
    await heartbeat(learner.token, 42);
    expect((await h.gql(query, reps, learner.token)).data?._entities).toEqual([
      { viewerProgress: { status: 'IN_PROGRESS', positionSeconds: 42 } },
    ]);
    expect((await h.gql(query, reps, stranger.token)).data?._entities).toEqual([{ viewerProgress: null }]);
  });

  it('publishes VIDEO_PROGRESS, then LESSON_COMPLETED for the heartbeat that crosses 90 %, after the commit', async () => {
    const learner = await enrolledLearner();
    const events = await h.pubsub.subscribe<ProgressEventPayload>(`progress:${WEB_COURSE.id}`);
    await heartbeat(learner.token, 100);
    await heartbeat(learner.token, 190);
    const first = (await events.next()).value as ProgressEventPayload;
    const second = (await events.next()).value as ProgressEventPayload;
    const [row] = await h.test.db.query<{ updated_at: Date; last_activity_at: Date }>(
      `SELECT lp.updated_at, e.last_activity_at FROM progress.lesson_progress lp JOIN progress.enrollments e ON e.id = lp.enrollment_id
        WHERE lp.enrollment_id = $1`,
      [learner.enrollmentId],
    );
    const base = {
      enrollmentId: learner.enrollmentId,
      userId: learner.id,
      courseId: WEB_COURSE.id,
      lessonId: 'web-video',
    };
    expect(first).toEqual({ ...base, kind: 'VIDEO_PROGRESS', at: expect.any(String) });
    expect(second).toEqual({
      ...base,
      kind: 'LESSON_COMPLETED',
      at: new Date(row!.updated_at).toISOString(),
    });
    expect(new Date(row!.last_activity_at).toISOString()).toBe(second.at);
    await events.return?.();
  });
});
