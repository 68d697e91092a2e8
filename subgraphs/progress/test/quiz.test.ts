import type { ProgressEventPayload } from '../src/domain/events';
import { OTHER_COURSE, WEB_COURSE } from './support/catalogFixture';
import { ENROLL, SUBMIT, startHarness, type Harness } from './support/harness';

describe('quizSubmit', () => {
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
  const submit = (
    token: string,
    answers: { questionId: string; optionIds: string[] }[],
    lessonId = 'web-quiz',
  ) => h.gql(SUBMIT, { lessonId, answers }, token).then((r) => r.data?.quizSubmit);
  const attempts = (enrollmentId: string) =>
    h.count('SELECT count(*) AS n FROM progress.quiz_attempts WHERE enrollment_id = $1', [enrollmentId]);

  it('grades 1 of 3 as 33, fails, says what was wrong without the key and leaves the quiz in progress', async () => {
    const learner = await enrolledLearner();
    const result = await submit(learner.token, [
      { questionId: 'q1', optionIds: ['q1b'] },
      { questionId: 'q2', optionIds: ['q2a', 'q2b'] },
    ]);
    expect(result.userErrors).toEqual([]);
    expect(result.attempt).toEqual({
      id: expect.any(String),
      lesson: { id: 'web-quiz' },
      scorePercent: 33,
      passed: false,
      submittedAt: expect.any(String),
      answerKeyRevealed: false,
      results: [
        {
          questionId: 'q1',
          selectedOptionIds: ['q1b'],
          correct: true,
          incorrectOptionIds: [],
          correctOptionIds: null,
          explanation: 'HTTP is stateless.',
        },
        {
          questionId: 'q2',
          selectedOptionIds: ['q2a', 'q2b'],
          correct: false,
          incorrectOptionIds: ['q2b'],
          correctOptionIds: null,
          explanation: null,
        },
        {
          questionId: 'q3',
          selectedOptionIds: [],
          correct: false,
          incorrectOptionIds: [],
          correctOptionIds: null,
          explanation: 'GET is safe.',
        },
      ],
    });
    expect(result.enrollment.progressPercent).toBe(0);
    const [row] = await h.test.db.query<{ status: string }>(
      'SELECT status FROM progress.lesson_progress WHERE enrollment_id = $1 AND lesson_id = $2',
      [learner.enrollmentId, 'web-quiz'],
    );
    expect(row?.status).toBe('IN_PROGRESS');
  });

  it('grades 2 of 3 as 67, passes at the 60 % mark and completes the lesson', async () => {
    const learner = await enrolledLearner();
    const result = await submit(learner.token, [
      { questionId: 'q1', optionIds: ['q1b'] },
      { questionId: 'q2', optionIds: ['q2c', 'q2a'] },
      { questionId: 'q3', optionIds: ['q3b'] },
    ]);
    expect([result.attempt.scorePercent, result.attempt.passed]).toEqual([67, true]);
    expect(result.enrollment.progressPercent).toBe(25);
  });

  it('lists attempts oldest first, filtered by lesson', async () => {
    const learner = await enrolledLearner();
    await submit(learner.token, [{ questionId: 'q1', optionIds: ['q1a'] }]);
    await submit(learner.token, [
      { questionId: 'q1', optionIds: ['q1b'] },
      { questionId: 'q2', optionIds: ['q2a', 'q2c'] },
      { questionId: 'q3', optionIds: ['q3a'] },
    ]);
    const read = await h.gql(
      `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on Enrollment {
         all: quizAttempts { scorePercent passed } other: quizAttempts(lessonId: "web-video") { id } } } }`,
      { reps: [{ __typename: 'Enrollment', id: learner.enrollmentId }] },
      learner.token,
    );
    expect(read.data?._entities[0]).toEqual({
      all: [
        { scorePercent: 0, passed: false },
        { scorePercent: 100, passed: true },
      ],
      other: [],
    });
  });

  it.each([
    [
      'EMPTY_SUBMISSION',
      [],
      'Choose an answer to at least one question before submitting.',
      ['input', 'answers'],
    ],
    [
      'EMPTY_SUBMISSION',
      [{ questionId: 'q1', optionIds: [] }],
      'Choose an answer to at least one question before submitting.',
      ['input', 'answers'],
    ],
    [
      'UNKNOWN_QUESTION',
      [{ questionId: 'q9', optionIds: ['q1a'] }],
      'Question q9 is not part of this quiz.',
      ['input', 'answers', '0', 'questionId'],
    ],
    [
      'DUPLICATE_ANSWER',
      [
        { questionId: 'q1', optionIds: ['q1b'] },
        { questionId: 'q1', optionIds: ['q1a'] },
      ],
      'Question q1 is answered more than once.',
      ['input', 'answers', '1', 'questionId'],
    ],
    [
      'UNKNOWN_OPTION',
      [{ questionId: 'q1', optionIds: ['q2a'] }],
      'Option q2a is not an option of question q1.',
      ['input', 'answers', '0', 'optionIds'],
    ],
    [
      'TOO_MANY_OPTIONS',
      [{ questionId: 'q1', optionIds: ['q1a', 'q1b'] }],
      'Question q1 takes a single option.',
      ['input', 'answers', '0', 'optionIds'],
    ],
  ])('%s is a userError and records no attempt', async (code, answers, message, field) => {
    const learner = await enrolledLearner();
    const result = await submit(learner.token, answers);
    expect(result).toEqual({ attempt: null, enrollment: null, userErrors: [{ code, message, field }] });
    expect(await attempts(learner.enrollmentId)).toBe(0);
  });

  it('a quiz of a course the viewer is not enrolled in is NOT_ENROLLED and records nothing', async () => {
    const learner = await enrolledLearner(OTHER_COURSE.id);
    const result = await submit(learner.token, [{ questionId: 'q1', optionIds: ['q1b'] }]);
    expect(result.userErrors.map((error: { code: string }) => error.code)).toEqual(['NOT_ENROLLED']);
    expect(await attempts(learner.enrollmentId)).toBe(0);
  });

  it('answers to a video lesson are WRONG_LESSON_KIND; a quiz without questions is QUIZ_NOT_AVAILABLE', async () => {
    const learner = await enrolledLearner(OTHER_COURSE.id);
    expect(
      (await submit(learner.token, [], 'other-video')).userErrors.map((e: { code: string }) => e.code),
    ).toEqual(['WRONG_LESSON_KIND']);
    expect(
      (await submit(learner.token, [], 'other-empty-quiz')).userErrors.map((e: { code: string }) => e.code),
    ).toEqual(['QUIZ_NOT_AVAILABLE']);
    expect(await attempts(learner.enrollmentId)).toBe(0);
  });

  it('an unknown lesson is LESSON_NOT_FOUND', async () => {
    const learner = await enrolledLearner();
    expect((await submit(learner.token, [], 'nope')).userErrors.map((e: { code: string }) => e.code)).toEqual(
      ['LESSON_NOT_FOUND'],
    );
  });

  it('publishes QUIZ_SUBMITTED with the attempt time after the commit', async () => {
    const learner = await enrolledLearner();
    const events = await h.pubsub.subscribe<ProgressEventPayload>(`progress:${WEB_COURSE.id}`);
    const result = await submit(learner.token, [{ questionId: 'q3', optionIds: ['q3a'] }]);
    expect((await events.next()).value).toEqual({
      enrollmentId: learner.enrollmentId,
      userId: learner.id,
      courseId: WEB_COURSE.id,
      lessonId: 'web-quiz',
      kind: 'QUIZ_SUBMITTED',
      at: result.attempt.submittedAt,
    });
    await events.return?.();
  });
});
