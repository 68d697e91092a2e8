/**
 * The quiz lesson: the answers chosen go to the outbox as `quizSubmit`; sent online, the result is
 * exactly the server's grading; queued offline, the learner is told the answers are saved, and the
 * grading shows when the outbox reports it.
 */
import { act, fireEvent, render, screen } from '@testing-library/react-native';
import type { QuizSubmitPayload } from '../../src/offline/OutboxContext';
import { QuizLesson } from '../../src/screens/lesson/QuizLesson';
import type { LessonData } from '../../src/screens/lesson/types';
import { fakeOutbox } from './fakeOffline';
import { LESSON_ID, lesson, quizContent } from './fixtures';

jest.mock(
  '../../src/offline/OutboxContext',
  () => jest.requireActual<typeof import('./fakeOffline')>('./fakeOffline').outboxModule,
);

type Standing = NonNullable<NonNullable<LessonData['viewerProgress']>['quiz']>;

const standing = (overrides: Partial<Standing> = {}): Standing => ({
  attemptsUsed: 1,
  attemptsRemaining: 2,
  passed: false,
  answerKeyRevealed: false,
  nextAttemptAt: null,
  canSubmit: true,
  ...overrides,
});

/** A half-right attempt, as the server grades it. */
function graded(): QuizSubmitPayload {
  return {
    attempt: {
      id: 'QXR0ZW1wdDox',
      scorePercent: 50,
      passed: false,
      submittedAt: '2030-01-01T12:00:00.000Z',
      answerKeyRevealed: false,
      results: [
        {
          questionId: 'q1',
          selectedOptionIds: ['q1-pod'],
          correct: true,
          incorrectOptionIds: [],
          correctOptionIds: null,
          explanation: 'Pods run containers.',
        },
        {
          questionId: 'q2',
          selectedOptionIds: ['q2-apply', 'q2-get'],
          correct: false,
          incorrectOptionIds: ['q2-get'],
          correctOptionIds: null,
          explanation: null,
        },
      ],
      lesson: {
        id: LESSON_ID,
        viewerProgress: {
          status: 'IN_PROGRESS',
          positionSeconds: 0,
          completedAt: null,
          quiz: standing(),
        },
      },
    },
    enrollment: null,
    userErrors: [],
  };
}

async function answerAndSubmit() {
  await fireEvent.press(screen.getByRole('radio', { name: 'Pod' }));
  await fireEvent.press(screen.getByRole('checkbox', { name: 'kubectl apply' }));
  await fireEvent.press(screen.getByRole('checkbox', { name: 'kubectl get' }));
  await fireEvent.press(screen.getByRole('button', { name: 'Submit answers' }));
}

const SUBMITTED = {
  kind: 'quizSubmit',
  lessonId: LESSON_ID,
  answers: [
    { questionId: 'q1', optionIds: ['q1-pod'] },
    { questionId: 'q2', optionIds: ['q2-apply', 'q2-get'] },
  ],
};

beforeEach(() => fakeOutbox.reset());

test('submitted online, the quiz shows the score, the verdict and each question as the server graded them', async () => {
  fakeOutbox.answer = () => ({ status: 'sent', result: graded() });
  await render(<QuizLesson lesson={lesson(quizContent)} content={quizContent} enrolled />);
  await answerAndSubmit();

  expect(fakeOutbox.sent).toEqual([SUBMITTED]);
  expect(screen.getByRole('status')).toHaveTextContent(
    'Not passed — you scored 50%. You need 70% to pass. 2 attempts left.',
  );
  expect(screen.getByText('Correct')).toBeOnTheScreen();
  expect(screen.getByText('Pods run containers.')).toBeOnTheScreen();
  expect(screen.getByText('Incorrect')).toBeOnTheScreen();
  expect(screen.getByText('✗ Your choice was wrong')).toBeOnTheScreen();
  // The answer key was not revealed by the server, so no option is marked as the correct one.
  expect(screen.queryByText('✓ Correct answer')).not.toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Try again' })).toBeOnTheScreen();
});

test('a userError from the server is shown as it came, with the answers still editable', async () => {
  fakeOutbox.answer = () => ({
    status: 'sent',
    result: {
      attempt: null,
      enrollment: null,
      userErrors: [{ code: 'COOLDOWN', message: 'Wait 30 s before trying again.' }],
    },
  });
  await render(<QuizLesson lesson={lesson(quizContent)} content={quizContent} enrolled />);
  await answerAndSubmit();
  expect(screen.getByText('Wait 30 s before trying again.')).toBeOnTheScreen();
  expect(screen.queryByText(/you scored/)).not.toBeOnTheScreen();
  expect(screen.getByRole('radio', { name: 'Pod' })).toBeEnabled();
});

test('submitted offline, the quiz says the answers are saved, then shows the grading when the server has given it', async () => {
  fakeOutbox.answer = () => ({ status: 'queued' });
  await render(<QuizLesson lesson={lesson(quizContent)} content={quizContent} enrolled />);
  await answerAndSubmit();

  expect(fakeOutbox.sent).toEqual([SUBMITTED]);
  expect(
    screen.getByText('Your answers are saved on this device and will be graded when you are back online.'),
  ).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Submit answers' })).toBeDisabled();
  expect(screen.queryByText(/you scored/)).not.toBeOnTheScreen();

  await act(() =>
    fakeOutbox.settle(LESSON_ID, { status: 'sent', result: graded(), queuedAt: '2030-01-01T11:59:00.000Z' }),
  );
  expect(screen.getByRole('status')).toHaveTextContent(
    'Not passed — you scored 50%. You need 70% to pass. 2 attempts left.',
  );
  expect(screen.queryByText(/will be graded when you are back online/)).not.toBeOnTheScreen();
});

test('a passed quiz says so and offers no new attempt', async () => {
  const passed = lesson(quizContent, {
    status: 'COMPLETED',
    positionSeconds: 0,
    completedAt: '2030-01-01T12:00:00.000Z',
    quiz: standing({ passed: true }),
  });
  await render(<QuizLesson lesson={passed} content={quizContent} enrolled />);
  expect(screen.getByText('2 questions · pass mark 70% · ✓ passed')).toBeOnTheScreen();
  expect(screen.getByText('You have passed this quiz.')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Submit answers' })).toBeDisabled();
});
