/** The dashboard: enrollments with progress bars that move live through `progressUpdated`. */
import { act, screen, userEvent } from '@testing-library/react-native';
import DashboardScreen from '../../src/screens/DashboardScreen';
import { expectEveryControlLabelled } from './a11y';
import { renderScreen } from './harness';
import { ANONYMOUS } from './stubs/session';

jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});

const LESSONS = [
  { status: 'COMPLETED', positionSeconds: 0, lesson: { id: 'lesson-1', title: 'Why types', kind: 'VIDEO' } },
  {
    status: 'IN_PROGRESS',
    positionSeconds: 68,
    lesson: { id: 'lesson-2', title: 'Your first type', kind: 'VIDEO' },
  },
];

function enrollment(id: string, courseId: string, title: string, progressPercent: number) {
  return {
    id,
    progressPercent,
    enrolledAt: '2026-11-01T10:00:00.000Z',
    completedAt: null,
    lastActivityAt: '2026-11-02T10:00:00.000Z',
    course: { id: courseId, slug: courseId, title, thumbnailUrl: null, lessonCount: 2 },
    lessons: LESSONS,
  };
}

const ME = {
  id: 'user-1',
  displayName: 'Ada Learner',
  enrollments: {
    totalCount: 2,
    edges: [
      { cursor: 'c1', node: enrollment('enrollment-1', 'course-ts', 'TypeScript Basics', 40) },
      { cursor: 'c2', node: enrollment('enrollment-2', 'course-k8s', 'Kubernetes Intro', 10) },
    ],
  },
};

test('a progressUpdated event moves that course’s progress bar and only that one', async () => {
  const { publish, subscriptions } = await renderScreen('Tabs', DashboardScreen, undefined, {
    resolvers: { Query: { me: () => ME } },
  });
  expect(
    await screen.findByRole('progressbar', { name: 'TypeScript Basics progress' }),
  ).toHaveAccessibilityValue({
    now: 40,
  });
  expect(screen.getByText('40% complete')).toBeOnTheScreen();
  expect(screen.getByText('10% complete')).toBeOnTheScreen();
  expect(screen.getByText('Welcome back, Ada Learner.')).toBeOnTheScreen();
  expect(subscriptions('progressUpdated')).toEqual([{ courseId: 'course-ts' }, { courseId: 'course-k8s' }]);
  expectEveryControlLabelled();

  await act(() =>
    publish(
      'progressUpdated',
      {
        kind: 'LESSON_COMPLETED',
        at: '2026-12-01T15:00:00.000Z',
        lesson: { id: 'lesson-2', title: 'Your first type' },
        enrollment: {
          ...enrollment('enrollment-1', 'course-ts', 'TypeScript Basics', 75),
          lessons: [LESSONS[0], { ...LESSONS[1], status: 'COMPLETED' }],
        },
      },
      { courseId: 'course-ts' },
    ),
  );

  expect(await screen.findByText('75% complete')).toBeOnTheScreen();
  expect(screen.getByRole('progressbar', { name: 'TypeScript Basics progress' })).toHaveAccessibilityValue({
    now: 75,
  });
  expect(screen.queryByText('40% complete')).not.toBeOnTheScreen();
  expect(screen.getByText('10% complete')).toBeOnTheScreen();
});

test('"Continue" opens the first unfinished lesson at the position reached', async () => {
  const user = userEvent.setup();
  await renderScreen('Tabs', DashboardScreen, undefined, { resolvers: { Query: { me: () => ME } } });
  const buttons = await screen.findAllByRole('button', { name: 'Continue: Your first type (at 1:08)' });
  await user.press(buttons[0]!);
  expect(
    await screen.findByText('Opened Lesson {"lessonId":"lesson-2","courseSlug":"course-ts"}'),
  ).toBeOnTheScreen();
});

test('a learner with no enrollments is pointed to the catalog', async () => {
  await renderScreen('Tabs', DashboardScreen, undefined, {
    resolvers: { Query: { me: () => ({ ...ME, enrollments: { totalCount: 0, edges: [] } }) } },
  });
  expect(await screen.findByText('You have not enrolled in any course yet')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Find a course' })).toBeOnTheScreen();
});

test('an anonymous viewer is asked to log in instead', async () => {
  const user = userEvent.setup();
  await renderScreen('Tabs', DashboardScreen, undefined, { session: ANONYMOUS });
  expect(screen.getByText('Log in to see your courses and your progress.')).toBeOnTheScreen();
  await user.press(screen.getByRole('button', { name: 'Log in' }));
  expect(await screen.findByText('Opened Login {}')).toBeOnTheScreen();
});

test('progress that cannot be loaded shows an error with a retry', async () => {
  await renderScreen('Tabs', DashboardScreen, undefined, {
    resolvers: { Query: { me: () => ({ ...ME, enrollments: null }) } },
  });
  expect(await screen.findByText('Progress is unavailable right now.')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Try again' })).toBeOnTheScreen();
});
