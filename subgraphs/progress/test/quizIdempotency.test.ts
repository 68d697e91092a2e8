/**
 * Resending progress safely, through the subgraph's HTTP API on every database flavour: a quiz
 * submission with an idempotency key is recorded once however often it is sent (one after another
 * or concurrently, after a pass or inside a cool-down), the key cannot carry different answers,
 * and replayed heartbeats and completions leave the progress they recorded as it was.
 */
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import type { ProgressEventPayload } from '../src/domain/events';
import { LIMITED_COURSE, WEB_COURSE } from './support/catalogFixture';
import { COMPLETE, ENROLL, HEARTBEAT, SUBMIT, startHarness, type Harness } from './support/harness';

type Answers = { questionId: string; optionIds: string[] }[];

const FAILING: Answers = [
  { questionId: 'q1', optionIds: ['q1b'] },
  { questionId: 'q2', optionIds: ['q2a', 'q2b'] },
  { questionId: 'q3', optionIds: ['q3b'] },
];
const PASSING: Answers = [
  { questionId: 'q1', optionIds: ['q1b'] },
  { questionId: 'q2', optionIds: ['q2a', 'q2c'] },
  { questionId: 'q3', optionIds: ['q3a'] },
];

describe.each(DATABASE_FLAVOURS)('resending progress on %s', (flavour) => {
  let h: Harness;
  let clock = new Date('2031-01-01T00:00:00.000Z');
  const later = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE, LIMITED_COURSE], { flavour, now: () => clock });
  });
  afterAll(() => h.close());
  beforeEach(() => later(3600));

  async function enrolledLearner(courseId = LIMITED_COURSE.id) {
    const learner = await h.learner();
    const result = await h.gql(ENROLL, { courseId }, learner.token);
    return { ...learner, enrollmentId: result.data?.courseEnroll.enrollment.id as string };
  }
  const submit = (token: string, lessonId: string, answers: Answers, idempotencyKey?: string) =>
    h.gql(SUBMIT, { lessonId, answers, idempotencyKey }, token).then((r) => r.data?.quizSubmit);
  const attemptCount = (enrollmentId: string) =>
    h.count('SELECT count(*) AS n FROM progress.quiz_attempts WHERE enrollment_id = $1', [enrollmentId]);

  it('the same key sent again inside the cool-down returns the first attempt and spends no attempt', async () => {
    const learner = await enrolledLearner();
    const first = await submit(learner.token, 'two-tries', FAILING, 'offline-1');
    expect(first.userErrors).toEqual([]);
    later(10);
    const again = await submit(learner.token, 'two-tries', FAILING, 'offline-1');
    expect(again).toEqual(first);
    expect(await attemptCount(learner.enrollmentId)).toBe(1);
    // The cool-down still runs from the first attempt: a new submission is refused as before.
    expect((await submit(learner.token, 'two-tries', FAILING, 'offline-2')).userErrors[0]).toEqual({
      code: 'QUIZ_COOLDOWN',
      message: 'You can try this quiz again in 50 seconds.',
      field: ['input', 'lessonId'],
    });
  });

  it('a passing submission resent after the pass gets the pass back, not QUIZ_ALREADY_PASSED', async () => {
    const learner = await enrolledLearner();
    const first = await submit(learner.token, 'three-tries', PASSING, 'pass-once');
    expect(first.attempt).toMatchObject({ scorePercent: 100, passed: true });
    later(5);
    // Options in another order and repeated: still the same submission.
    const reordered: Answers = [
      { questionId: 'q3', optionIds: ['q3a'] },
      { questionId: 'q2', optionIds: ['q2c', 'q2a', 'q2c'] },
      { questionId: 'q1', optionIds: ['q1b'] },
    ];
    const again = await submit(learner.token, 'three-tries', reordered, 'pass-once');
    expect(again.userErrors).toEqual([]);
    expect(again.attempt).toEqual(first.attempt);
    expect(again.enrollment).toEqual(first.enrollment);
    expect(await attemptCount(learner.enrollmentId)).toBe(1);
  });

  it('the same key with different answers is IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const learner = await enrolledLearner();
    await submit(learner.token, 'three-tries', FAILING, 'key-a');
    later(1);
    expect(await submit(learner.token, 'three-tries', PASSING, 'key-a')).toEqual({
      attempt: null,
      enrollment: null,
      userErrors: [
        {
          code: 'IDEMPOTENCY_KEY_REUSED',
          message: 'This idempotency key was already used for a different submission of this quiz.',
          field: ['input', 'idempotencyKey'],
        },
      ],
    });
    expect(await attemptCount(learner.enrollmentId)).toBe(1);
  });

  it('concurrent duplicates of one submission record one attempt and all answer with it', async () => {
    const learner = await enrolledLearner();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => submit(learner.token, 'two-tries', FAILING, 'burst')),
    );
    expect(results.map((result) => result.userErrors)).toEqual([[], [], [], [], []]);
    expect(new Set(results.map((result) => result.attempt.id)).size).toBe(1);
    expect(await attemptCount(learner.enrollmentId)).toBe(1);
  });

  it('a key is the learner’s own: another learner’s same key is a new attempt of theirs', async () => {
    const [one, two] = [await enrolledLearner(), await enrolledLearner()];
    const first = await submit(one.token, 'three-tries', FAILING, 'shared-key');
    const second = await submit(two.token, 'three-tries', FAILING, 'shared-key');
    expect(second.userErrors).toEqual([]);
    expect(second.attempt.id).not.toBe(first.attempt.id);
    expect([await attemptCount(one.enrollmentId), await attemptCount(two.enrollmentId)]).toEqual([1, 1]);
  });

  it('a key is per lesson: the same key on another quiz of the course records that quiz’s attempt', async () => {
    const learner = await enrolledLearner();
    await submit(learner.token, 'three-tries', FAILING, 'per-lesson');
    const other = await submit(learner.token, 'practice', PASSING, 'per-lesson');
    expect(other.attempt).toMatchObject({ passed: true, lesson: { id: 'practice' } });
    expect(await attemptCount(learner.enrollmentId)).toBe(2);
  });

  it.each([
    ['an empty key', ''],
    ['a key of 101 characters', 'k'.repeat(101)],
  ])('%s is INVALID_IDEMPOTENCY_KEY and records nothing', async (_label, key) => {
    const learner = await enrolledLearner();
    expect(await submit(learner.token, 'three-tries', FAILING, key)).toEqual({
      attempt: null,
      enrollment: null,
      userErrors: [
        {
          code: 'INVALID_IDEMPOTENCY_KEY',
          message: 'The idempotency key must be 1 to 100 characters long.',
          field: ['input', 'idempotencyKey'],
        },
      ],
    });
    expect(await attemptCount(learner.enrollmentId)).toBe(0);
    expect((await submit(learner.token, 'three-tries', FAILING, 'k'.repeat(100))).userErrors).toEqual([]);
  });

  it('a replay publishes no second QUIZ_SUBMITTED event', async () => {
    const learner = await enrolledLearner();
    const events = await h.pubsub.subscribe<ProgressEventPayload>(`progress:${LIMITED_COURSE.id}`);
    await submit(learner.token, 'three-tries', FAILING, 'evented');
    await submit(learner.token, 'three-tries', FAILING, 'evented');
    await h.gql(ENROLL, { courseId: LIMITED_COURSE.id }, learner.token);
    await submit(learner.token, 'practice', FAILING);
    const kinds = [(await events.next()).value, (await events.next()).value].map(
      (event: ProgressEventPayload) => [event.kind, event.lessonId],
    );
    expect(kinds).toEqual([
      ['QUIZ_SUBMITTED', 'three-tries'],
      ['QUIZ_SUBMITTED', 'practice'],
    ]);
    await events.return?.();
  });

  it('replayed heartbeats and completions (in any order) leave the recorded progress as it was', async () => {
    const learner = await enrolledLearner(WEB_COURSE.id);
    const heartbeat = (positionSeconds: number) =>
      h
        .gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds }, learner.token)
        .then((r) => r.data?.videoProgressRecord);
    const complete = () =>
      h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token).then((r) => r.data?.lessonComplete);
    await heartbeat(40);
    const furthest = await heartbeat(120);
    const completed = await complete();
    later(60);
    // The offline queue delivers late, and a lost response makes it send again.
    expect((await heartbeat(40)).lessonProgress).toEqual(furthest.lessonProgress);
    expect((await heartbeat(120)).lessonProgress).toEqual(furthest.lessonProgress);
    const replayed = await complete();
    expect(replayed.lessonProgress).toEqual(completed.lessonProgress);
    expect(replayed.enrollment).toEqual(completed.enrollment);
  });
});
