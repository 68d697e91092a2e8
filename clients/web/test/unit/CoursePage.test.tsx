/**
 * @jest-environment jsdom
 *
 * The course page's price and primary action follow the viewer's access: Enroll on a free course,
 * Buy and Subscribe when payment is required, Sign in to buy for an anonymous visitor; the syllabus
 * marks the free preview and the locked lessons.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { SessionContext } from '../../src/auth/SessionContext';
import { SessionManager } from '../../src/auth/session';
import { createCache } from '../../src/cache';
import type { AccessReason } from '@learncraft/operations/types';
import { CoursePageQuery } from '@learncraft/operations';
import CoursePage from '../../src/pages/CoursePage';
import { COURSE_ID, COURSE_SLUG, paidCourse, plansMock, syllabusLesson, usd } from './commerceFixtures';

function coursePageMock(price: number | null, reason: AccessReason, hasAccess: boolean): MockedResponse {
  return {
    request: { query: CoursePageQuery, variables: { slug: COURSE_SLUG } },
    result: {
      data: {
        course: {
          ...paidCourse,
          summary: 'Conditional and mapped types.',
          level: 'ADVANCED',
          language: 'en',
          thumbnailUrl: null,
          lessonCount: 2,
          totalDurationSeconds: 1200,
          category: { __typename: 'Category', id: 'cat-1', slug: 'programming', name: 'Programming' },
          price: price === null ? null : usd(price),
          description: 'Types that compute.',
          instructors: [{ __typename: 'User', id: 'ada', displayName: 'Ada Lovelace' }],
          modules: [
            {
              __typename: 'Module',
              id: 'module-1',
              title: 'Foundations',
              summary: '',
              position: 1,
              lessons: [
                syllabusLesson('lesson-1', 'Why types compute', 1, {
                  durationSeconds: 600,
                  preview: price !== null,
                }),
                syllabusLesson('lesson-2', 'Conditional types', 2, { durationSeconds: 600, preview: false }),
              ],
            },
          ],
          viewerEnrollment: null,
          viewerAccess: { __typename: 'CourseAccess', hasAccess, reason, expiresAt: null },
        },
      },
    },
  };
}

function renderCourse(mocks: MockedResponse[]) {
  window.localStorage.clear();
  const manager = new SessionManager('https://learncraft.example/graphql');
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <SessionContext.Provider value={manager}>
        <MemoryRouter initialEntries={[`/courses/${COURSE_SLUG}`]}>
          <Routes>
            <Route path="/courses/:slug" element={<CoursePage />} />
          </Routes>
        </MemoryRouter>
      </SessionContext.Provider>
    </MockedProvider>,
  );
}

const box = () => document.querySelector('.enroll-box')!;
const syllabusItems = () =>
  Array.from(document.querySelectorAll('.syllabus .lesson-list li')).map((item) => item.textContent);

describe('CoursePage actions by access', () => {
  it('offers Enroll on a free course, with no price, preview or lock', async () => {
    renderCourse([coursePageMock(null, 'FREE', true)]);
    await screen.findByRole('heading', { level: 1, name: 'Advanced TypeScript Types' });
    expect(document.title).toBe('Advanced TypeScript Types — LearnCraft');
    expect(screen.getByRole('button', { name: 'Enroll' })).toBeTruthy();
    expect(box().textContent).toBe('Free for everyone. Track your progress and earn completion.Enroll');
    expect(screen.queryByRole('link', { name: /^Buy/ })).toBeNull();
    expect(syllabusItems()).toEqual([
      'Why types computereading · 10 min',
      'Conditional typesreading · 10 min',
    ]);
  });

  it('offers Buy for the price and the cheapest plan when payment is required', async () => {
    renderCourse([coursePageMock(7900, 'PAYMENT_REQUIRED', false), plansMock]);
    const buy = await screen.findByRole('link', { name: 'Buy for $79.00' });
    expect(buy.getAttribute('href')).toBe(`/checkout?course=${COURSE_ID}`);
    const subscribe = await screen.findByRole('link', {
      name: 'Or subscribe: all courses from $19.00/month',
    });
    expect(subscribe.getAttribute('href')).toBe('/pricing');
    expect(box().querySelector('.price')!.textContent).toBe('$79.00');
    expect(screen.queryByRole('button', { name: 'Enroll' })).toBeNull();
    // The preview opens; the other lesson is locked and not a link.
    expect(syllabusItems()).toEqual([
      'Why types computePreviewreading · 10 min',
      'Conditional typesLockedreading · 10 min',
    ]);
    expect(screen.getByRole('link', { name: 'Why types compute' }).getAttribute('href')).toBe(
      `/courses/${COURSE_SLUG}/lessons/lesson-1`,
    );
    expect(screen.queryByRole('link', { name: 'Conditional types' })).toBeNull();
  });

  it('asks an anonymous visitor to sign in to buy, and brings them back to the course', async () => {
    renderCourse([coursePageMock(7900, 'SIGN_IN_REQUIRED', false), plansMock]);
    const signIn = await screen.findByRole('link', { name: 'Sign in to buy' });
    expect(signIn.getAttribute('href')).toBe(`/login?next=${encodeURIComponent(`/courses/${COURSE_SLUG}`)}`);
    expect(screen.queryByRole('link', { name: /^Buy/ })).toBeNull();
  });

  it('offers Enroll with the reason when a bought course is not enrolled yet', async () => {
    renderCourse([coursePageMock(7900, 'PURCHASED', true)]);
    await screen.findByRole('button', { name: 'Enroll' });
    expect(box().textContent).toBe(
      '$79.00You bought this course. Track your progress and earn completion.Enroll',
    );
    expect(syllabusItems()).toEqual([
      'Why types computePreviewreading · 10 min',
      'Conditional typesreading · 10 min',
    ]);
  });
});
