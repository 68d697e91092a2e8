/**
 * Course access (commerce) in progress: a paid course is enrolled in and learned only with access;
 * a refund stops further progress; an `entitlement.changed` event is seen by the next request.
 */
import { announceEntitlementChanged, serveFakeCommerce, type FakeCommerce } from '@learncraft/kit/testing';
import { CATALOG_SECRET, OTHER_COURSE, WEB_COURSE } from './support/catalogFixture';
import { COMPLETE, ENROLL, HEARTBEAT, SUBMIT, startHarness, type Harness } from './support/harness';

const PAID = WEB_COURSE.id;
const paymentRequired = (field: string[]) => ({
  code: 'PAYMENT_REQUIRED',
  message: 'This course is paid: buy it or subscribe to a plan to take it.',
  field,
});

describe('course access in progress', () => {
  let h: Harness;
  let commerce: FakeCommerce;
  beforeAll(async () => {
    commerce = await serveFakeCommerce({ secret: CATALOG_SECRET, paid: [PAID] });
    h = await startHarness([WEB_COURSE, OTHER_COURSE], { commerceUrl: commerce.url });
  });
  afterAll(async () => {
    await h.close();
    await commerce.close();
  });
  afterEach(() => {
    commerce.failWith = null;
  });

  const enrollments = (userId: string) =>
    h.count('SELECT count(*) AS n FROM progress.enrollments WHERE user_id = $1', [userId]);
  const progressRows = (userId: string) =>
    h.count(
      `SELECT count(*) AS n FROM progress.lesson_progress p
         JOIN progress.enrollments e ON e.id = p.enrollment_id WHERE e.user_id = $1`,
      [userId],
    );

  it('a learner without access to a paid course cannot enroll, and nothing is written', async () => {
    const learner = await h.learner();
    const result = await h.gql(ENROLL, { courseId: PAID }, learner.token);
    expect(result.data?.courseEnroll).toEqual({
      enrollment: null,
      userErrors: [paymentRequired(['input', 'courseId'])],
    });
    expect(await enrollments(learner.id)).toBe(0);
  });

  it('a learner who bought the course enrolls and learns as before', async () => {
    const learner = await h.learner();
    commerce.grant(learner.id, PAID);
    const enrolled = await h.gql(ENROLL, { courseId: PAID }, learner.token);
    expect(enrolled.data?.courseEnroll.userErrors).toEqual([]);
    const completed = await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    expect(completed.data?.lessonComplete.userErrors).toEqual([]);
    expect(completed.data?.lessonComplete.lessonProgress.status).toBe('COMPLETED');
  });

  it('a free course needs no purchase', async () => {
    const learner = await h.learner();
    const result = await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token);
    expect(result.data?.courseEnroll.userErrors).toEqual([]);
    expect(await enrollments(learner.id)).toBe(1);
  });

  it('after a refund (entitlement.changed) progress, heartbeats and quizzes are refused and write nothing', async () => {
    const learner = await h.learner();
    commerce.grant(learner.id, PAID);
    await h.gql(ENROLL, { courseId: PAID }, learner.token);
    commerce.revoke(learner.id, PAID);
    await announceEntitlementChanged(h.server.url, CATALOG_SECRET, { userId: learner.id, change: 'REVOKED' });

    const completed = await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    expect(completed.data?.lessonComplete).toEqual({
      lessonProgress: null,
      enrollment: null,
      userErrors: [paymentRequired(['input', 'lessonId'])],
    });
    const heartbeat = await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 30 }, learner.token);
    expect(heartbeat.data?.videoProgressRecord.userErrors).toEqual([paymentRequired(['input', 'lessonId'])]);
    const quiz = await h.gql(
      SUBMIT,
      { lessonId: 'web-quiz', answers: [{ questionId: 'q1', optionIds: ['q1b'] }] },
      learner.token,
    );
    expect(quiz.data?.quizSubmit).toEqual({
      attempt: null,
      enrollment: null,
      userErrors: [paymentRequired(['input', 'lessonId'])],
    });
    expect(await progressRows(learner.id)).toBe(0);
    expect(
      await h.count(
        `SELECT count(*) AS n FROM progress.quiz_attempts a
           JOIN progress.enrollments e ON e.id = a.enrollment_id WHERE e.user_id = $1`,
        [learner.id],
      ),
    ).toBe(0);
  });

  it('a purchase is seen by the very next request: refusals are not cached', async () => {
    const learner = await h.learner();
    const refused = await h.gql(ENROLL, { courseId: PAID }, learner.token);
    expect(refused.data?.courseEnroll.userErrors).toEqual([paymentRequired(['input', 'courseId'])]);
    commerce.grant(learner.id, PAID);
    const enrolled = await h.gql(ENROLL, { courseId: PAID }, learner.token);
    expect(enrolled.data?.courseEnroll.userErrors).toEqual([]);
    expect(await enrollments(learner.id)).toBe(1);
  });

  it('a refund is seen once entitlement.changed arrives: grants are cached until then', async () => {
    const learner = await h.learner();
    commerce.grant(learner.id, PAID);
    expect((await h.gql(ENROLL, { courseId: PAID }, learner.token)).data?.courseEnroll.userErrors).toEqual(
      [],
    );
    commerce.revoke(learner.id, PAID);
    const cached = await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    expect(cached.data?.lessonComplete.userErrors).toEqual([]);
    await announceEntitlementChanged(h.server.url, CATALOG_SECRET, { userId: learner.id, courseIds: [PAID] });
    const refused = await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    expect(refused.data?.lessonComplete.userErrors).toEqual([paymentRequired(['input', 'lessonId'])]);
  });

  it('when commerce cannot answer, enrolling is ACCESS_UNAVAILABLE and writes nothing', async () => {
    const learner = await h.learner();
    commerce.failWith = 503;
    const result = await h.gql(ENROLL, { courseId: PAID }, learner.token);
    expect(result.data?.courseEnroll).toEqual({
      enrollment: null,
      userErrors: [
        {
          code: 'ACCESS_UNAVAILABLE',
          message: 'Course access cannot be checked right now; please try again shortly.',
          field: ['input', 'courseId'],
        },
      ],
    });
    expect(await enrollments(learner.id)).toBe(0);
  });
});
