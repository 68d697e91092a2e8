/**
 * @jest-environment jsdom
 *
 * The quiz lesson: choosing answers (one option or several), submitting exactly the chosen option
 * ids to `quizSubmit`, and showing the graded attempt or the server's userErrors.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QuizSubmitMutation } from '../../src/graphql/operations';
import { QuizLesson } from '../../src/pages/lesson/QuizLesson';
import { LESSON_ID, lesson, quizContent } from './fixtures';

type Answers = { questionId: string; optionIds: string[] }[];

function submitMock(
  answers: Answers,
  payload: Record<string, unknown>,
): MockedResponse & { result: jest.Mock } {
  return {
    request: { query: QuizSubmitMutation, variables: { input: { lessonId: LESSON_ID, answers } } },
    result: jest.fn(() => ({ data: { quizSubmit: { __typename: 'QuizSubmitPayload', ...payload } } })),
  };
}

const progress = (status: 'COMPLETED' | 'IN_PROGRESS') => ({
  __typename: 'LessonProgress',
  status,
  positionSeconds: 0,
  completedAt: status === 'COMPLETED' ? '2030-01-01T12:00:00.000Z' : null,
});

function attempt(scorePercent: number, passed: boolean) {
  return {
    attempt: {
      __typename: 'QuizAttempt',
      id: 'QXR0ZW1wdDox',
      scorePercent,
      passed,
      submittedAt: '2030-01-01T12:00:00.000Z',
      results: [
        {
          __typename: 'QuizQuestionResult',
          questionId: 'q1',
          selectedOptionIds: ['q1-pod'],
          correct: true,
          correctOptionIds: ['q1-pod'],
          explanation: 'Pods run containers.',
        },
        {
          __typename: 'QuizQuestionResult',
          questionId: 'q2',
          selectedOptionIds: ['q2-apply'],
          correct: false,
          correctOptionIds: ['q2-apply', 'q2-delete'],
          explanation: null,
        },
      ],
      lesson: {
        __typename: 'Lesson',
        id: LESSON_ID,
        viewerProgress: progress(passed ? 'COMPLETED' : 'IN_PROGRESS'),
      },
    },
    enrollment: null,
    userErrors: [],
  };
}

function renderQuiz(mocks: MockedResponse[], enrolled = true) {
  const user = userEvent.setup();
  render(
    <MockedProvider mocks={mocks}>
      <QuizLesson lesson={lesson(quizContent)} content={quizContent} enrolled={enrolled} />
    </MockedProvider>,
  );
  return user;
}

const question = (name: RegExp) => screen.getByRole('group', { name });
/** The values of every checked radio button and checkbox, in document order. */
const chosen = () =>
  [...document.querySelectorAll<HTMLInputElement>('input:checked')].map((input) => input.value);

describe('QuizLesson', () => {
  it('shows each question with radio buttons for one answer and checkboxes for several', () => {
    renderQuiz([]);
    expect(screen.getByText(/2 questions · pass mark 50%/)).toBeTruthy();
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

  it('submits exactly the chosen option ids and shows the score with per-question feedback', async () => {
    const mock = submitMock(
      [
        { questionId: 'q1', optionIds: ['q1-pod'] },
        { questionId: 'q2', optionIds: ['q2-apply', 'q2-delete'] },
      ],
      attempt(50, true),
    );
    const user = renderQuiz([mock]);
    await user.click(screen.getByRole('radio', { name: 'Namespace' }));
    await user.click(screen.getByRole('radio', { name: 'Pod' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl apply' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl get' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl delete' }));
    await user.click(screen.getByRole('checkbox', { name: 'kubectl get' }));
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));

    const status = await screen.findByRole('status');
    expect(status.textContent).toBe('You scored 50% — passed. This lesson is complete.Try again');
    expect(mock.result).toHaveBeenCalledTimes(1);

    const [first, second] = screen.getAllByRole('note');
    expect(first!.textContent).toBe('CorrectPods run containers.');
    expect(second!.textContent).toBe('Incorrect');
    expect(question(/Question 1/).className).toBe('question correct');
    expect(question(/Question 2/).className).toBe('question incorrect');
    expect((question(/Question 2/) as HTMLFieldSetElement).disabled).toBe(true);
    // The correct options are marked, for sighted and screen-reader users alike.
    expect(screen.getAllByText('(correct answer)').map((mark) => mark.closest('label')!.textContent)).toEqual(
      ['Pod (correct answer)', 'kubectl apply (correct answer)', 'kubectl delete (correct answer)'],
    );
  });

  it('sends only the questions that were answered', async () => {
    const mock = submitMock([{ questionId: 'q2', optionIds: ['q2-get'] }], attempt(0, false));
    const user = renderQuiz([mock]);
    await user.click(screen.getByRole('checkbox', { name: 'kubectl get' }));
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));

    expect((await screen.findByRole('status')).textContent).toBe(
      'You scored 0% — not passed yet. You need 50% to pass.Try again',
    );
    expect(mock.result).toHaveBeenCalledTimes(1);
  });

  it('clears the answers and the result when the learner tries again', async () => {
    const mock = submitMock([{ questionId: 'q1', optionIds: ['q1-svc'] }], attempt(0, false));
    const user = renderQuiz([mock]);
    await user.click(screen.getByRole('radio', { name: 'Service' }));
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));
    await user.click(await screen.findByRole('button', { name: 'Try again' }));

    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.queryAllByRole('note')).toEqual([]);
    expect(chosen()).toEqual([]);
    expect((question(/Question 1/) as HTMLFieldSetElement).disabled).toBe(false);
    expect(screen.getByRole('button', { name: 'Submit answers' })).toBeTruthy();
  });

  it('shows the first userError from quizSubmit and keeps the answers for another go', async () => {
    const mock = submitMock([{ questionId: 'q1', optionIds: ['q1-pod'] }], {
      attempt: null,
      enrollment: null,
      userErrors: [
        { __typename: 'UserError', code: 'NOT_ENROLLED', message: 'Enroll in the course to take this quiz.' },
      ],
    });
    const user = renderQuiz([mock]);
    await user.click(screen.getByRole('radio', { name: 'Pod' }));
    await user.click(screen.getByRole('button', { name: 'Submit answers' }));

    expect((await screen.findByRole('alert')).textContent).toBe('Enroll in the course to take this quiz.');
    expect(chosen()).toEqual(['q1-pod']);
    expect(screen.queryByRole('status')).toBeNull();
  });

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
    renderQuiz([], false);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Submit answers' }).disabled).toBe(true);
  });
});
