/**
 * @jest-environment jsdom
 *
 * Checkout of a course on the built-in test provider: the quote, a coupon refused at its field and
 * one that re-quotes, a declined card (the form keeps everything but the number), a fresh
 * idempotency key per attempt but the same one for a retry after a network error, and a paid order
 * whose "Start learning" enrols and opens the course.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { createCache } from '../../src/cache';
import type { CheckoutCreateMutationVariables } from '@learncraft/operations/types';
import { CheckoutCreateMutation, CheckoutQuoteQuery, CourseEnrollMutation } from '@learncraft/operations';
import CheckoutPage from '../../src/pages/CheckoutPage';
import { COURSE_ID, courseLine, order, usd, userError } from './commerceFixtures';

const items = [{ courseId: COURSE_ID }];

function quoteMock(couponCode: string | null, discount: number, errors: ReturnType<typeof userError>[] = []) {
  return {
    request: { query: CheckoutQuoteQuery, variables: { input: { items, couponCode } } },
    result: {
      data: {
        checkoutQuote: {
          __typename: 'CheckoutQuote',
          lines: errors.length ? [] : [courseLine(7900, discount)],
          subtotal: errors.length ? null : usd(7900),
          discount: errors.length ? null : usd(discount),
          total: errors.length ? null : usd(7900 - discount),
          userErrors: errors,
        },
      },
    },
  };
}

/** checkoutCreate answering with these orders in turn (an Error: a network failure), recording what was sent. */
function checkoutMocks(
  sent: CheckoutCreateMutationVariables['input'][],
  answers: (ReturnType<typeof order> | Error)[],
) {
  return answers.map((answer): MockedResponse => ({
    request: { query: CheckoutCreateMutation },
    ...(answer instanceof Error
      ? {
          // An error answer has no result function: the variables are recorded while matching.
          variableMatcher: (variables: CheckoutCreateMutationVariables) => (sent.push(variables.input), true),
          error: answer,
        }
      : {
          variableMatcher: () => true,
          result: (variables: CheckoutCreateMutationVariables) => {
            sent.push(variables.input);
            return {
              data: {
                checkoutCreate: { __typename: 'CheckoutCreatePayload', order: answer, userErrors: [] },
              },
            };
          },
        }),
  }));
}

const declined = order({
  status: 'DECLINED',
  paidAt: null,
  receipt: null,
  payment: {
    __typename: 'Payment',
    provider: 'TEST',
    checkoutUrl: null,
    cardLast4: '0002',
    declineReason: 'Your card was declined.',
  },
});

function renderCheckout(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter initialEntries={[`/checkout?course=${COURSE_ID}`]}>
        <Routes>
          <Route path="/checkout" element={<CheckoutPage />} />
          <Route path="/courses/:slug" element={<h1>The course page</h1>} />
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

const input = (label: RegExp) => screen.getByLabelText<HTMLInputElement>(label);
const totals = () =>
  Array.from(document.querySelectorAll('.order-summary tr')).map((row) =>
    Array.from(row.children).map((cell) => cell.textContent),
  );

function fillCard(number: string) {
  fireEvent.change(input(/^Card number/), { target: { value: number } });
  fireEvent.change(input(/^Expiry month/), { target: { value: '12' } });
  fireEvent.change(input(/^Expiry year/), { target: { value: '2031' } });
  fireEvent.change(input(/^CVC/), { target: { value: '123' } });
}

describe('CheckoutPage', () => {
  it('shows the quote, refuses an expired coupon at its field and re-quotes with a valid one', async () => {
    renderCheckout([
      quoteMock(null, 0),
      quoteMock('OLD10', 0, [
        userError('COUPON_EXPIRED', 'This coupon expired on Jan 1, 2030.', ['input', 'couponCode']),
      ]),
      quoteMock('WELCOME20', 1580),
    ]);
    await screen.findByRole('button', { name: 'Pay $79.00' });
    expect(totals()).toEqual([
      ['Item', 'Price', 'Discount', 'Total'],
      ['Advanced TypeScript Types', '$79.00', '—', '$79.00'],
      ['Subtotal', '$79.00'],
      ['Total', '$79.00'],
    ]);

    fireEvent.change(input(/^Coupon code/), { target: { value: 'OLD10' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    const problem = await screen.findByText('This coupon expired on Jan 1, 2030.');
    expect(input(/^Coupon code/).getAttribute('aria-describedby')).toBe(problem.id);
    expect(input(/^Coupon code/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('button', { name: 'Pay $79.00' })).toBeTruthy();

    fireEvent.change(input(/^Coupon code/), { target: { value: 'WELCOME20' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByRole('button', { name: 'Pay $63.20' });
    expect(totals()).toEqual([
      ['Item', 'Price', 'Discount', 'Total'],
      ['Advanced TypeScript Types', '$79.00', '−$15.80', '$63.20'],
      ['Subtotal', '$79.00'],
      ['Discount (WELCOME20)', '−$15.80'],
      ['Total', '$63.20'],
    ]);
    expect(screen.queryByText('This coupon expired on Jan 1, 2030.')).toBeNull();
    expect(screen.getByRole('button', { name: 'Remove' })).toBeTruthy();
  });

  it('shows a decline, keeps the form filled but the card number, and pays with a fresh key', async () => {
    const sent: CheckoutCreateMutationVariables['input'][] = [];
    renderCheckout([quoteMock(null, 0), ...checkoutMocks(sent, [declined, order()])]);
    await screen.findByRole('button', { name: 'Pay $79.00' });
    expect(
      screen.getByText(/^Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined/),
    ).toBeTruthy();

    fillCard('4000 0000 0000 0002');
    fireEvent.click(screen.getByRole('button', { name: 'Pay $79.00' }));
    await screen.findByText('Payment declined: Your card was declined.');
    expect(input(/^Card number/).value).toBe('');
    expect(document.activeElement).toBe(input(/^Card number/));
    expect([input(/^Expiry month/).value, input(/^Expiry year/).value, input(/^CVC/).value]).toEqual([
      '12',
      '2031',
      '123',
    ]);

    fireEvent.change(input(/^Card number/), { target: { value: '4242 4242 4242 4242' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pay $79.00' }));
    await screen.findByRole('heading', { level: 1, name: 'Thank you — payment received' });
    expect(sent.map((attempt) => attempt.payment?.testCard)).toEqual([
      { number: '4000 0000 0000 0002', expiryMonth: 12, expiryYear: 2031, cvc: '123' },
      { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2031, cvc: '123' },
    ]);
    expect(sent.map((attempt) => attempt.payment?.returnUrl)).toEqual([
      'http://localhost/checkout/return',
      'http://localhost/checkout/return',
    ]);
    expect(sent[0]!.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent[1]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
  });

  it('retries with the same idempotency key after a network error, so it cannot charge twice', async () => {
    const sent: CheckoutCreateMutationVariables['input'][] = [];
    renderCheckout([quoteMock(null, 0), ...checkoutMocks(sent, [new Error('Failed to fetch'), order()])]);
    await screen.findByRole('button', { name: 'Pay $79.00' });
    fillCard('4242 4242 4242 4242');
    fireEvent.click(screen.getByRole('button', { name: 'Pay $79.00' }));
    await screen.findByText('We could not reach LearnCraft. Try again: you will not be charged twice.');
    fireEvent.click(screen.getByRole('button', { name: 'Pay $79.00' }));
    await screen.findByRole('heading', { level: 1, name: 'Thank you — payment received' });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.idempotencyKey).toBe(sent[0]!.idempotencyKey);
  });

  it('confirms a paid order with its receipt number, and Start learning enrols and opens the course', async () => {
    const sent: CheckoutCreateMutationVariables['input'][] = [];
    renderCheckout([
      quoteMock(null, 0),
      ...checkoutMocks(sent, [order()]),
      {
        request: { query: CourseEnrollMutation, variables: { input: { courseId: COURSE_ID } } },
        result: {
          data: {
            courseEnroll: {
              __typename: 'CourseEnrollPayload',
              enrollment: {
                __typename: 'Enrollment',
                id: 'enrollment-1',
                progressPercent: 0,
                enrolledAt: '2030-01-15T12:00:02.000Z',
                completedAt: null,
                lastActivityAt: null,
                course: {
                  __typename: 'Course',
                  id: COURSE_ID,
                  viewerEnrollment: { __typename: 'Enrollment', id: 'enrollment-1' },
                },
              },
              userErrors: [],
            },
          },
        },
      },
    ]);
    await screen.findByRole('button', { name: 'Pay $79.00' });
    fillCard('4242 4242 4242 4242');
    fireEvent.click(screen.getByRole('button', { name: 'Pay $79.00' }));
    const confirmation = await screen.findByRole('status');
    await within(confirmation).findByText('LC-R-000042');
    expect(confirmation.querySelector('p')!.textContent).toBe(
      '$79.00 paid with the card ending in 4242. Receipt LC-R-000042.',
    );
    expect(within(confirmation).getByRole('link', { name: 'View the receipt' }).getAttribute('href')).toBe(
      '/orders/order-0000-4000-8000-000000000042',
    );
    fireEvent.click(within(confirmation).getByRole('button', { name: 'Start learning' }));
    await screen.findByRole('heading', { level: 1, name: 'The course page' });
  });

  it('hides the card form and retries without the card when the provider (Stripe) refuses test cards', async () => {
    const sent: CheckoutCreateMutationVariables['input'][] = [];
    const answer = (payload: { order: unknown; userErrors: unknown[] }): MockedResponse => ({
      request: { query: CheckoutCreateMutation },
      variableMatcher: () => true,
      result: (variables: CheckoutCreateMutationVariables) => {
        sent.push(variables.input);
        return { data: { checkoutCreate: { __typename: 'CheckoutCreatePayload', ...payload } } };
      },
    });
    const pending = order({
      status: 'PENDING',
      paidAt: null,
      receipt: null,
      // No hosted page in this test: jsdom cannot navigate away.
      payment: {
        __typename: 'Payment',
        provider: 'STRIPE',
        checkoutUrl: null,
        cardLast4: null,
        declineReason: null,
      },
    });
    renderCheckout([
      quoteMock(null, 0),
      answer({
        order: null,
        userErrors: [
          userError('TEST_CARD_NOT_ACCEPTED', 'Cards are entered on the payment page.', [
            'input',
            'payment',
            'testCard',
          ]),
        ],
      }),
      answer({ order: pending, userErrors: [] }),
    ]);
    await screen.findByRole('button', { name: 'Pay $79.00' });
    fillCard('4242 4242 4242 4242');
    fireEvent.click(screen.getByRole('button', { name: 'Pay $79.00' }));
    await screen.findByText("You will enter your card on Stripe's secure payment page.");
    expect(screen.queryByLabelText(/^Card number/)).toBeNull();
    await screen.findByRole('button', { name: 'Continue to payment' });
    expect(sent.map((attempt) => attempt.payment)).toEqual([
      {
        returnUrl: 'http://localhost/checkout/return',
        testCard: { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2031, cvc: '123' },
      },
      { returnUrl: 'http://localhost/checkout/return' },
    ]);
    expect(sent[1]!.idempotencyKey).not.toBe(sent[0]!.idempotencyKey);
    expect(sessionStorage.getItem('learncraft.pendingOrder')).toBeNull();
  });

  it('says why the item cannot be bought when the quote refuses it', async () => {
    renderCheckout([
      quoteMock(null, 0, [userError('ALREADY_OWNED', 'You already own this course.', ['input', 'items'])]),
    ]);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('This cannot be boughtYou already own this course.Back to the catalog');
    expect(screen.queryByRole('button', { name: /^Pay/ })).toBeNull();
  });
});
