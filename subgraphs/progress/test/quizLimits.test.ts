/**
 * Quiz attempt limits, cool-downs and answer key visibility through the subgraph's HTTP API, on
 * every database flavour: the key is never shown before a pass or the last attempt (on the
 * mutation payload and on every read path), limits are enforced under concurrency, and refused
 * submissions record nothing. The subgraph's clock is injected, so cool-downs are exact.
 */
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { LIMITED_COURSE, WEB_COURSE } from './support/catalogFixture';
import { ENROLL, SUBMIT, startHarness, type Harness } from './support/harness';

type Answers = { questionId: string; optionIds: string[] }[];

/** 1 of 3 right (q1); q2 has one right and one wrong option chosen, q3 a wrong one. */
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

/** FAILING's feedback, with or without the key. */
const failingResults = (revealed: boolean) => [
  {
    questionId: 'q1',
    selectedOptionIds: ['q1b'],
    correct: true,
    incorrectOptionIds: [],
    correctOptionIds: revealed ? ['q1b'] : null,
    explanation: 'HTTP is stateless.',
  },
  {
    questionId: 'q2',
    selectedOptionIds: ['q2a', 'q2b'],
    correct: false,
    incorrectOptionIds: ['q2b'],
    correctOptionIds: revealed ? ['q2a', 'q2c'] : null,
    explanation: null,
  },
  {
    questionId: 'q3',
    selectedOptionIds: ['q3b'],
    correct: false,
    incorrectOptionIds: ['q3b'],
    correctOptionIds: revealed ? ['q3a'] : null,
    explanation: 'GET is safe.',
  },
];

const RESULTS = /* GraphQL */ `
  answerKeyRevealed
  results {
    questionId
    selectedOptionIds
    correct
    incorrectOptionIds
    correctOptionIds
    explanation
  }
`;

/**
 * Every read path to a learner's attempts: the enrollment entity and User.enrollments (two
 * requests: each is estimated at up to 100 attempts of 100 questions, one is within the budget).
 */
const READ_ATTEMPTS_OF_ENROLLMENT = /* GraphQL */ `
  query ($enrollment: [_Any!]!, $lessonId: ID!) {
    enrollment: _entities(representations: $enrollment) {
      ... on Enrollment { quizAttempts(lessonId: $lessonId) { ${RESULTS} } }
    }
  }
`;
const READ_ATTEMPTS_OF_USER = /* GraphQL */ `
  query ($user: [_Any!]!, $lessonId: ID!) {
    user: _entities(representations: $user) {
      ... on User {
        enrollments(first: 1) { edges { node { quizAttempts(lessonId: $lessonId) { ${RESULTS} } } } }
      }
    }
  }
`;

const STANDING = /* GraphQL */ `
  query ($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Lesson {
        viewerProgress {
          status
          quiz {
            attemptsUsed
            attemptsRemaining
            passed
            answerKeyRevealed
            nextAttemptAt
            canSubmit
          }
        }
      }
    }
  }
`;

describe.each(DATABASE_FLAVOURS)('quiz attempt limits and answer key visibility on %s', (flavour) => {
  let h: Harness;
  let clock = new Date('2030-01-01T00:00:00.000Z');
  const later = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
  beforeAll(async () => {
    h = await startHarness([WEB_COURSE, LIMITED_COURSE], { flavour, now: () => clock });
  });
  afterAll(() => h.close());
  beforeEach(() => later(3600));

  async function enrolledLearner() {
    const learner = await h.learner();
    const result = await h.gql(ENROLL, { courseId: LIMITED_COURSE.id }, learner.token);
    return { ...learner, enrollmentId: result.data?.courseEnroll.enrollment.id as string };
  }
  const submit = (token: string, lessonId: string, answers: Answers) =>
    h.gql(SUBMIT, { lessonId, answers }, token).then((r) => r.data?.quizSubmit);
  const attemptCount = (enrollmentId: string) =>
    h.count('SELECT count(*) AS n FROM progress.quiz_attempts WHERE enrollment_id = $1', [enrollmentId]);
  const readAttempts = async (
    learner: { id: string; token: string; enrollmentId: string },
    lessonId: string,
  ) => {
    const read = await h.gql(
      READ_ATTEMPTS_OF_ENROLLMENT,
      { enrollment: [{ __typename: 'Enrollment', id: learner.enrollmentId }], lessonId },
      learner.token,
    );
    const readViaUser = await h.gql(
      READ_ATTEMPTS_OF_USER,
      { user: [{ __typename: 'User', id: learner.id }], lessonId },
      learner.token,
    );
    expect([read.errors, readViaUser.errors]).toEqual([undefined, undefined]);
    const viaUser = readViaUser.data?.user[0].enrollments.edges[0].node.quizAttempts;
    expect(viaUser).toEqual(read.data?.enrollment[0].quizAttempts);
    return read.data?.enrollment[0].quizAttempts;
  };
  const standing = async (token: string, lessonId: string) =>
    (await h.gql(STANDING, { reps: [{ __typename: 'Lesson', id: lessonId }] }, token)).data?._entities[0]
      .viewerProgress;

  it('a failed attempt exposes no correct option anywhere while attempts are left', async () => {
    const learner = await enrolledLearner();
    const result = await submit(learner.token, 'three-tries', FAILING);
    expect(result.userErrors).toEqual([]);
    expect(result.attempt).toMatchObject({ scorePercent: 33, passed: false });
    expect({ answerKeyRevealed: result.attempt.answerKeyRevealed, results: result.attempt.results }).toEqual({
      answerKeyRevealed: false,
      results: failingResults(false),
    });
    expect(await readAttempts(learner, 'three-tries')).toEqual([
      { answerKeyRevealed: false, results: failingResults(false) },
    ]);
    expect(await standing(learner.token, 'three-tries')).toEqual({
      status: 'IN_PROGRESS',
      quiz: {
        attemptsUsed: 1,
        attemptsRemaining: 2,
        passed: false,
        answerKeyRevealed: false,
        nextAttemptAt: null,
        canSubmit: true,
      },
    });
  });

  it('a pass reveals the key, on the new attempt and on earlier ones, and closes the quiz', async () => {
    const learner = await enrolledLearner();
    await submit(learner.token, 'three-tries', FAILING);
    later(1);
    const passed = await submit(learner.token, 'three-tries', PASSING);
    expect(passed.attempt).toMatchObject({ scorePercent: 100, passed: true, answerKeyRevealed: true });
    expect(passed.attempt.results.map((r: { correctOptionIds: string[] }) => r.correctOptionIds)).toEqual([
      ['q1b'],
      ['q2a', 'q2c'],
      ['q3a'],
    ]);
    const [first] = await readAttempts(learner, 'three-tries');
    expect(first).toEqual({ answerKeyRevealed: true, results: failingResults(true) });

    later(1);
    expect(await submit(learner.token, 'three-tries', PASSING)).toEqual({
      attempt: null,
      enrollment: null,
      userErrors: [
        {
          code: 'QUIZ_ALREADY_PASSED',
          message: 'You have already passed this quiz.',
          field: ['input', 'lessonId'],
        },
      ],
    });
    expect(await attemptCount(learner.enrollmentId)).toBe(2);
    expect((await standing(learner.token, 'three-tries')).quiz).toEqual({
      attemptsUsed: 2,
      attemptsRemaining: 1,
      passed: true,
      answerKeyRevealed: true,
      nextAttemptAt: null,
      canSubmit: false,
    });
  });

  it('runs the cool-down, then reveals the key when the last attempt is used, and refuses attempt 3', async () => {
    const learner = await enrolledLearner();
    const first = await submit(learner.token, 'two-tries', FAILING);
    expect(first.attempt.answerKeyRevealed).toBe(false);
    const firstAt = clock.toISOString();

    later(10);
    expect(await standing(learner.token, 'two-tries')).toEqual({
      status: 'IN_PROGRESS',
      quiz: {
        attemptsUsed: 1,
        attemptsRemaining: 1,
        passed: false,
        answerKeyRevealed: false,
        nextAttemptAt: new Date(Date.parse(firstAt) + 60_000).toISOString(),
        canSubmit: false,
      },
    });
    expect(await submit(learner.token, 'two-tries', PASSING)).toEqual({
      attempt: null,
      enrollment: null,
      userErrors: [
        {
          code: 'QUIZ_COOLDOWN',
          message: 'You can try this quiz again in 50 seconds.',
          field: ['input', 'lessonId'],
        },
      ],
    });
    expect(await attemptCount(learner.enrollmentId)).toBe(1);

    later(50);
    const second = await submit(learner.token, 'two-tries', FAILING);
    expect(second.userErrors).toEqual([]);
    expect({ answerKeyRevealed: second.attempt.answerKeyRevealed, results: second.attempt.results }).toEqual({
      answerKeyRevealed: true,
      results: failingResults(true),
    });
    expect(await readAttempts(learner, 'two-tries')).toEqual([
      { answerKeyRevealed: true, results: failingResults(true) },
      { answerKeyRevealed: true, results: failingResults(true) },
    ]);

    later(3600);
    expect(await submit(learner.token, 'two-tries', PASSING)).toEqual({
      attempt: null,
      enrollment: null,
      userErrors: [
        {
          code: 'ATTEMPTS_EXHAUSTED',
          message: 'You have used all 2 attempts at this quiz.',
          field: ['input', 'lessonId'],
        },
      ],
    });
    expect(await attemptCount(learner.enrollmentId)).toBe(2);
    expect((await standing(learner.token, 'two-tries')).quiz).toEqual({
      attemptsUsed: 2,
      attemptsRemaining: 0,
      passed: false,
      answerKeyRevealed: true,
      nextAttemptAt: null,
      canSubmit: false,
    });
  });

  it('an unlimited quiz keeps the key hidden however many attempts fail, and still runs its cool-down', async () => {
    const learner = await enrolledLearner();
    for (let attempt = 0; attempt < 4; attempt += 1) {
      expect((await submit(learner.token, 'practice', FAILING)).attempt.answerKeyRevealed).toBe(false);
      later(30);
    }
    expect(await readAttempts(learner, 'practice')).toHaveLength(4);
    expect((await standing(learner.token, 'practice')).quiz).toMatchObject({
      attemptsUsed: 4,
      attemptsRemaining: null,
      answerKeyRevealed: false,
      canSubmit: true,
    });
    await submit(learner.token, 'practice', FAILING);
    later(29);
    expect((await submit(learner.token, 'practice', FAILING)).userErrors[0].message).toBe(
      'You can try this quiz again in 1 second.',
    );
  });

  it('an empty submission is EMPTY_SUBMISSION, records nothing and spends no attempt', async () => {
    const learner = await enrolledLearner();
    expect(await submit(learner.token, 'two-tries', [])).toEqual({
      attempt: null,
      enrollment: null,
      userErrors: [
        {
          code: 'EMPTY_SUBMISSION',
          message: 'Choose an answer to at least one question before submitting.',
          field: ['input', 'answers'],
        },
      ],
    });
    expect(await attemptCount(learner.enrollmentId)).toBe(0);
    expect((await standing(learner.token, 'two-tries')).quiz).toMatchObject({
      attemptsUsed: 0,
      canSubmit: true,
    });
  });

  it('concurrent submissions never exceed the attempt limit', async () => {
    const learner = await enrolledLearner();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => submit(learner.token, 'three-tries', FAILING)),
    );
    const codes = results.map((result) => result.userErrors[0]?.code ?? 'RECORDED').sort();
    expect(codes).toEqual([
      'ATTEMPTS_EXHAUSTED',
      'ATTEMPTS_EXHAUSTED',
      'ATTEMPTS_EXHAUSTED',
      'RECORDED',
      'RECORDED',
      'RECORDED',
    ]);
    expect(await attemptCount(learner.enrollmentId)).toBe(3);
  });
});
