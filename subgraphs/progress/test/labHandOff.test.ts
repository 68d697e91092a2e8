/**
 * The hand-off from labs: the internal enrollment check, and LAB lessons completed exactly once
 * through POST /internal/lesson-completions (idempotent across retries, replays, references and
 * replicas; one event per change), while the public lessonComplete refuses LAB lessons.
 */
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import type { ProgressEventPayload } from '../src/domain/events';
import { DRAFT_COURSE, OTHER_COURSE, WEB_COURSE } from './support/catalogFixture';
import { COMPLETE, ENROLL, startHarness, type Harness } from './support/harness';

const COMPLETIONS = '/internal/lesson-completions';
const CHECK = '/internal/enrollments/check';

async function enrolledLearner(h: Harness, courseId = WEB_COURSE.id) {
  const learner = await h.learner();
  const result = await h.gql(ENROLL, { courseId }, learner.token);
  return { ...learner, enrollmentId: result.data?.courseEnroll.enrollment.id as string };
}

/**
 * The events published on the course's topic until now: a marker is published last and
 * everything before it is what the calls published.
 */
async function eventsUntilNow(h: Harness, events: AsyncIterator<ProgressEventPayload>) {
  const marker = { kind: 'MARKER' } as unknown as ProgressEventPayload;
  await h.pubsub.publish(`progress:${WEB_COURSE.id}`, marker);
  const seen: ProgressEventPayload[] = [];
  for (;;) {
    const next = (await events.next()).value as ProgressEventPayload;
    if (next === marker || (next as { kind: string }).kind === 'MARKER') return seen;
    seen.push(next);
  }
}

describe('POST /internal/enrollments/check and POST /internal/lesson-completions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE, OTHER_COURSE, DRAFT_COURSE]);
  });
  afterAll(() => h.close());

  it('both routes answer 403 without the internal secret or with a wrong one', async () => {
    const learner = await enrolledLearner(h);
    for (const [path, body] of [
      [CHECK, { userId: learner.id, courseId: WEB_COURSE.id }],
      [COMPLETIONS, { userId: learner.id, lessonId: 'web-lab', reference: 'session-1' }],
    ] as const) {
      expect(await h.internal(path, body, { secret: null })).toEqual({
        status: 403,
        body: { error: 'forbidden' },
      });
      expect((await h.internal(path, body, { secret: 'wrong-secret-wrong-secret-1234' })).status).toBe(403);
    }
    expect(
      await h.count('SELECT count(*) AS n FROM progress.lesson_progress WHERE enrollment_id = $1', [
        learner.enrollmentId,
      ]),
    ).toBe(0);
  });

  it('a body of the wrong shape is 400 with the expected shape', async () => {
    expect(await h.internal(CHECK, { userId: 'u' })).toEqual({
      status: 400,
      body: { error: 'BAD_REQUEST', message: 'The body must be {"userId": string, "courseId": string}.' },
    });
    expect(await h.internal(COMPLETIONS, { userId: 'u', lessonId: 'web-lab', reference: '' })).toEqual({
      status: 400,
      body: {
        error: 'BAD_REQUEST',
        message: 'The body must be {"userId": string, "lessonId": string, "reference": string}.',
      },
    });
  });

  it('the enrollment check answers true for an enrolled learner and false otherwise', async () => {
    const learner = await enrolledLearner(h);
    expect(await h.internal(CHECK, { userId: learner.id, courseId: WEB_COURSE.id })).toEqual({
      status: 200,
      body: { enrolled: true },
    });
    expect((await h.internal(CHECK, { userId: learner.id, courseId: OTHER_COURSE.id })).body).toEqual({
      enrolled: false,
    });
    expect((await h.internal(CHECK, { userId: 'nobody', courseId: 'no-course' })).body).toEqual({
      enrolled: false,
    });
  });

  it('completes the LAB lesson once, moves the course to 25 % and publishes one LESSON_COMPLETED after the commit', async () => {
    const learner = await enrolledLearner(h);
    const events = await h.pubsub.subscribe<ProgressEventPayload>(`progress:${WEB_COURSE.id}`);
    const first = await h.internal(COMPLETIONS, {
      userId: learner.id,
      lessonId: 'web-lab',
      reference: 'session-1',
    });
    expect(first).toEqual({ status: 200, body: { completed: true, alreadyComplete: false } });
    const [row] = await h.test.db.query<{ status: string; updated_at: Date; last_activity_at: Date }>(
      `SELECT lp.status, lp.updated_at, e.last_activity_at FROM progress.lesson_progress lp
         JOIN progress.enrollments e ON e.id = lp.enrollment_id WHERE lp.enrollment_id = $1`,
      [learner.enrollmentId],
    );
    expect(row?.status).toBe('COMPLETED');
    expect(await eventsUntilNow(h, events)).toEqual([
      {
        enrollmentId: learner.enrollmentId,
        userId: learner.id,
        courseId: WEB_COURSE.id,
        lessonId: 'web-lab',
        kind: 'LESSON_COMPLETED',
        at: new Date(row!.updated_at).toISOString(),
      },
    ]);
    const read = await h.gql(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Enrollment { progressPercent lessons { lesson { id } status } } } }`,
      { reps: [{ __typename: 'Enrollment', id: learner.enrollmentId }] },
      learner.token,
    );
    expect(read.data?._entities[0].progressPercent).toBe(25);

    // A retry with the same reference and a call for another session change nothing and publish nothing.
    for (const reference of ['session-1', 'session-2']) {
      expect(await h.internal(COMPLETIONS, { userId: learner.id, lessonId: 'web-lab', reference })).toEqual({
        status: 200,
        body: { completed: true, alreadyComplete: true },
      });
    }
    expect(await eventsUntilNow(h, events)).toEqual([]);
    const [after] = await h.test.db.query<{ updated_at: Date; last_activity_at: Date }>(
      `SELECT lp.updated_at, e.last_activity_at FROM progress.lesson_progress lp
         JOIN progress.enrollments e ON e.id = lp.enrollment_id WHERE lp.enrollment_id = $1`,
      [learner.enrollmentId],
    );
    expect(after).toEqual({ updated_at: row!.updated_at, last_activity_at: row!.last_activity_at });
    expect(
      await h.test.db.query(`SELECT reference FROM progress.lesson_completions WHERE enrollment_id = $1`, [
        learner.enrollmentId,
      ]),
    ).toEqual([{ reference: 'session-1' }]);
    await events.return?.();
  });

  it('a lesson that is not a LAB and a learner who is not enrolled are 409; an unknown lesson or a draft course is 404; nothing is written', async () => {
    const learner = await enrolledLearner(h);
    const complete = (lessonId: string) =>
      h.internal(COMPLETIONS, { userId: learner.id, lessonId, reference: 'session-x' });
    expect(await complete('web-video')).toEqual({
      status: 409,
      body: {
        error: 'NOT_A_LAB',
        message: 'Lesson web-video is a VIDEO lesson; only LAB lessons complete through checks.',
      },
    });
    const stranger = await h.learner();
    expect(
      await h.internal(COMPLETIONS, { userId: stranger.id, lessonId: 'web-lab', reference: 'session-x' }),
    ).toEqual({
      status: 409,
      body: {
        error: 'NOT_ENROLLED',
        message: `User ${stranger.id} is not enrolled in course ${WEB_COURSE.id}.`,
      },
    });
    expect(await complete('no-such-lesson')).toEqual({
      status: 404,
      body: { error: 'LESSON_NOT_FOUND', message: 'Lesson no-such-lesson was not found.' },
    });
    expect((await complete('draft-video')).status).toBe(404);
    expect(
      await h.count('SELECT count(*) AS n FROM progress.lesson_progress WHERE enrollment_id = $1', [
        learner.enrollmentId,
      ]),
    ).toBe(0);
  });

  it('lessonComplete refuses a LAB lesson with COMPLETED_BY_CHECKS and writes nothing', async () => {
    const learner = await enrolledLearner(h);
    const result = await h.gql(COMPLETE, { lessonId: 'web-lab' }, learner.token);
    expect(result.data?.lessonComplete).toEqual({
      lessonProgress: null,
      enrollment: null,
      userErrors: [
        {
          code: 'COMPLETED_BY_CHECKS',
          message: "Labs complete when every step's check passes.",
          field: ['input', 'lessonId'],
        },
      ],
    });
    expect(
      await h.count('SELECT count(*) AS n FROM progress.lesson_progress WHERE enrollment_id = $1', [
        learner.enrollmentId,
      ]),
    ).toBe(0);
  });
});

for (const flavour of DATABASE_FLAVOURS) {
  describe(`concurrent hand-offs on ${flavour}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness([WEB_COURSE], { flavour });
    });
    afterAll(() => h.close());

    it('two replicas completing the same lab at once change the state once and publish one event', async () => {
      const replica = await h.replica();
      for (let round = 0; round < 3; round += 1) {
        const learner = await enrolledLearner(h);
        const events = await h.pubsub.subscribe<ProgressEventPayload>(`progress:${WEB_COURSE.id}`);
        const body = (reference: string) => ({ userId: learner.id, lessonId: 'web-lab', reference });
        const answers = await Promise.all([
          h.internal(COMPLETIONS, body('session-a')),
          h.internal(COMPLETIONS, body('session-b'), { server: replica }),
          h.internal(COMPLETIONS, body('session-a'), { server: replica }),
        ]);
        expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
        expect(answers.map((answer) => answer.body.alreadyComplete).sort()).toEqual([false, true, true]);
        const published = await eventsUntilNow(h, events);
        expect(published.map((event) => [event.kind, event.userId, event.lessonId])).toEqual([
          ['LESSON_COMPLETED', learner.id, 'web-lab'],
        ]);
        expect(
          await h.count('SELECT count(*) AS n FROM progress.lesson_completions WHERE enrollment_id = $1', [
            learner.enrollmentId,
          ]),
        ).toBe(1);
        await events.return?.();
      }
    });
  });
}
