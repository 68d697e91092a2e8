/**
 * @jest-environment jsdom
 *
 * The receipt of a paid order (number, date, billed to, lines, totals, card, Print) and the refund
 * request: confirmed with a reason and an idempotency key, the order shows as refunded; an order
 * that cannot be refunded any more says why.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { createCache } from '../../src/cache';
import type { OrderRefundMutationVariables } from '@learncraft/operations/types';
import { OrderQuery, OrderRefundMutation } from '@learncraft/operations';
import OrderPage from '../../src/pages/OrderPage';
import { ORDER_ID, order, usd } from './commerceFixtures';

const eligibility = (eligible: boolean, reason: string | null, deadline: string | null) => ({
  __typename: 'RefundEligibility',
  eligible,
  reason,
  deadline,
});

function orderMock(refundEligibility: ReturnType<typeof eligibility>): MockedResponse {
  return {
    request: { query: OrderQuery, variables: { id: ORDER_ID } },
    result: { data: { order: { ...order({}, 1580), refundEligibility } } },
  };
}

function renderOrder(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <MemoryRouter initialEntries={[`/orders/${ORDER_ID}`]}>
        <Routes>
          <Route path="/orders/:orderId" element={<OrderPage />} />
        </Routes>
      </MemoryRouter>
    </MockedProvider>,
  );
}

const facts = () =>
  Array.from(document.querySelectorAll('.receipt-facts dt')).map((term) => [
    term.textContent,
    term.nextElementSibling!.textContent,
  ]);

describe('OrderPage', () => {
  it('shows the receipt with its lines, discount, totals and card, and prints it', async () => {
    const print = jest.spyOn(window, 'print').mockImplementation(() => undefined);
    renderOrder([orderMock(eligibility(true, null, '2030-01-29T12:00:01.000Z'))]);
    await screen.findByRole('heading', { level: 1, name: 'Order LC-000042' });
    expect(screen.getByRole('status').textContent).toBe('Paid');
    expect(facts()).toEqual([
      ['Receipt', 'LC-R-000042'],
      ['Billed to', 'ada@example.com'],
      ['Date', 'Jan 15, 2030'],
      ['Paid with', 'Card ending in 4242'],
    ]);
    expect(Array.from(document.querySelectorAll('.order-summary tr')).map((row) => row.textContent)).toEqual([
      'ItemPriceDiscountTotal',
      'Advanced TypeScript Types$79.00−$15.80$63.20',
      'Subtotal$79.00',
      'Discount (WELCOME20)−$15.80',
      'Total$63.20',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Print' }));
    expect(print).toHaveBeenCalledTimes(1);
    expect(screen.getByText('You can ask for a refund until Jan 29, 2030.')).toBeTruthy();
  });

  it('refunds the order with the reason given and an idempotency key, and shows it refunded', async () => {
    const sent: OrderRefundMutationVariables['input'][] = [];
    renderOrder([
      orderMock(eligibility(true, null, '2030-01-29T12:00:01.000Z')),
      {
        request: { query: OrderRefundMutation },
        variableMatcher: () => true,
        result: (variables: OrderRefundMutationVariables) => {
          sent.push(variables.input);
          return {
            data: {
              orderRefund: {
                __typename: 'OrderRefundPayload',
                order: {
                  ...order(
                    {
                      status: 'REFUNDED',
                      refund: {
                        __typename: 'Refund',
                        id: 'refund-1',
                        amount: usd(6320),
                        reason: 'Changed my mind',
                        createdAt: '2030-01-16T12:00:00.000Z',
                      },
                    },
                    1580,
                  ),
                  refundEligibility: eligibility(false, 'This order is already refunded.', null),
                },
                userErrors: [],
              },
            },
          };
        },
      },
    ]);
    fireEvent.click(await screen.findByRole('button', { name: 'Request a refund' }));
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: '  Changed my mind ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Confirm refund' }));
    await screen.findByText('Refunded $63.20 on Jan 16, 2030: “Changed my mind”');
    expect(screen.getByRole('status').textContent).toBe('Refunded');
    expect(sent).toEqual([
      {
        orderId: ORDER_ID,
        reason: 'Changed my mind',
        idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    ]);
    expect(screen.queryByRole('button', { name: 'Request a refund' })).toBeNull();
  });

  it('says why an order can no longer be refunded, with no refund button', async () => {
    renderOrder([
      orderMock(eligibility(false, 'Refund window closed on Jan 29, 2030.', '2030-01-29T12:00:01.000Z')),
    ]);
    await screen.findByText('Refund window closed on Jan 29, 2030.');
    expect(screen.queryByRole('button', { name: 'Request a refund' })).toBeNull();
  });
});
