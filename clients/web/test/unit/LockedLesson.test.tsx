/**
 * @jest-environment jsdom
 *
 * A lesson of a paid course the viewer has no access to comes as LockedContent: the page shows a
 * locked panel with the Buy and Subscribe actions instead of the material, and no enrol notice,
 * summary or tutor.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { createCache } from '../../src/cache';
import { LessonExtrasQuery, LessonPageQuery } from '@learncraft/operations';
import LessonPage from '../../src/pages/LessonPage';
import { COURSE_ID, COURSE_SLUG, paidCourse, plansMock, syllabusLesson, usd } from './commerceFixtures';

const LESSON_ID = 'lesson-2';
const variables = { slug: COURSE_SLUG, lessonId: LESSON_ID };

function lessonPageMock(reason: string): MockedResponse {
  return {
    request: { query: LessonPageQuery, variables },
    result: {
      data: {
        course: {
          ...paidCourse,
          modules: [
            {
              __typename: 'Module',
              id: 'module-1',
              title: 'Foundations',
              position: 1,
              lessons: [
                syllabusLesson('lesson-1', 'Why types compute', 1),
                syllabusLesson(LESSON_ID, 'Conditional types', 2),
              ],
            },
          ],
          lesson: {
            __typename: 'Lesson',
            id: LESSON_ID,
            title: 'Conditional types',
            kind: 'READING',
            position: 2,
            durationSeconds: 600,
            viewerProgress: null,
            content: { __typename: 'LockedContent', reason },
            viewerLabSession: null,
          },
          viewerEnrollment: null,
          price: usd(7900),
          viewerAccess: { __typename: 'CourseAccess', hasAccess: false, reason, expiresAt: null },
        },
      },
    },
  };
}

const extrasMock: MockedResponse = {
  request: { query: LessonExtrasQuery, variables },
  result: {
    data: {
      me: { __typename: 'User', id: 'learner-1', roles: ['LEARNER'] },
      course: {
        __typename: 'Course',
        id: COURSE_ID,
        instructors: [{ __typename: 'User', id: 'ada' }],
        lesson: { __typename: 'Lesson', id: LESSON_ID, summary: null },
      },
    },
  },
};

function renderLesson(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter initialEntries={[`/courses/${COURSE_SLUG}/lessons/${LESSON_ID}`]}>
        <Routes>
          <Route path="/courses/:slug/lessons/:lessonId" element={<LessonPage />} />
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

describe('LessonPage with a locked lesson', () => {
  it('shows the locked panel with Buy and Subscribe instead of the material', async () => {
    renderLesson([lessonPageMock('PAYMENT_REQUIRED'), extrasMock, plansMock]);
    const panel = await screen.findByRole('region', { name: 'This lesson is locked' });
    expect(panel.querySelector('p')!.textContent).toBe(
      'Buy Advanced TypeScript Types, or subscribe to a plan, to open every lesson.',
    );
    expect(screen.getByRole('link', { name: 'Buy for $79.00' }).getAttribute('href')).toBe(
      `/checkout?course=${COURSE_ID}`,
    );
    await screen.findByRole('link', { name: 'Or subscribe: all courses from $19.00/month' });
    expect(screen.queryByRole('button', { name: 'Enroll' })).toBeNull();
    expect(screen.queryByRole('region', { name: /tutor/i })).toBeNull();
    expect(document.querySelector('.tutor-panel')).toBeNull();
    expect(document.querySelector('.markdown')).toBeNull();
  });

  it('asks to sign in to buy when the lesson is locked for an anonymous caller', async () => {
    renderLesson([lessonPageMock('SIGN_IN_REQUIRED'), extrasMock, plansMock]);
    const signIn = await screen.findByRole('link', { name: 'Sign in to buy' });
    expect(signIn.getAttribute('href')).toBe(
      `/login?next=${encodeURIComponent(`/courses/${COURSE_SLUG}/lessons/${LESSON_ID}`)}`,
    );
    expect(screen.queryByRole('link', { name: /^Buy/ })).toBeNull();
  });
});
