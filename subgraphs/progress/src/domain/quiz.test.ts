import {
  checkAttemptAllowed,
  gradeQuiz,
  quizFeedback,
  quizStanding,
  replayDecision,
  sameAnswers,
  validateIdempotencyKey,
  type AttemptSummary,
  type QuizKey,
  type QuizQuestionResult,
} from './quiz';

const quiz: QuizKey = {
  passPercent: 60,
  maxAttempts: null,
  cooldownSeconds: 0,
  questions: [
    {
      id: 'q1',
      multiple: false,
      optionIds: ['a', 'b', 'c'],
      correctOptionIds: ['b'],
      explanation: 'Because b.',
    },
    { id: 'q2', multiple: true, optionIds: ['d', 'e', 'f'], correctOptionIds: ['d', 'f'], explanation: null },
    { id: 'q3', multiple: false, optionIds: ['g', 'h'], correctOptionIds: ['g'], explanation: null },
  ],
};

describe('gradeQuiz', () => {
  it('scores every question right as 100 and passes', () => {
    const outcome = gradeQuiz(quiz, [
      { questionId: 'q1', optionIds: ['b'] },
      { questionId: 'q2', optionIds: ['f', 'd'] },
      { questionId: 'q3', optionIds: ['g'] },
    ]);
    expect(outcome).toEqual({
      ok: true,
      grade: {
        scorePercent: 100,
        passed: true,
        answers: [
          { questionId: 'q1', optionIds: ['b'] },
          { questionId: 'q2', optionIds: ['f', 'd'] },
          { questionId: 'q3', optionIds: ['g'] },
        ],
        results: [
          {
            questionId: 'q1',
            selectedOptionIds: ['b'],
            correct: true,
            correctOptionIds: ['b'],
            explanation: 'Because b.',
          },
          {
            questionId: 'q2',
            selectedOptionIds: ['f', 'd'],
            correct: true,
            correctOptionIds: ['d', 'f'],
            explanation: null,
          },
          {
            questionId: 'q3',
            selectedOptionIds: ['g'],
            correct: true,
            correctOptionIds: ['g'],
            explanation: null,
          },
        ],
      },
    });
  });

  it('marks a multiple-choice question with a subset of the key wrong (all or nothing)', () => {
    const outcome = gradeQuiz(quiz, [
      { questionId: 'q1', optionIds: ['b'] },
      { questionId: 'q2', optionIds: ['d'] },
      { questionId: 'q3', optionIds: ['g'] },
    ]);
    expect(outcome.ok && outcome.grade.results.map((r) => r.correct)).toEqual([true, false, true]);
    expect(outcome.ok && [outcome.grade.scorePercent, outcome.grade.passed]).toEqual([67, true]);
  });

  it('counts unanswered and empty answers as wrong and rounds 1 of 3 to 33', () => {
    const outcome = gradeQuiz(quiz, [
      { questionId: 'q1', optionIds: ['b'] },
      { questionId: 'q3', optionIds: [] },
    ]);
    expect(outcome.ok && outcome.grade.scorePercent).toBe(33);
    expect(outcome.ok && outcome.grade.passed).toBe(false);
    expect(outcome.ok && outcome.grade.results[1]).toEqual({
      questionId: 'q2',
      selectedOptionIds: [],
      correct: false,
      correctOptionIds: ['d', 'f'],
      explanation: null,
    });
  });

  it('passes exactly at the pass mark', () => {
    const atMark = gradeQuiz({ ...quiz, passPercent: 67 }, [
      { questionId: 'q1', optionIds: ['b'] },
      { questionId: 'q3', optionIds: ['g'] },
    ]);
    expect(atMark.ok && [atMark.grade.scorePercent, atMark.grade.passed]).toEqual([67, true]);
    const above = gradeQuiz({ ...quiz, passPercent: 68 }, [
      { questionId: 'q1', optionIds: ['b'] },
      { questionId: 'q3', optionIds: ['g'] },
    ]);
    expect(above.ok && above.grade.passed).toBe(false);
  });

  it('treats a repeated option as chosen once', () => {
    const outcome = gradeQuiz(quiz, [{ questionId: 'q1', optionIds: ['b', 'b'] }]);
    expect(outcome.ok && outcome.grade.results[0]?.selectedOptionIds).toEqual(['b']);
    expect(outcome.ok && outcome.grade.results[0]?.correct).toBe(true);
  });

  it.each([
    ['no answers', []],
    [
      'answers that choose no option',
      [
        { questionId: 'q1', optionIds: [] },
        { questionId: 'q2', optionIds: [] },
      ],
    ],
  ])('rejects %s as EMPTY_SUBMISSION', (_case, answers) => {
    expect(gradeQuiz(quiz, answers)).toEqual({
      ok: false,
      errors: [
        {
          code: 'EMPTY_SUBMISSION',
          message: 'Choose an answer to at least one question before submitting.',
          field: ['input', 'answers'],
        },
      ],
    });
  });

  it.each([
    ['UNKNOWN_QUESTION', [{ questionId: 'nope', optionIds: ['a'] }], ['input', 'answers', '0', 'questionId']],
    [
      'DUPLICATE_ANSWER',
      [
        { questionId: 'q1', optionIds: ['a'] },
        { questionId: 'q1', optionIds: ['b'] },
      ],
      ['input', 'answers', '1', 'questionId'],
    ],
    ['UNKNOWN_OPTION', [{ questionId: 'q1', optionIds: ['d'] }], ['input', 'answers', '0', 'optionIds']],
    [
      'TOO_MANY_OPTIONS',
      [{ questionId: 'q1', optionIds: ['a', 'b'] }],
      ['input', 'answers', '0', 'optionIds'],
    ],
  ])('rejects %s without grading', (code, answers, field) => {
    const outcome = gradeQuiz(quiz, answers);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.errors.map((error) => [error.code, error.field])).toEqual([[code, field]]);
  });
});

const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 12, 0, seconds));
const failed = (second: number): AttemptSummary => ({ passed: false, submittedAt: at(second) });
const passedAt = (second: number): AttemptSummary => ({ passed: true, submittedAt: at(second) });

describe('quizStanding', () => {
  it('gives a learner without attempts at an unlimited quiz every right but the key', () => {
    expect(quizStanding([], { maxAttempts: null, cooldownSeconds: 30 }, at(0))).toEqual({
      attemptsUsed: 0,
      attemptsRemaining: null,
      passed: false,
      exhausted: false,
      answerKeyRevealed: false,
      nextAttemptAt: null,
      canSubmit: true,
    });
  });

  it('counts attempts left and runs the cool-down from the latest attempt, whatever their order', () => {
    const limits = { maxAttempts: 3, cooldownSeconds: 30 };
    expect(quizStanding([failed(10), failed(2)], limits, at(20))).toEqual({
      attemptsUsed: 2,
      attemptsRemaining: 1,
      passed: false,
      exhausted: false,
      answerKeyRevealed: false,
      nextAttemptAt: at(40),
      canSubmit: false,
    });
  });

  it('ends the cool-down exactly when it has run its length', () => {
    const standing = quizStanding([failed(10)], { maxAttempts: null, cooldownSeconds: 30 }, at(40));
    expect([standing.nextAttemptAt, standing.canSubmit]).toEqual([null, true]);
  });

  it('reveals the key once every attempt is used, and offers no next attempt', () => {
    expect(quizStanding([failed(1), failed(2)], { maxAttempts: 2, cooldownSeconds: 60 }, at(3))).toEqual({
      attemptsUsed: 2,
      attemptsRemaining: 0,
      passed: false,
      exhausted: true,
      answerKeyRevealed: true,
      nextAttemptAt: null,
      canSubmit: false,
    });
  });

  it('reveals the key after a pass and closes the quiz', () => {
    expect(quizStanding([failed(1), passedAt(2)], { maxAttempts: 3, cooldownSeconds: 60 }, at(3))).toEqual({
      attemptsUsed: 2,
      attemptsRemaining: 1,
      passed: true,
      exhausted: false,
      answerKeyRevealed: true,
      nextAttemptAt: null,
      canSubmit: false,
    });
  });

  it('keeps more attempts than a lowered limit as exhausted, never negative', () => {
    const standing = quizStanding(
      [failed(1), failed(2), failed(3)],
      { maxAttempts: 1, cooldownSeconds: 0 },
      at(4),
    );
    expect([standing.attemptsRemaining, standing.exhausted]).toEqual([0, true]);
  });
});

describe('checkAttemptAllowed', () => {
  const check = (
    attempts: AttemptSummary[],
    maxAttempts: number | null,
    cooldownSeconds: number,
    now: Date,
  ) => checkAttemptAllowed(quizStanding(attempts, { maxAttempts, cooldownSeconds }, now), now);
  const lessonField = ['input', 'lessonId'];

  it('allows an attempt when attempts are left and no cool-down runs', () => {
    expect(check([failed(0)], 2, 10, at(10))).toBeNull();
  });

  it('refuses attempt N+1 as ATTEMPTS_EXHAUSTED', () => {
    expect(check([failed(0), failed(1)], 2, 0, at(5))).toEqual({
      code: 'ATTEMPTS_EXHAUSTED',
      message: 'You have used all 2 attempts at this quiz.',
      field: lessonField,
    });
  });

  it('refuses during the cool-down as QUIZ_COOLDOWN with the whole seconds left, rounded up', () => {
    const now = new Date(at(0).getTime() + 500);
    expect(check([failed(0)], null, 30, now)).toEqual({
      code: 'QUIZ_COOLDOWN',
      message: 'You can try this quiz again in 30 seconds.',
      field: lessonField,
    });
    expect(check([failed(0)], null, 30, at(29))?.message).toBe('You can try this quiz again in 1 second.');
  });

  it('refuses a passed quiz as QUIZ_ALREADY_PASSED, before any limit', () => {
    expect(check([passedAt(0)], 1, 60, at(1))).toEqual({
      code: 'QUIZ_ALREADY_PASSED',
      message: 'You have already passed this quiz.',
      field: lessonField,
    });
  });
});

describe('quizFeedback', () => {
  const results: QuizQuestionResult[] = [
    {
      questionId: 'q1',
      selectedOptionIds: ['a'],
      correct: false,
      correctOptionIds: ['b'],
      explanation: 'Because b.',
    },
    {
      questionId: 'q2',
      selectedOptionIds: ['d', 'e'],
      correct: false,
      correctOptionIds: ['d', 'f'],
      explanation: null,
    },
    { questionId: 'q3', selectedOptionIds: ['g'], correct: true, correctOptionIds: ['g'], explanation: null },
  ];

  it('says what was wrong and explains, but hides the correct options until the key is revealed', () => {
    expect(quizFeedback(results, false)).toEqual([
      {
        questionId: 'q1',
        selectedOptionIds: ['a'],
        correct: false,
        incorrectOptionIds: ['a'],
        correctOptionIds: null,
        explanation: 'Because b.',
      },
      {
        questionId: 'q2',
        selectedOptionIds: ['d', 'e'],
        correct: false,
        incorrectOptionIds: ['e'],
        correctOptionIds: null,
        explanation: null,
      },
      {
        questionId: 'q3',
        selectedOptionIds: ['g'],
        correct: true,
        incorrectOptionIds: [],
        correctOptionIds: null,
        explanation: null,
      },
    ]);
  });

  it('adds the correct options once the key is revealed', () => {
    expect(quizFeedback(results, true).map((result) => result.correctOptionIds)).toEqual([
      ['b'],
      ['d', 'f'],
      ['g'],
    ]);
  });
});

describe('resent submissions', () => {
  it('the same options in another order, repeated, are the same submission', () => {
    expect(
      sameAnswers(
        [
          { questionId: 'a', optionIds: ['x', 'y'] },
          { questionId: 'b', optionIds: ['z'] },
        ],
        [
          { questionId: 'b', optionIds: ['z', 'z'] },
          { questionId: 'a', optionIds: ['y', 'x'] },
        ],
      ),
    ).toBe(true);
  });

  it('another option, or a question left out, is a different submission', () => {
    const first = [
      { questionId: 'a', optionIds: ['x'] },
      { questionId: 'b', optionIds: ['z'] },
    ];
    expect(
      sameAnswers(first, [
        { questionId: 'a', optionIds: ['y'] },
        { questionId: 'b', optionIds: ['z'] },
      ]),
    ).toBe(false);
    expect(sameAnswers(first, [{ questionId: 'a', optionIds: ['x'] }])).toBe(false);
    expect(replayDecision({ answers: first }, [{ questionId: 'a', optionIds: ['x'] }])?.code).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    expect(replayDecision({ answers: first }, [...first].reverse())).toBeNull();
  });

  it('a key is 1 to 100 characters', () => {
    expect(validateIdempotencyKey('')?.code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect(validateIdempotencyKey('k'.repeat(101))?.code).toBe('INVALID_IDEMPOTENCY_KEY');
    expect(validateIdempotencyKey('k')).toBeNull();
    expect(validateIdempotencyKey('k'.repeat(100))).toBeNull();
  });
});
