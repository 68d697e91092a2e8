/** Orders, one order's receipt with its refund request, and the account screen. */
import { screen, userEvent } from '@testing-library/react-native';
import AccountScreen from '../../src/screens/AccountScreen';
import OrderScreen from '../../src/screens/OrderScreen';
import OrdersScreen from '../../src/screens/OrdersScreen';
import { expectEveryControlLabelled } from './a11y';
import { connection, money, order } from './fixtures';
import { renderScreen } from './harness';
import { forgotten } from './stubs/downloads';

jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('the orders list shows each order’s status, total and date, and opens one', async () => {
  const user = userEvent.setup();
  await renderScreen('Orders', OrdersScreen, undefined, {
    resolvers: {
      Query: {
        me: () => ({
          id: 'user-1',
          orders: connection([order(), order({ id: 'order-2', number: 'LC-1002', status: 'REFUNDED' })], {
            totalCount: 2,
            hasNextPage: false,
          }),
        }),
      },
    },
  });
  expect(await screen.findByText('2 orders')).toBeOnTheScreen();
  expect(screen.getByText('Paid · $49.00 · Dec 1, 2026')).toBeOnTheScreen();
  expectEveryControlLabelled();
  await user.press(screen.getByRole('link', { name: 'Order LC-1002, Refunded, $49.00' }));
  expect(await screen.findByText('Opened Order {"orderId":"order-2"}')).toBeOnTheScreen();
});

test('a paid order is a receipt, and a refund is requested with its reason and an idempotency key', async () => {
  const user = userEvent.setup();
  const refunds: { orderId: string; reason: string; idempotencyKey: string }[] = [];
  await renderScreen(
    'Order',
    OrderScreen,
    { orderId: 'order-1' },
    {
      resolvers: {
        Query: { order: () => order() },
        Mutation: {
          orderRefund: (args: { input: (typeof refunds)[number] }) => {
            refunds.push(args.input);
            return {
              order: order({
                status: 'REFUNDED',
                refund: {
                  id: 'refund-1',
                  amount: money(4900),
                  reason: args.input.reason,
                  createdAt: '2026-12-02T09:00:00.000Z',
                },
                refundEligibility: {
                  eligible: false,
                  reason: 'This order has been refunded.',
                  deadline: null,
                },
              }),
              userErrors: [],
            };
          },
        },
      },
    },
  );
  expect(await screen.findByRole('header', { name: 'Order LC-1001' })).toBeOnTheScreen();
  expect(screen.getByText('Billed to Ada Learner')).toBeOnTheScreen();
  expect(screen.getByText('Paid with the card ending in 4242')).toBeOnTheScreen();
  expect(screen.getByText('You can ask for a refund until Dec 15, 2026.')).toBeOnTheScreen();
  expectEveryControlLabelled();

  await user.press(screen.getByRole('button', { name: 'Request a refund' }));
  await user.type(screen.getByLabelText('Reason'), 'Not what I expected');
  await user.press(screen.getByRole('button', { name: 'Confirm refund' }));

  expect(await screen.findByText('Refunded $49.00 on Dec 2, 2026: “Not what I expected”')).toBeOnTheScreen();
  expect(screen.getByText('Refunded')).toBeOnTheScreen();
  expect(screen.queryByRole('button', { name: 'Confirm refund' })).not.toBeOnTheScreen();
  expect(refunds).toEqual([
    { orderId: 'order-1', reason: 'Not what I expected', idempotencyKey: expect.stringMatching(UUID_V4) },
  ]);
});

test('a refund refused by the server shows its message at the reason', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Order',
    OrderScreen,
    { orderId: 'order-1' },
    {
      resolvers: {
        Query: { order: () => order() },
        Mutation: {
          orderRefund: () => ({
            order: null,
            userErrors: [
              {
                code: 'REASON_REQUIRED',
                message: 'Tell us why, in a few words.',
                field: ['input', 'reason'],
              },
            ],
          }),
        },
      },
    },
  );
  await user.press(await screen.findByRole('button', { name: 'Request a refund' }));
  await user.press(screen.getByRole('button', { name: 'Confirm refund' }));
  expect(await screen.findByText('Tell us why, in a few words.')).toBeOnTheScreen();
});

test('a declined order says why', async () => {
  await renderScreen(
    'Order',
    OrderScreen,
    { orderId: 'order-1' },
    {
      resolvers: {
        Query: {
          order: () =>
            order({
              status: 'DECLINED',
              receipt: null,
              payment: {
                provider: 'TEST',
                checkoutUrl: null,
                cardLast4: '0002',
                declineReason: 'Your card was declined.',
              },
              refundEligibility: { eligible: false, reason: null, deadline: null },
            }),
        },
      },
    },
  );
  expect(await screen.findByText('Declined — Your card was declined.')).toBeOnTheScreen();
  expect(screen.queryByRole('button', { name: 'Request a refund' })).not.toBeOnTheScreen();
});

test('the account screen names the learner, opens orders and downloads, and signs out', async () => {
  const user = userEvent.setup();
  const { session } = await renderScreen('Tabs', AccountScreen, undefined);
  expect(screen.getByText('Ada Learner')).toBeOnTheScreen();
  expect(screen.getByText('ada@example.com')).toBeOnTheScreen();
  expectEveryControlLabelled();

  forgotten.count = 0;
  await user.press(screen.getByRole('button', { name: 'Log out' }));
  expect(forgotten.count).toBe(1);
  expect(session.signOut).toHaveBeenCalledTimes(1);
  expect(await screen.findByText('Log in to see your orders and your downloads.')).toBeOnTheScreen();
});

test('the account screen opens the downloads', async () => {
  const user = userEvent.setup();
  await renderScreen('Tabs', AccountScreen, undefined);
  await user.press(screen.getByRole('button', { name: 'Downloads' }));
  expect(await screen.findByText('Opened Downloads {}')).toBeOnTheScreen();
});
