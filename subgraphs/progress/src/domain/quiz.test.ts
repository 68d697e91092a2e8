import { gradeQuiz, type QuizKey } from './quiz';

const quiz: QuizKey = {
  passPercent: 60,
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
