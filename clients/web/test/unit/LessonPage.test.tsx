/**
 * @jest-environment jsdom
 *
 * The lesson page around a lab: the viewer's session comes with the lesson (normalised into the
 * cache, where the lab reads it), a lab lesson offers no "Mark as complete", and the labs subgraph
 * being unavailable leaves the lesson readable while any other subgraph error still fails the page.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { createCache } from '../../src/cache';
import { LessonExtrasQuery, LessonPageQuery, LessonSummarizeMutation } from '@learncraft/operations';
import { canAuthorCourse } from '../../src/lib/roles';
import LessonPage from '../../src/pages/LessonPage';
import { LESSON_ID, labContent, labSession } from './fixtures';

const SLUG = 'the-linux-command-line';

function lessonPageMock(
  viewerLabSession: ReturnType<typeof labSession> | null,
  errors?: { message: string; extensions: Record<string, string> }[],
): MockedResponse {
  return {
    request: { query: LessonPageQuery, variables: { slug: SLUG, lessonId: LESSON_ID } },
    result: {
      data: {
        course: {
          __typename: 'Course',
          id: 'Q291cnNlOjU=',
          slug: SLUG,
          title: 'The Linux Command Line',
          modules: [
            {
              __typename: 'Module',
              id: 'TW9kdWxlOjE=',
              title: 'Files',
              position: 1,
              lessons: [
                {
                  __typename: 'Lesson',
                  id: LESSON_ID,
                  title: 'Files in practice',
                  kind: 'LAB',
                  position: 1,
                  viewerProgress: null,
                },
              ],
            },
          ],
          lesson: {
            __typename: 'Lesson',
            id: LESSON_ID,
            title: 'Files in practice',
            kind: 'LAB',
            position: 1,
            durationSeconds: 1800,
            viewerProgress: null,
            content: labContent,
            viewerLabSession,
          },
          price: null,
          viewerAccess: { __typename: 'CourseAccess', hasAccess: true, reason: 'FREE', expiresAt: null },
          viewerEnrollment: {
            __typename: 'Enrollment',
            id: 'RW5yb2xsbWVudDox',
            progressPercent: 0,
            enrolledAt: '2030-01-01T11:00:00.000Z',
            completedAt: null,
            lastActivityAt: null,
          },
        },
      },
      errors,
    },
  };
}

function renderPage(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter initialEntries={[`/courses/${SLUG}/lessons/${LESSON_ID}`]}>
        <Routes>
          <Route path="/courses/:slug/lessons/:lessonId" element={<LessonPage />} />
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

describe('LessonPage with a lab lesson', () => {
  it("shows the viewer's session from the lesson query, and no Mark as complete", async () => {
    renderPage([lessonPageMock(labSession({ status: 'STOPPED' }))]);
    await screen.findByRole('heading', { level: 1, name: 'Files in practice' });
    expect(document.title).toBe('Files in practice · The Linux Command Line — LearnCraft');
    expect(document.querySelector('.lab-status p')!.textContent).toBe(
      'Status: Stopped — You stopped this session; its sandbox has been deleted.',
    );
    expect(screen.getByRole('button', { name: 'Start a new session' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Mark as/ })).toBeNull();
  });

  it('stays readable when only the labs subgraph is unavailable, and says sandboxes are', async () => {
    renderPage([
      lessonPageMock(null, [
        {
          message: 'Subgraph "labs" is unavailable: connection refused.',
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'labs' },
        },
      ]),
    ]);
    await screen.findByRole('heading', { level: 1, name: 'Files in practice' });
    expect(
      screen.getByText('Lab sandboxes are unavailable at the moment. Please try again in a few minutes.'),
    ).toBeTruthy();
    expect(screen.getByRole('heading', { level: 3, name: /Make a directory/ })).toBeTruthy();
    expect(screen.queryByText('The lesson could not be loaded')).toBeNull();
  });

  it('fails as before when another subgraph is unavailable', async () => {
    renderPage([
      lessonPageMock(null, [
        {
          message: 'Subgraph "progress" is unavailable: connection refused.',
          extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'progress' },
        },
      ]),
    ]);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The lesson could not be loadedSubgraph "progress" is unavailable: connection refused.Try again',
    );
    expect(screen.queryByRole('heading', { level: 1 })).toBeNull();
  });
});

const COURSE_ID = 'Q291cnNlOjU=';
const summary = {
  __typename: 'LessonSummary',
  summary: 'You practise **files** in a shell.',
  keyPoints: ['mkdir makes a directory', 'echo writes text'],
  offline: true,
  generatedAt: '2030-01-01T12:00:00.000Z',
};

function extrasMock(
  viewer: { id: string; roles: string[] },
  lessonSummary: typeof summary | null,
): MockedResponse {
  return {
    request: { query: LessonExtrasQuery, variables: { slug: SLUG, lessonId: LESSON_ID } },
    result: {
      data: {
        me: { __typename: 'User', ...viewer },
        course: {
          __typename: 'Course',
          id: COURSE_ID,
          instructors: [{ __typename: 'User', id: 'instructor-1' }],
          lesson: { __typename: 'Lesson', id: LESSON_ID, summary: lessonSummary },
        },
      },
    },
  };
}

describe('LessonPage with a lesson summary', () => {
  it("shows learners the lesson's summary and key points, without the instructor's button", async () => {
    renderPage([lessonPageMock(null), extrasMock({ id: 'learner-1', roles: ['LEARNER'] }, summary)]);
    await screen.findByRole('heading', { level: 2, name: /^Summary/ });
    expect(document.querySelector('.lesson-summary .markdown')!.innerHTML).toContain(
      '<strong>files</strong>',
    );
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(
      expect.arrayContaining(['mkdir makes a directory', 'echo writes text']),
    );
    expect(screen.queryByRole('button', { name: 'Summarize with the tutor' })).toBeNull();
  });

  it('shows nothing to learners while a lesson has no summary', async () => {
    renderPage([lessonPageMock(null), extrasMock({ id: 'learner-1', roles: ['LEARNER'] }, null)]);
    await screen.findByRole('heading', { level: 1, name: 'Files in practice' });
    expect(screen.queryByRole('heading', { name: /^Summary/ })).toBeNull();
  });

  it("lets the course's instructor have the summary written, and shows it", async () => {
    renderPage([
      lessonPageMock(null),
      extrasMock({ id: 'instructor-1', roles: ['LEARNER', 'INSTRUCTOR'] }, null),
      {
        request: { query: LessonSummarizeMutation, variables: { input: { lessonId: LESSON_ID } } },
        result: {
          data: {
            lessonSummarize: {
              __typename: 'LessonSummarizePayload',
              lesson: { __typename: 'Lesson', id: LESSON_ID, summary },
              userErrors: [],
            },
          },
        },
      },
    ]);
    fireEvent.click(await screen.findByRole('button', { name: 'Summarize with the tutor' }));
    await screen.findByText('echo writes text');
    expect(screen.getByRole('heading', { level: 2, name: /^Summary/ }).textContent).toBe(
      'SummaryOffline tutor',
    );
  });
});

describe('canAuthorCourse', () => {
  it("is true for the course's instructors and admins only", () => {
    const instructors = [{ id: 'instructor-1' }];
    expect(canAuthorCourse({ id: 'instructor-1', roles: ['LEARNER', 'INSTRUCTOR'] }, instructors)).toBe(true);
    expect(canAuthorCourse({ id: 'admin-1', roles: ['LEARNER', 'ADMIN'] }, instructors)).toBe(true);
    expect(canAuthorCourse({ id: 'instructor-2', roles: ['LEARNER', 'INSTRUCTOR'] }, instructors)).toBe(
      false,
    );
    expect(canAuthorCourse(null, instructors)).toBe(false);
  });
});
