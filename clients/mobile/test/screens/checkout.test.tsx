/** Checkout: a paid test card, a declined one, a coupon, and Stripe's hosted page when cards are refused. */
import { screen, userEvent } from '@testing-library/react-native';
import * as WebBrowser from 'expo-web-browser';
import CheckoutScreen, { TEST_CARDS_TEXT } from '../../src/screens/CheckoutScreen';
import { expectEveryControlLabelled } from './a11y';
import { money, order } from './fixtures';
import { renderScreen, type Resolvers } from './harness';

jest.mock('../../src/auth/SessionContext', () => jest.requireActual('./stubs/session'), { virtual: true });
jest.mock('../../src/offline/DownloadsContext', () => jest.requireActual('./stubs/downloads'), {
  virtual: true,
});
jest.mock('expo-constants', () => jest.requireActual('./stubs/constants'));
jest.mock('expo-web-browser', () => ({
  openAuthSessionAsync: jest.fn(() =>
    Promise.resolve({ type: 'success', url: 'learncraft://checkout/return?order=order-1' }),
  ),
  openBrowserAsync: jest.fn(() => Promise.resolve({ type: 'opened' })),
}));

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type CheckoutInput = {
  items: unknown[];
  couponCode?: string | null;
  payment?: { returnUrl?: string; testCard?: Record<string, unknown> };
  idempotencyKey: string;
};

function quote(couponCode: string | null | undefined) {
  const discount = couponCode === 'WELCOME10' ? 490 : 0;
  const line = {
    id: 'quote-line-1',
    title: 'TypeScript Basics',
    unitPrice: money(4900),
    discount: money(discount),
    total: money(4900 - discount),
    course: { id: 'course-ts', slug: 'typescript-basics' },
    plan: null,
  };
  const refused = couponCode && couponCode !== 'WELCOME10';
  return {
    lines: [line],
    subtotal: money(4900),
    discount: money(refused ? 0 : discount),
    total: money(4900 - (refused ? 0 : discount)),
    userErrors: refused
      ? [
          {
            code: 'COUPON_NOT_FOUND',
            message: 'There is no coupon with this code.',
            field: ['input', 'couponCode'],
          },
        ]
      : [],
  };
}

function resolvers(checkoutCreate: (input: CheckoutInput) => unknown): Resolvers {
  return {
    Query: {
      checkoutQuote: (args: { input: { couponCode?: string | null } }) => quote(args.input.couponCode),
    },
    Mutation: {
      checkoutCreate: (args: { input: CheckoutInput }) => checkoutCreate(args.input),
    },
  };
}

async function enterCard(number: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Card number'), number);
  await user.type(screen.getByLabelText('Expiry month (MM)'), '12');
  await user.type(screen.getByLabelText('Expiry year (YYYY)'), '2030');
  await user.type(screen.getByLabelText('CVC'), '123');
  return user;
}

test('a card the test provider accepts pays the order and shows the receipt number', async () => {
  const inputs: CheckoutInput[] = [];
  await renderScreen(
    'Checkout',
    CheckoutScreen,
    { courseId: 'course-ts' },
    {
      resolvers: resolvers((input) => (inputs.push(input), { order: order(), userErrors: [] })),
    },
  );
  expect(await screen.findByText(TEST_CARDS_TEXT)).toBeOnTheScreen();
  expect(screen.getByLabelText('Total: $49.00')).toBeOnTheScreen();
  expectEveryControlLabelled();
  const user = await enterCard('4242 4242 4242 4242');
  await user.press(screen.getByRole('button', { name: 'Pay $49.00' }));

  expect(await screen.findByText('Thank you — payment received')).toBeOnTheScreen();
  expect(screen.getByText('$49.00 paid with the card ending in 4242. Receipt R-1001.')).toBeOnTheScreen();
  expect(inputs).toHaveLength(1);
  expect(inputs[0]).toMatchObject({
    items: [{ courseId: 'course-ts' }],
    couponCode: null,
    payment: { testCard: { number: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2030, cvc: '123' } },
  });
  expect(inputs[0]?.idempotencyKey).toMatch(UUID_V4);
  expect(inputs[0]?.payment?.returnUrl).toMatch(/^http:\/\/127\.0\.0\.1:4000\/checkout\/return$/);
});

test('a declined card says why, empties the card number and the next attempt gets a new key', async () => {
  const inputs: CheckoutInput[] = [];
  await renderScreen(
    'Checkout',
    CheckoutScreen,
    { courseId: 'course-ts' },
    {
      resolvers: resolvers((input) => {
        inputs.push(input);
        return {
          order: order({
            status: 'DECLINED',
            paidAt: null,
            receipt: null,
            payment: {
              provider: 'TEST',
              checkoutUrl: null,
              cardLast4: '0002',
              declineReason: 'Your card was declined.',
            },
          }),
          userErrors: [],
        };
      }),
    },
  );
  const user = await enterCard('4000 0000 0000 0002');
  await user.press(screen.getByRole('button', { name: 'Pay $49.00' }));

  expect(await screen.findByText('Payment declined: Your card was declined.')).toBeOnTheScreen();
  expect(screen.getByLabelText('Card number')).toHaveDisplayValue('');
  expect(screen.queryByText('Thank you — payment received')).not.toBeOnTheScreen();

  await user.type(screen.getByLabelText('Card number'), '4000 0000 0000 0002');
  await user.press(screen.getByRole('button', { name: 'Pay $49.00' }));
  expect(await screen.findByText('Payment declined: Your card was declined.')).toBeOnTheScreen();
  expect(inputs).toHaveLength(2);
  expect(inputs[1]?.idempotencyKey).not.toBe(inputs[0]?.idempotencyKey);
});

test('a card number the API refuses shows its message under the card number', async () => {
  await renderScreen(
    'Checkout',
    CheckoutScreen,
    { courseId: 'course-ts' },
    {
      resolvers: resolvers(() => ({
        order: null,
        userErrors: [
          {
            code: 'CARD_NUMBER_INVALID',
            message: 'Check the card number.',
            field: ['input', 'payment', 'testCard', 'number'],
          },
        ],
      })),
    },
  );
  const user = await enterCard('1234');
  await user.press(screen.getByRole('button', { name: 'Pay $49.00' }));
  expect(await screen.findByText('Check the card number.')).toBeOnTheScreen();
});

test('a coupon re-quotes the order; a refused one shows its message at the coupon', async () => {
  const user = userEvent.setup();
  await renderScreen(
    'Checkout',
    CheckoutScreen,
    { courseId: 'course-ts' },
    {
      resolvers: resolvers(() => ({ order: order(), userErrors: [] })),
    },
  );
  await user.type(await screen.findByLabelText('Coupon code'), 'NOPE');
  await user.press(screen.getByRole('button', { name: 'Apply the coupon' }));
  expect(await screen.findByText('There is no coupon with this code.')).toBeOnTheScreen();

  await user.clear(screen.getByLabelText('Coupon code'));
  await user.type(screen.getByLabelText('Coupon code'), 'WELCOME10');
  await user.press(screen.getByRole('button', { name: 'Apply the coupon' }));
  expect(await screen.findByLabelText('Discount (WELCOME10): −$4.90')).toBeOnTheScreen();
  expect(screen.getByRole('button', { name: 'Pay $44.10' })).toBeOnTheScreen();
});

test('a payment that never reached the server is retried with the same idempotency key', async () => {
  const inputs: CheckoutInput[] = [];
  let reachable = false;
  await renderScreen(
    'Checkout',
    CheckoutScreen,
    { courseId: 'course-ts' },
    {
      resolvers: resolvers((input) => {
        inputs.push(input);
        if (!reachable) throw new Error('connection reset');
        return { order: order(), userErrors: [] };
      }),
    },
  );
  const user = await enterCard('4242 4242 4242 4242');
  await user.press(screen.getByRole('button', { name: 'Pay $49.00' }));
  expect(
    await screen.findByText('We could not reach LearnCraft. Try again: you will not be charged twice.'),
  ).toBeOnTheScreen();

  reachable = true;
  await user.press(screen.getByRole('button', { name: 'Pay $49.00' }));
  expect(await screen.findByText('Thank you — payment received')).toBeOnTheScreen();
  expect(inputs).toHaveLength(2);
  expect(inputs[1]?.idempotencyKey).toBe(inputs[0]?.idempotencyKey);
});

test('when Stripe refuses test cards the hosted checkout opens and the order is shown after it', async () => {
  const inputs: CheckoutInput[] = [];
  await renderScreen(
    'Checkout',
    CheckoutScreen,
    { courseId: 'course-ts' },
    {
      resolvers: resolvers((input) => {
        inputs.push(input);
        if (input.payment?.testCard)
          return {
            order: null,
            userErrors: [
              {
                code: 'TEST_CARD_NOT_ACCEPTED',
                message: 'Test cards are only accepted by the test provider.',
                field: ['input', 'payment', 'testCard'],
              },
            ],
          };
        return {
          order: order({
            id: 'order-7',
            status: 'PENDING',
            paidAt: null,
            receipt: null,
            payment: {
              provider: 'STRIPE',
              checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_test_1',
              cardLast4: null,
              declineReason: null,
            },
          }),
          userErrors: [],
        };
      }),
    },
  );
  const user = await enterCard('4242 4242 4242 4242');
  await user.press(screen.getByRole('button', { name: 'Pay $49.00' }));

  expect(await screen.findByText('Opened Order {"orderId":"order-7"}')).toBeOnTheScreen();
  expect(inputs.map((input) => !!input.payment?.testCard)).toEqual([true, false]);
  expect(inputs[1]?.idempotencyKey).not.toBe(inputs[0]?.idempotencyKey);
  expect(WebBrowser.openAuthSessionAsync).toHaveBeenCalledWith(
    'https://checkout.stripe.com/c/pay/cs_test_1',
    'learncraft://checkout/return',
  );
});

test('a checkout without a course or plan says there is nothing to buy', async () => {
  await renderScreen('Checkout', CheckoutScreen, {});
  expect(screen.getByText('Nothing to check out')).toBeOnTheScreen();
});
