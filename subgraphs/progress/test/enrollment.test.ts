import type { ProgressEventPayload } from '../src/domain/events';
import { DRAFT_COURSE, OTHER_COURSE, WEB_COURSE } from './support/catalogFixture';
import { ENROLL, startHarness, type Harness } from './support/harness';

describe('courseEnroll', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE, OTHER_COURSE, DRAFT_COURSE]);
  });
  afterAll(() => h.close());

  it('enrolling twice returns the same enrollment and no error', async () => {
    const learner = await h.learner();
    const first = await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    const second = await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    expect(first.errors).toBeUndefined();
    expect(first.data?.courseEnroll.userErrors).toEqual([]);
    expect(second.data?.courseEnroll).toEqual(first.data?.courseEnroll);
    expect(first.data?.courseEnroll.enrollment).toMatchObject({
      progressPercent: 0,
      completedAt: null,
      course: { id: WEB_COURSE.id },
      user: { id: learner.id },
    });
    expect(
      await h.count('SELECT count(*) AS n FROM progress.enrollments WHERE user_id = $1', [learner.id]),
    ).toBe(1);
  });

  it.each([
    ['an unknown course', 'course-nope'],
    ['an unpublished course', DRAFT_COURSE.id],
  ])('enrolling in %s is COURSE_NOT_FOUND and writes nothing', async (_label, courseId) => {
    const learner = await h.learner();
    const result = await h.gql(ENROLL, { courseId }, learner.token);
    expect(result.data?.courseEnroll).toEqual({
      enrollment: null,
      userErrors: [
        {
          code: 'COURSE_NOT_FOUND',
          message: `Course ${courseId} was not found.`,
          field: ['input', 'courseId'],
        },
      ],
    });
    expect(
      await h.count('SELECT count(*) AS n FROM progress.enrollments WHERE user_id = $1', [learner.id]),
    ).toBe(0);
  });

  it('an anonymous caller is UNAUTHENTICATED', async () => {
    const result = await h.gql(ENROLL, { courseId: WEB_COURSE.id });
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
  });

  it('publishes one ENROLLED event after the first enrollment only', async () => {
    const learner = await h.learner();
    const events = await h.pubsub.subscribe<ProgressEventPayload>(`progress:${OTHER_COURSE.id}`);
    const first = await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token);
    await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token);
    const enrollment = first.data?.courseEnroll.enrollment;
    const { value } = await events.next();
    expect(value).toEqual({
      enrollmentId: enrollment.id,
      userId: learner.id,
      courseId: OTHER_COURSE.id,
      lessonId: null,
      kind: 'ENROLLED',
      at: enrollment.enrolledAt,
    });
    // The second call published nothing: the queue is empty.
    const pending = await Promise.race([
      events.next(),
      new Promise((resolve) => setTimeout(() => resolve('none'), 50)),
    ]);
    expect(pending).toBe('none');
    await events.return?.();
  });

  it("Course.viewerEnrollment is the viewer's enrollment, and null for others and anonymous callers", async () => {
    const learner = await h.learner();
    const stranger = await h.learner();
    const enrolled = await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    const query = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Course { id viewerEnrollment { id } } } }`;
    const reps = { reps: [{ __typename: 'Course', id: WEB_COURSE.id }] };
    expect((await h.gql(query, reps, learner.token)).data?._entities).toEqual([
      { id: WEB_COURSE.id, viewerEnrollment: { id: enrolled.data?.courseEnroll.enrollment.id } },
    ]);
    expect((await h.gql(query, reps, stranger.token)).data?._entities).toEqual([
      { id: WEB_COURSE.id, viewerEnrollment: null },
    ]);
    expect((await h.gql(query, reps)).data?._entities).toEqual([
      { id: WEB_COURSE.id, viewerEnrollment: null },
    ]);
  });
});
