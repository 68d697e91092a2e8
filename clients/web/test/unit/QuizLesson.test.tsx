/**
 * @jest-environment jsdom
 *
 * The quiz lesson: choosing answers (one option or several), submitting exactly the chosen option
 * ids to `quizSubmit`, showing the graded attempt (what was wrong; the correct options only once
 * the server reveals them), attempts left, the cool-down countdown, and the server's userErrors.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QuizSubmitMutation } from '@learncraft/operations';
import { QuizLesson } from '../../src/pages/lesson/QuizLesson';
import type { LessonData, QuizContentData } from '../../src/pages/lesson/types';
import { LESSON_ID, lesson, quizContent } from './fixtures';

type Answers = { questionId: string; optionIds: string[] }[];
type Standing = NonNullable<NonNullable<LessonData['viewerProgress']>['quiz']>;

const WRONG: Answers = [
  { questionId: 'q1', optionIds: ['q1-svc'] },
  { questionId: 'q2', optionIds: ['q2-apply', 'q2-get'] },
];
const RIGHT: Answers = [
  { questionId: 'q1', optionIds: ['q1-pod'] },
  { questionId: 'q2', optionIds: ['q2-apply', 'q2-delete'] },
];

function submitMock(
  answers: Answers,
  payload: Record<string, unknown>,
): MockedResponse & { result: jest.Mock } {
  return {
    request: { query: QuizSubmitMutation, variables: { input: { lessonId: LESSON_ID, answers } } },
    result: jest.fn(() => ({ data: { quizSubmit: { __typename: 'QuizSubmitPayload', ...payload } } })),
  };
}

function standing(overrides: Partial<Standing> = {}): Standing {
  return {
    __typename: 'QuizProgress',
    attemptsUsed: 0,
    attemptsRemaining: 3,
    passed: false,
    answerKeyRevealed: false,
    nextAttemptAt: null,
    canSubmit: true,
    ...overrides,
  } as Standing;
}

const progress = (quiz: Standing | null, status: 'COMPLETED' | 'IN_PROGRESS' = 'IN_PROGRESS') => ({
  __typename: 'LessonProgress' as const,
  status,
  positionSeconds: 0,
  completedAt: status === 'COMPLETED' ? '2030-01-01T12:00:00.000Z' : null,
  quiz,
});

/** A graded attempt as quizSubmit returns it; `passed` means RIGHT was submitted, WRONG otherwise. */
function attempt(passed: boolean, after: Standing) {
  const revealed = after.answerKeyRevealed;
  return {
    attempt: {
      __typename: 'QuizAttempt',
      id: 'QXR0ZW1wdDox',
      scorePercent: passed ? 100 : 0,
      passed,
      submittedAt: '2030-01-01T12:00:00.000Z',
      answerKeyRevealed: revealed,
      results: [
        {
          __typename: 'QuizQuestionResult',
          questionId: 'q1',
          selectedOptionIds: passed ? ['q1-pod'] : ['q1-svc'],
          correct: passed,
          incorrectOptionIds: passed ? [] : ['q1-svc'],
          correctOptionIds: revealed ? ['q1-pod'] : null,
          explanation: 'Pods run containers.',
        },
        {
          __typename: 'QuizQuestionResult',
          questionId: 'q2',
          selectedOptionIds: passed ? ['q2-apply', 'q2-delete'] : ['q2-apply', 'q2-get'],
          correct: passed,
          incorrectOptionIds: passed ? [] : ['q2-get'],
          correctOptionIds: revealed ? ['q2-apply', 'q2-delete'] : null,
          explanation: null,
        },
      ],
      lesson: {
        __typename: 'Lesson',
        id: LESSON_ID,
        viewerProgress: progress(after, passed ? 'COMPLETED' : 'IN_PROGRESS'),
      },
    },
    enrollment: null,
    userErrors: [],
  };
}

function renderQuiz(
  mocks: MockedResponse[],
  {
    enrolled = true,
    quiz = standing(),
    content = quizContent,
    fakeTimers = false,
  }: { enrolled?: boolean; quiz?: Standing | null; content?: QuizContentData; fakeTimers?: boolean } = {},
) {
  const user = userEvent.setup(fakeTimers ? { advanceTimers: (ms) => jest.advanceTimersByTime(ms) } : {});
  render(
    <MockedProvider mocks={mocks}>
      <QuizLesson
        lesson={lesson(content, enrolled ? progress(quiz) : null)}
        content={content}
        enrolled={enrolled}
      />
    </MockedProvider>,
  );
  return user;
}

const question = (name: RegExp) => screen.getByRole('group', { name });
/** The values of every checked radio button and checkbox, in document order. */
const chosen = () =>
  [...document.querySelectorAll<HTMLInputElement>('input:checked')].map((input) => input.value);
/** The option labels carrying a screen-reader mark such as "(correct answer)". */
const marked = (mark: string) =>
  screen.queryAllByText(mark).map((element) => element.closest('label')!.textContent);

async function answer(user: ReturnType<typeof userEvent.setup>, answers: Answers) {
  const labels: Record<string, string> = {
    'q1-pod': 'Pod',
    'q1-svc': 'Service',
    'q2-apply': 'kubectl apply',
    'q2-get': 'kubectl get',
    'q2-delete': 'kubectl delete',
  };
  for (const { optionIds } of answers) {
    for (const id of optionIds) {
      const name = labels[id]!;
      await user.click(screen.queryByRole('radio', { name }) ?? screen.getByRole('checkbox', { name }));
    }
  }
}

describe('QuizLesson', () => {
  it('shows each question with radio buttons for one answer and checkboxes for several, and the attempts left', () => {
    renderQuiz([], { quiz: standing({ attemptsUsed: 1, attemptsRemaining: 2 }) });
    expect(screen.getByText('2 questions · pass mark 50% · 2 of 3 attempts left')).toBeTruthy();
    const first = question(/Question 1/);
    expect(
      within(first)
        .getAllByRole('radio')
        .map((radio) => (radio as HTMLInputElement).value),
    ).toEqual(['q1-pod', 'q1-svc', 'q1-ns']);
    expect(within(first).queryByText('Choose all that apply.')).toBeNull();
    const second = question(/Question 2/);
    expect(within(second).getAllByRole('checkbox')).toHaveLength(3);
    expect(within(second).getByText('Choose all that apply.')).toBeTruthy();
    expect(within(first).getByText('runs').tagName).toBe('STRONG');
  });

  it("states the quiz's attempt limit to a visitor", () => {
    renderQuiz([], { enrolled: false });
    expect(screen.getByText('2 questions · pass mark 50% · 3 attempts')).toBeTruthy();
  });

  it('keeps one choice for a single-answer question and any set of choices for a multiple-answer one', async () => {
    const user = renderQuiz([]);
    await user.click(screen.getByRole('radio', { name: 'Service' }));
    await user.click(screen.getByRole('radio', { name: 'Pod' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl apply' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl get' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl delete' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl get' }));

    expect(chosen()).toEqual(['q1-pod', 'q2-apply', 'q2-delete']);
  });

  it('shows a failed attempt question by question with the wrong choices but never the correct answers', async () => {
    const mock = submitMock(WRONG, attempt(false, standing({ attemptsUsed: 1, attemptsRemaining: 2 })));
    const user = renderQuiz([mock]);
    await answer(user, WRONG);
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));

    const status = await screen.findByRole('status');
    expect(status.textContent).toBe(
      'You scored 0% — not passed yet. You need 50% to pass. 2 attempts left.Try again',
    );
    expect(mock.result).toHaveBeenCalledTimes(1);
    const [first, second] = screen.getAllByRole('note');
    expect(first!.textContent).toBe('IncorrectPods run containers.');
    expect(second!.textContent).toBe('Incorrect');
    expect(question(/Question 1/).className).toBe('question incorrect');
    expect((question(/Question 2/) as HTMLFieldSetElement).disabled).toBe(true);
    expect(marked('(wrong choice)')).toEqual(['Service (wrong choice)', 'kubectl get (wrong choice)']);
    expect(marked('(correct answer)')).toEqual([]);
    expect(document.querySelectorAll('.right-answer')).toHaveLength(0);
    expect(screen.getByText('2 questions · pass mark 50% · 2 of 3 attempts left')).toBeTruthy();
  });

  it('marks the correct answers once the quiz is passed and offers no further attempt', async () => {
    const after = standing({
      attemptsUsed: 1,
      attemptsRemaining: 2,
      passed: true,
      answerKeyRevealed: true,
      canSubmit: false,
    });
    const mock = submitMock(RIGHT, attempt(true, after));
    const user = renderQuiz([mock]);
    await answer(user, RIGHT);
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));

    expect((await screen.findByRole('status')).textContent).toBe(
      'You scored 100% — passed. This lesson is complete.',
    );
    expect(screen.getAllByRole('note').map((note) => note.textContent)).toEqual([
      'CorrectPods run containers.',
      'Correct',
    ]);
    expect(marked('(correct answer)')).toEqual([
      'Pod (correct answer)',
      'kubectl apply (correct answer)',
      'kubectl delete (correct answer)',
    ]);
    expect(screen.queryByRole('button', { name: /Try again/ })).toBeNull();
    expect(screen.getByText('2 questions · pass mark 50% · ✓ passed')).toBeTruthy();
  });

  it('marks the correct answers after the last failed attempt and offers no retry', async () => {
    const after = standing({
      attemptsUsed: 3,
      attemptsRemaining: 0,
      answerKeyRevealed: true,
      canSubmit: false,
    });
    const mock = submitMock(WRONG, attempt(false, after));
    const user = renderQuiz([mock], { quiz: standing({ attemptsUsed: 2, attemptsRemaining: 1 }) });
    await answer(user, WRONG);
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));

    expect((await screen.findByRole('status')).textContent).toBe(
      'You scored 0% — not passed yet. You needed 50% to pass and have no attempts left; the correct answers are marked.',
    );
    expect(marked('(correct answer)')).toEqual([
      'Pod (correct answer)',
      'kubectl apply (correct answer)',
      'kubectl delete (correct answer)',
    ]);
    expect(marked('(wrong choice)')).toEqual(['Service (wrong choice)', 'kubectl get (wrong choice)']);
    expect(screen.queryByRole('button', { name: /Try again/ })).toBeNull();
    expect(screen.getByText('2 questions · pass mark 50% · 0 of 3 attempts left')).toBeTruthy();
  });

  describe('with a running clock', () => {
    beforeEach(() => jest.useFakeTimers({ now: Date.parse('2030-01-01T12:00:00.000Z') }));
    afterEach(() => jest.useRealTimers());

    it('counts the cool-down down before the learner may try again', async () => {
      const after = standing({
        attemptsUsed: 1,
        attemptsRemaining: 2,
        nextAttemptAt: '2030-01-01T12:00:03.000Z',
        canSubmit: false,
      });
      const mock = submitMock(WRONG, attempt(false, after));
      const user = renderQuiz([mock], { fakeTimers: true });
      await answer(user, WRONG);
      await user.click(screen.getByRole('button', { name: 'Submit answers' }));

      const wait = await screen.findByRole<HTMLButtonElement>('button', { name: 'Try again in 3 s' });
      expect(wait.disabled).toBe(true);
      await act(async () => void (await jest.advanceTimersByTimeAsync(1000)));
      expect(screen.getByRole('button', { name: 'Try again in 2 s' })).toBeTruthy();
      await act(async () => void (await jest.advanceTimersByTimeAsync(2000)));
      const again = screen.getByRole<HTMLButtonElement>('button', { name: 'Try again' });
      expect(again.disabled).toBe(false);
      await user.click(again);
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit answers' }).disabled).toBe(false);
    });

    it('does not let a learner submit while a cool-down from an earlier visit runs', async () => {
      renderQuiz([], {
        quiz: standing({ attemptsUsed: 1, attemptsRemaining: 2, nextAttemptAt: '2030-01-01T12:00:10.000Z' }),
        fakeTimers: true,
      });
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit answers' }).disabled).toBe(true);
      expect(screen.getByText('Try again in 10 s.')).toBeTruthy();
      await act(async () => void (await jest.advanceTimersByTimeAsync(10_000)));
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit answers' }).disabled).toBe(false);
      expect(screen.queryByText(/Try again in/)).toBeNull();
    });
  });

  it('does not let a learner without attempts left submit', () => {
    renderQuiz([], {
      quiz: standing({ attemptsUsed: 3, attemptsRemaining: 0, answerKeyRevealed: true, canSubmit: false }),
    });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit answers' }).disabled).toBe(true);
    expect(screen.getByText('You have used every attempt at this quiz.')).toBeTruthy();
  });

  it('does not let a learner who has passed submit again', () => {
    renderQuiz([], {
      quiz: standing({
        attemptsUsed: 1,
        attemptsRemaining: 2,
        passed: true,
        answerKeyRevealed: true,
        canSubmit: false,
      }),
    });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit answers' }).disabled).toBe(true);
    expect(screen.getByText('You have passed this quiz.')).toBeTruthy();
  });

  it('sends only the questions that were answered; an unlimited quiz counts no attempts left', async () => {
    const practice = { ...quizContent, maxAttempts: null, cooldownSeconds: 0 };
    const mock = submitMock(
      [{ questionId: 'q2', optionIds: ['q2-get'] }],
      attempt(false, standing({ attemptsUsed: 1, attemptsRemaining: null })),
    );
    const user = renderQuiz([mock], { content: practice, quiz: standing({ attemptsRemaining: null }) });
    expect(screen.getByText('2 questions · pass mark 50% · unlimited attempts')).toBeTruthy();
    await user.click(screen.getByRole('checkbox', { name: 'kubectl get' }));
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));

    expect((await screen.findByRole('status')).textContent).toBe(
      'You scored 0% — not passed yet. You need 50% to pass.Try again',
    );
    expect(mock.result).toHaveBeenCalledTimes(1);
  });

  it('clears the answers and the result when the learner tries again', async () => {
    const mock = submitMock(WRONG, attempt(false, standing({ attemptsUsed: 1, attemptsRemaining: 2 })));
    const user = renderQuiz([mock]);
    await answer(user, WRONG);
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));
    await user.click(await screen.findByRole('button', { name: 'Try again' }));

    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryAllByRole('note')).toEqual([]);
    expect(chosen()).toEqual([]);
    expect((question(/Question 1/) as HTMLFieldSetElement).disabled).toBe(false);
    expect(screen.getByRole('button', { name: 'Submit answers' })).toBeTruthy();
  });

  it.each([
    ['EMPTY_SUBMISSION', [], 'Choose an answer to at least one question before submitting.'],
    [
      'QUIZ_COOLDOWN',
      [{ questionId: 'q1', optionIds: ['q1-pod'] }],
      'You can try this quiz again in 12 seconds.',
    ],
    [
      'NOT_ENROLLED',
      [{ questionId: 'q1', optionIds: ['q1-pod'] }],
      'Enroll in the course to take this quiz.',
    ],
  ])(
    'shows the %s userError from quizSubmit and keeps the answers for another go',
    async (code, answers, message) => {
      const mock = submitMock(answers, {
        attempt: null,
        enrollment: null,
        userErrors: [{ __typename: 'UserError', code, message }],
      });
      const user = renderQuiz([mock]);
      await answer(user, answers);
      await user.click(screen.getByRole('button', { name: 'Submit answers' }));

      expect((await screen.findByRole('alert')).textContent).toBe(message);
      expect(chosen()).toEqual(answers.flatMap((a) => a.optionIds));
      expect(screen.queryByRole('status')).toBeNull();
      expect(mock.result).toHaveBeenCalledTimes(1);
    },
  );

  it('says submitting failed when the request itself fails', async () => {
    const user = renderQuiz([
      {
        request: {
          query: QuizSubmitMutation,
          variables: {
            input: { lessonId: LESSON_ID, answers: [{ questionId: 'q1', optionIds: ['q1-pod'] }] },
          },
        },
        error: new Error('offline'),
      },
    ]);
    await user.click(screen.getByRole('radio', { name: 'Pod' }));
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Submitting failed. Please try again.');
  });

  it('does not let a learner who is not enrolled submit', () => {
    renderQuiz([], { enrolled: false });
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit answers' }).disabled).toBe(true);
  });
});
