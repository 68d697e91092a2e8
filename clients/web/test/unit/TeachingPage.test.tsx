/**
 * @jest-environment jsdom
 *
 * The instructor's Teaching page: a course's price typed as decimal text is sent as integer minor
 * units (or null for free) and a malformed one is refused before any request; coupons can be
 * deactivated; earnings show their totals.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { createCache } from '../../src/cache';
import { CouponDeactivateMutation, CoursePriceSetMutation, TeachingQuery } from '@learncraft/operations';
import TeachingPage from '../../src/pages/TeachingPage';
import { COURSE_ID, ORDER_ID, paidCourse, usd } from './commerceFixtures';

const coupon = {
  __typename: 'Coupon',
  id: 'coupon-1',
  code: 'ADA10',
  kind: 'PERCENT',
  percentOff: 10,
  amountOff: null,
  validFrom: '2030-01-01T12:00:00.000Z',
  validUntil: null,
  maxRedemptions: 50,
  redemptionCount: 3,
  active: true,
  createdAt: '2030-01-01T12:00:00.000Z',
  courses: [{ __typename: 'Course', id: COURSE_ID, title: paidCourse.title }],
};

const teachingMock: MockedResponse = {
  request: { query: TeachingQuery },
  result: {
    data: {
      me: {
        __typename: 'User',
        id: 'ada',
        coursesTaught: {
          __typename: 'CourseConnection',
          totalCount: 1,
          edges: [{ __typename: 'CourseEdge', cursor: 'c1', node: { ...paidCourse, price: usd(4900) } }],
        },
        earnings: {
          __typename: 'InstructorEarnings',
          totals: [usd(3430)],
          salesCount: 1,
          entries: {
            __typename: 'EarningConnection',
            totalCount: 1,
            edges: [
              {
                __typename: 'EarningEdge',
                cursor: 'e1',
                node: {
                  __typename: 'Earning',
                  id: 'earning-1',
                  amount: usd(3430),
                  createdAt: '2030-01-15T12:00:00.000Z',
                  course: { __typename: 'Course', id: COURSE_ID, title: paidCourse.title },
                  order: { __typename: 'Order', id: ORDER_ID, number: 'LC-000042' },
                },
              },
            ],
          },
        },
      },
      coupons: {
        __typename: 'CouponConnection',
        totalCount: 1,
        edges: [{ __typename: 'CouponEdge', cursor: 'k1', node: coupon }],
      },
    },
  },
};

function priceSetMock(price: { amount: number; currency: string } | null): MockedResponse {
  return {
    request: { query: CoursePriceSetMutation, variables: { input: { courseId: COURSE_ID, price } } },
    result: {
      data: {
        coursePriceSet: {
          __typename: 'CoursePriceSetPayload',
          course: { __typename: 'Course', id: COURSE_ID, price: price && usd(price.amount) },
          userErrors: [],
        },
      },
    },
  };
}

function renderTeaching(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter>
        <TeachingPage />
      </MemoryRouter>
    </MockedProvider>,
  );
}

const courseCard = () => document.querySelector<HTMLElement>('.taught-course')!;
const priceInput = () => within(courseCard()).getByLabelText<HTMLInputElement>(/^Set price \(USD\)/);

describe('TeachingPage', () => {
  it('sends 49.99 as 4999 cents, refuses 49.999 without a request, and an empty price makes it free', async () => {
    renderTeaching([teachingMock, priceSetMock({ amount: 4999, currency: 'USD' }), priceSetMock(null)]);
    await screen.findByRole('heading', { level: 1, name: 'Teaching' });
    await screen.findByText('$49.00');
    expect(priceInput().value).toBe('49.00');

    fireEvent.change(priceInput(), { target: { value: '49.999' } });
    fireEvent.click(within(courseCard()).getByRole('button', { name: 'Save price' }));
    await within(courseCard()).findByText('USD amounts have at most 2 decimals.');
    expect(priceInput().getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(priceInput(), { target: { value: '49.99' } });
    fireEvent.click(within(courseCard()).getByRole('button', { name: 'Save price' }));
    await within(courseCard()).findByText('Price saved.');
    expect(courseCard().querySelector('.price')!.textContent).toBe('$49.99');

    fireEvent.change(priceInput(), { target: { value: '' } });
    fireEvent.click(within(courseCard()).getByRole('button', { name: 'Save price' }));
    await within(courseCard()).findByText('Free');
  });

  it('lists the coupons and deactivates one, and shows the earnings', async () => {
    renderTeaching([
      teachingMock,
      {
        request: { query: CouponDeactivateMutation, variables: { input: { couponId: 'coupon-1' } } },
        result: {
          data: {
            couponDeactivate: {
              __typename: 'CouponDeactivatePayload',
              coupon: { __typename: 'Coupon', id: 'coupon-1', active: false },
              userErrors: [],
            },
          },
        },
      },
    ]);
    const row = (await screen.findByRole('rowheader', { name: 'ADA10' })).closest('tr')!;
    expect(Array.from(row.children).map((cell) => cell.textContent)).toEqual([
      'ADA10',
      '10 % off',
      'Advanced TypeScript Types',
      '3 / 50',
      'No end',
      'Deactivate',
    ]);
    expect(screen.getByText('$34.30 from 1 sale')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Deactivate ADA10' }));
    await within(row).findByText('Inactive');
  });
});
