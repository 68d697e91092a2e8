/** Commerce data in the shapes the operations ask for (with __typename, as the cache needs), for page tests. */
import type { MockedResponse } from '@apollo/client/testing';
import { PlansQuery } from '@learncraft/operations';

export const COURSE_ID = 'c0ffee00-0000-4000-8000-000000000079';
export const COURSE_SLUG = 'advanced-typescript-types';
/** The fields every query of the paid course starts with. */
export const paidCourse = {
  __typename: 'Course',
  id: COURSE_ID,
  slug: COURSE_SLUG,
  title: 'Advanced TypeScript Types',
};
export const ORDER_ID = 'order-0000-4000-8000-000000000042';

const DOLLARS = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export function usd(amount: number) {
  return { __typename: 'Money', amount, currency: 'USD', formatted: DOLLARS.format(amount / 100) };
}

export function userError(code: string, message: string, field: string[] | null = null) {
  return { __typename: 'UserError', code, message, field };
}

export function courseLine(price: number, discount = 0) {
  return {
    __typename: 'OrderLine',
    id: 'line-1',
    title: 'Advanced TypeScript Types',
    unitPrice: usd(price),
    discount: usd(discount),
    total: usd(price - discount),
    course: { __typename: 'Course', id: COURSE_ID, slug: COURSE_SLUG },
    plan: null,
  };
}

export function order(overrides: Record<string, unknown> = {}, discount = 0) {
  return {
    __typename: 'Order',
    id: ORDER_ID,
    number: 'LC-000042',
    status: 'PAID',
    createdAt: '2030-01-15T12:00:00.000Z',
    paidAt: '2030-01-15T12:00:01.000Z',
    couponCode: discount ? 'WELCOME20' : null,
    lines: [courseLine(7900, discount)],
    subtotal: usd(7900),
    discount: usd(discount),
    total: usd(7900 - discount),
    payment: {
      __typename: 'Payment',
      provider: 'TEST',
      checkoutUrl: null,
      cardLast4: '4242',
      declineReason: null,
    },
    receipt: {
      __typename: 'Receipt',
      number: 'LC-R-000042',
      issuedAt: '2030-01-15T12:00:01.000Z',
      billedTo: 'ada@example.com',
    },
    refund: null,
    ...overrides,
  };
}

export const plansMock: MockedResponse = {
  request: { query: PlansQuery },
  result: {
    data: {
      plans: [
        {
          __typename: 'Plan',
          id: 'plan-monthly',
          code: 'all-access-monthly',
          name: 'All-access monthly',
          description: 'Every paid course, billed monthly.',
          interval: 'MONTH',
          perSeat: false,
          price: usd(1900),
        },
        {
          __typename: 'Plan',
          id: 'plan-yearly',
          code: 'all-access-yearly',
          name: 'All-access yearly',
          description: 'Every paid course, billed yearly.',
          interval: 'YEAR',
          perSeat: false,
          price: usd(19000),
        },
      ],
    },
  },
};

/** A lesson of the syllabus of a reading course, as the course and lesson pages ask for it. */
export function syllabusLesson(
  id: string,
  title: string,
  position: number,
  extra: Record<string, unknown> = {},
) {
  return { __typename: 'Lesson', id, title, kind: 'READING', position, viewerProgress: null, ...extra };
}
