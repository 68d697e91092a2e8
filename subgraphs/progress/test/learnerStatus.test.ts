/**
 * POST /internal/learner-course-status: what the ai service learns about a learner in a course —
 * enrolment, progress percent, and the quiz lessons passed (failed attempts and other courses do not count).
 */
import { LIMITED_COURSE, WEB_COURSE } from './support/catalogFixture';
import { COMPLETE, ENROLL, SUBMIT, startHarness, type Harness } from './support/harness';

const STATUS = '/internal/learner-course-status';
const ALL_RIGHT = [
  { questionId: 'q1', optionIds: ['q1b'] },
  { questionId: 'q2', optionIds: ['q2a', 'q2c'] },
  { questionId: 'q3', optionIds: ['q3a'] },
];
const ALL_WRONG = [{ questionId: 'q1', optionIds: ['q1a'] }];

describe('POST /internal/learner-course-status', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE, LIMITED_COURSE]);
  });
  afterAll(() => h.close());

  const submit = async (token: string, lessonId: string, answers: typeof ALL_RIGHT) => {
    const result = await h.gql(SUBMIT, { lessonId, answers }, token);
    expect(result.data?.quizSubmit.userErrors).toEqual([]);
  };

  it('a learner who is not enrolled is reported as such, with no quizzes passed', async () => {
    const learner = await h.learner();
    expect(await h.internal(STATUS, { userId: learner.id, courseId: WEB_COURSE.id })).toEqual({
      status: 200,
      body: { enrolled: false, progressPercent: 0, passedQuizLessonIds: [] },
    });
  });

  it('lists the quiz lessons passed in that course only, in the order first passed', async () => {
    const learner = await h.learner();
    for (const courseId of [WEB_COURSE.id, LIMITED_COURSE.id])
      await h.gql(ENROLL, { courseId }, learner.token);
    await submit(learner.token, 'three-tries', ALL_WRONG);
    await submit(learner.token, 'practice', ALL_RIGHT);
    await submit(learner.token, 'three-tries', ALL_RIGHT);
    await submit(learner.token, 'two-tries', ALL_WRONG);
    await submit(learner.token, 'web-quiz', ALL_WRONG);
    expect(await h.internal(STATUS, { userId: learner.id, courseId: LIMITED_COURSE.id })).toEqual({
      status: 200,
      body: { enrolled: true, progressPercent: 66, passedQuizLessonIds: ['practice', 'three-tries'] },
    });
    expect(await h.internal(STATUS, { userId: learner.id, courseId: WEB_COURSE.id })).toEqual({
      status: 200,
      body: { enrolled: true, progressPercent: 0, passedQuizLessonIds: [] },
    });
  });

  it("reports the enrollment's progress percent, as Enrollment.progressPercent", async () => {
    const learner = await h.learner();
    await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token);
    const completed = await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    expect(completed.data?.lessonComplete.enrollment.progressPercent).toBe(25);
    expect(await h.internal(STATUS, { userId: learner.id, courseId: WEB_COURSE.id })).toEqual({
      status: 200,
      body: { enrolled: true, progressPercent: 25, passedQuizLessonIds: [] },
    });
  });

  it('answers 403 without the internal secret and 400 to a body of the wrong shape', async () => {
    expect(await h.internal(STATUS, { userId: 'u', courseId: WEB_COURSE.id }, { secret: null })).toEqual({
      status: 403,
      body: { error: 'forbidden' },
    });
    expect(await h.internal(STATUS, { userId: 'u' })).toEqual({
      status: 400,
      body: { error: 'BAD_REQUEST', message: 'The body must be {"userId": string, "courseId": string}.' },
    });
  });
});
