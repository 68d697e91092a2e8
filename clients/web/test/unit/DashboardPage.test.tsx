/**
 * @jest-environment jsdom
 *
 * Progress on the dashboard: the progress bar's value and text, the "Continue" link to the first
 * lesson not yet completed (with the saved video position), the completed and empty states, and a
 * live `progressUpdated` event moving the card on. Apollo runs with the app's own cache policies.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { createCache } from '../../src/cache';
import { ProgressBar } from '../../src/components/ProgressBar';
import { DashboardQuery, ProgressUpdatedSubscription } from '@learncraft/operations';
import DashboardPage from '../../src/pages/DashboardPage';

describe('ProgressBar', () => {
  it('exposes the percentage as a labelled progressbar and as text', () => {
    render(<ProgressBar percent={37} label="Kubernetes Basics progress" />);
    const bar = screen.getByRole('progressbar', { name: 'Kubernetes Basics progress' });
    expect([
      bar.getAttribute('aria-valuemin'),
      bar.getAttribute('aria-valuemax'),
      bar.getAttribute('aria-valuenow'),
    ]).toEqual(['0', '100', '37']);
    expect((bar.firstElementChild as HTMLElement).style.width).toBe('37%');
    expect(screen.getByText('37% complete')).toBeTruthy();
  });

  it.each([
    [-5, '0'],
    [0, '0'],
    [100, '100'],
    [140, '100'],
  ])('keeps %p within 0 to 100 (shown as %p)', (percent, shown) => {
    render(<ProgressBar percent={percent} label="Course progress" />);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe(shown);
    expect(screen.getByText(`${shown}% complete`)).toBeTruthy();
  });
});

type Status = 'NOT_STARTED' | 'IN_PROGRESS' | 'COMPLETED';
const lessonRow = (id: string, title: string, status: Status, positionSeconds = 0) => ({
  __typename: 'LessonProgress',
  status,
  positionSeconds,
  lesson: { __typename: 'Lesson', id, title, kind: 'VIDEO' },
});

const course = {
  __typename: 'Course',
  id: 'Q291cnNlOjE=',
  slug: 'kubernetes-basics',
  title: 'Kubernetes Basics',
  thumbnailUrl: null,
  lessonCount: 3,
};

function enrollment(
  progressPercent: number,
  lessons: ReturnType<typeof lessonRow>[],
  completedAt: string | null = null,
) {
  return {
    __typename: 'Enrollment',
    id: 'RW5yb2xsbWVudDox',
    progressPercent,
    enrolledAt: '2030-01-01T10:00:00.000Z',
    completedAt,
    lastActivityAt: '2030-01-01T11:00:00.000Z',
    course,
    lessons,
  };
}

function dashboardMock(nodes: ReturnType<typeof enrollment>[] | null): MockedResponse {
  return {
    request: { query: DashboardQuery },
    result: {
      data: {
        me: {
          __typename: 'User',
          id: 'VXNlcjox',
          displayName: 'Ana Learner',
          enrollments: nodes && {
            __typename: 'EnrollmentConnection',
            totalCount: nodes.length,
            edges: nodes.map((node) => ({ __typename: 'EnrollmentEdge', cursor: `c-${node.id}`, node })),
          },
        },
      },
    },
  };
}

function progressEvent(node: ReturnType<typeof enrollment>, delay: number): MockedResponse {
  const { course: _course, ...fields } = node;
  return {
    request: { query: ProgressUpdatedSubscription, variables: { courseId: course.id } },
    delay,
    result: {
      data: {
        progressUpdated: {
          __typename: 'ProgressEvent',
          kind: 'LESSON_COMPLETED',
          at: '2030-01-01T12:00:00.000Z',
          lesson: { __typename: 'Lesson', id: 'l2', title: 'Pods' },
          enrollment: fields,
        },
      },
    },
  };
}

function renderDashboard(mocks: MockedResponse[]) {
  return render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter>
        <DashboardPage />
      </MemoryRouter>
    </MockedProvider>,
  );
}

const started = enrollment(33, [
  lessonRow('l1', 'Welcome', 'COMPLETED'),
  lessonRow('l2', 'Pods', 'IN_PROGRESS', 65),
  lessonRow('l3', 'Services', 'NOT_STARTED'),
]);
/** An event that changes nothing, so cards not under test see a live subscription too. */
const quiet = (node: ReturnType<typeof enrollment>) => progressEvent(node, 0);

describe('DashboardPage', () => {
  it('shows each enrollment with its progress and a link to continue at the first lesson not completed', async () => {
    renderDashboard([dashboardMock([started]), quiet(started)]);

    const card = (await screen.findByRole('heading', { name: 'Kubernetes Basics' })).closest('li')!;
    expect(screen.getByText('Welcome back, Ana Learner.')).toBeTruthy();
    expect(within(card).getByRole('link', { name: 'Kubernetes Basics' }).getAttribute('href')).toBe(
      '/courses/kubernetes-basics',
    );
    expect(
      within(card)
        .getByRole('progressbar', { name: 'Kubernetes Basics progress' })
        .getAttribute('aria-valuenow'),
    ).toBe('33');
    const next = within(card).getByRole('link', { name: 'Continue: Pods (at 1:05)' });
    expect(next.getAttribute('href')).toBe('/courses/kubernetes-basics/lessons/l2');
    expect(document.title).toBe('My learning — LearnCraft');
  });

  it('leaves out the position when the next lesson has not been started', async () => {
    const fresh = enrollment(0, [
      lessonRow('l1', 'Welcome', 'NOT_STARTED'),
      lessonRow('l2', 'Pods', 'NOT_STARTED'),
    ]);
    renderDashboard([dashboardMock([fresh]), quiet(fresh)]);
    const next = await screen.findByRole('link', { name: /^Continue:/ });
    expect(next.textContent).toBe('Continue: Welcome');
    expect(next.getAttribute('href')).toBe('/courses/kubernetes-basics/lessons/l1');
  });

  it('shows a completed course without a continue link', async () => {
    const done = enrollment(100, [lessonRow('l1', 'Welcome', 'COMPLETED')], '2030-01-01T11:30:00.000Z');
    renderDashboard([dashboardMock([done]), quiet(done)]);
    expect(await screen.findByText('✓ Course completed')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.queryByRole('link', { name: /^Continue/ })).toBeNull();
  });

  it('moves the card on when a progressUpdated event arrives', async () => {
    const after = enrollment(67, [
      lessonRow('l1', 'Welcome', 'COMPLETED'),
      lessonRow('l2', 'Pods', 'COMPLETED', 120),
      lessonRow('l3', 'Services', 'NOT_STARTED'),
    ]);
    renderDashboard([dashboardMock([started]), progressEvent(after, 50)]);

    expect((await screen.findByRole('link', { name: /^Continue:/ })).textContent).toBe(
      'Continue: Pods (at 1:05)',
    );
    expect((await screen.findByRole('link', { name: 'Continue: Services' })).getAttribute('href')).toBe(
      '/courses/kubernetes-basics/lessons/l3',
    );
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('67');
    expect(screen.getByText('67% complete')).toBeTruthy();
  });

  it('invites a learner without enrollments to find a course', async () => {
    renderDashboard([dashboardMock([])]);
    expect(
      await screen.findByRole('heading', { name: 'You have not enrolled in any course yet' }),
    ).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Find a course' }).getAttribute('href')).toBe('/search');
  });

  it('says progress is unavailable when the enrollments could not be resolved', async () => {
    renderDashboard([dashboardMock(null)]);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading').textContent).toBe('Your courses could not be loaded');
    expect(within(alert).getByText('Progress is unavailable right now.')).toBeTruthy();
    expect(within(alert).getByRole('button', { name: 'Try again' })).toBeTruthy();
  });
});
