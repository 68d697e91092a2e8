/**
 * Checkout of one course or one plan (web's CheckoutPage): the order summary from
 * `checkoutQuote`, a coupon that re-quotes, and the payment.
 *
 * The built-in test provider settles the card at once (PAID, or DECLINED with its reason). Stripe
 * refuses test cards with TEST_CARD_NOT_ACCEPTED: the screen then hides the card form and asks
 * again without it, and Stripe's answer is a PENDING order with a `checkoutUrl`, opened in an
 * in-app browser session that ends at `learncraft://checkout/return`; the order's screen then
 * waits until Stripe's webhook settles it.
 *
 * Every attempt carries an idempotency key, kept while the same attempt is retried after a network
 * error, so a retry replays the first answer and never charges twice.
 */
import { useState } from 'react';
import { View } from 'react-native';
import { useMutation } from '@apollo/client';
import * as WebBrowser from 'expo-web-browser';
import type { OrderFieldsFragment } from '@learncraft/operations/types';
import { CourseEnrollMutation } from '@learncraft/operations';
import { isCouponError, useCheckout } from '@learncraft/operations/useCheckout';
import { describeError, fieldError, formErrors } from '@learncraft/operations/errors';
import { OrderSummary } from '../components/OrderSummary';
import type { RootScreenProps } from '../navigation/types';
import { checkoutReturnDeepLink, webPageUrl } from '../navigation/webPages';
import { useTheme } from '../theme';
import { Body, Button, ErrorState, Heading, Loading, Notice, Screen, TextField } from '../ui';

type CheckoutItem = { courseId: string } | { planId: string };

export const TEST_CARDS_TEXT =
  'Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. Any future expiry and any CVC.';

export default function CheckoutScreen({ navigation, route }: RootScreenProps<'Checkout'>) {
  const { courseId, planId } = route.params;
  const item: CheckoutItem | null =
    courseId && !planId ? { courseId } : planId && !courseId ? { planId } : null;
  if (!item)
    return (
      <Screen>
        <Heading>Nothing to check out</Heading>
        <Body muted>Choose a course to buy first.</Body>
        <Button label="Find a course" onPress={() => navigation.navigate('Tabs', { screen: 'Search' })} />
      </Screen>
    );
  return <Checkout item={item} navigation={navigation} />;
}

/** The card's fields (TestCardInput's names): label, autocomplete token and length, as on the web. */
const CARD_FIELDS = [
  ['number', 'Card number', 'cc-number', 23],
  ['expiryMonth', 'Expiry month (MM)', 'cc-exp-month', 2],
  ['expiryYear', 'Expiry year (YYYY)', 'cc-exp-year', 4],
  ['cvc', 'CVC', 'cc-csc', 4],
] as const;

/** "07" → 7; anything but digits → 0, which the API refuses at its field. */
function wholeNumber(text: string): number {
  return /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : 0;
}

function Checkout({
  item,
  navigation,
}: {
  item: CheckoutItem;
  navigation: RootScreenProps<'Checkout'>['navigation'];
}) {
  const { spacing } = useTheme();
  const [card, setCard] = useState({ number: '', expiryMonth: '', expiryYear: '', cvc: '' });
  const checkout = useCheckout([item], {
    onDeclined: () => setCard((current) => ({ ...current, number: '' })),
    // Whether the buyer finished, cancelled or closed the browser, the order's screen tells them
    // where the payment stands (it polls a PENDING order).
    onRedirect: async (order, checkoutUrl) => {
      await WebBrowser.openAuthSessionAsync(checkoutUrl, checkoutReturnDeepLink()).catch(() => undefined);
      navigation.replace('Order', { orderId: order.id });
    },
  });
  const {
    quote,
    couponCode,
    couponText,
    setCouponText,
    couponError,
    applying,
    applyCoupon,
    removeCoupon,
    pay,
    creating,
    cardAccepted,
    errors,
    declineReason,
    unreachable,
    paid,
  } = checkout;

  const onPay = () => {
    // Stripe accepts only a page of the web app as its return URL (commerce checks the origin).
    const returnUrl = webPageUrl('/checkout/return');
    void pay(
      cardAccepted && card.number.trim()
        ? {
            returnUrl,
            testCard: {
              number: card.number,
              expiryMonth: wholeNumber(card.expiryMonth),
              expiryYear: wholeNumber(card.expiryYear),
              cvc: card.cvc.trim(),
            },
          }
        : { returnUrl },
    );
  };

  if (paid) return <Confirmation order={paid} navigation={navigation} />;
  if (quote.loading && !quote.data) return <Loading label="Loading the price" />;
  if (quote.error && !quote.data)
    return (
      <ErrorState
        title="The price could not be loaded"
        message={describeError(quote.error)}
        onRetry={() => void quote.refetch().catch(() => undefined)}
      />
    );
  const current = quote.data?.checkoutQuote;
  const refused = current?.userErrors.filter((error) => !isCouponError(error)) ?? [];
  if (refused.length > 0 || !current?.subtotal || !current.discount || !current.total)
    return (
      <Screen>
        <Heading>This cannot be bought</Heading>
        {refused.map((error) => (
          <Notice key={error.code} tone="error">
            {error.message}
          </Notice>
        ))}
        <Button
          label="Back to the catalog"
          onPress={() => navigation.navigate('Tabs', { screen: 'Search' })}
        />
      </Screen>
    );

  const setCardField = (name: keyof typeof card) => (value: string) =>
    setCard((fields) => ({ ...fields, [name]: value }));
  const otherErrors = formErrors(errors).filter((message) => message !== declineReason);

  return (
    <Screen>
      <Heading>Checkout</Heading>
      <View accessibilityLiveRegion="polite">
        <OrderSummary
          caption="Your order"
          lines={current.lines}
          subtotal={current.subtotal}
          discount={current.discount}
          total={current.total}
          couponCode={couponCode}
        />
      </View>
      <TextField
        label="Coupon code"
        value={couponCode ?? couponText}
        onChangeText={setCouponText}
        editable={!couponCode}
        autoCapitalize="characters"
        autoCorrect={false}
        error={couponError}
      />
      {couponCode ? (
        <Button
          label="Remove"
          accessibilityLabel="Remove the coupon"
          variant="secondary"
          onPress={removeCoupon}
        />
      ) : (
        <Button
          label={applying ? 'Applying…' : 'Apply'}
          accessibilityLabel="Apply the coupon"
          variant="secondary"
          busy={applying}
          disabled={!couponText.trim()}
          onPress={() => void applyCoupon()}
        />
      )}

      <Heading level={2}>Payment</Heading>
      {cardAccepted ? (
        <View style={{ gap: spacing.md }}>
          <Body muted>{TEST_CARDS_TEXT}</Body>
          {CARD_FIELDS.map(([name, label, autoComplete, maxLength]) => (
            <TextField
              key={name}
              label={label}
              value={card[name]}
              onChangeText={setCardField(name)}
              keyboardType="number-pad"
              autoComplete={autoComplete}
              maxLength={maxLength}
              secureTextEntry={name === 'cvc'}
              error={fieldError(errors, name)}
            />
          ))}
        </View>
      ) : (
        <Body>You will enter your card on Stripe&apos;s secure payment page.</Body>
      )}
      {declineReason ? <Notice tone="error">{`Payment declined: ${declineReason}`}</Notice> : null}
      {unreachable ? (
        <Notice tone="error">We could not reach LearnCraft. Try again: you will not be charged twice.</Notice>
      ) : null}
      {otherErrors.map((message) => (
        <Notice key={message} tone="error">
          {message}
        </Notice>
      ))}
      <Button
        label={
          creating.loading
            ? 'Paying…'
            : cardAccepted
              ? `Pay ${current.total.formatted}`
              : 'Continue to payment'
        }
        busy={creating.loading}
        onPress={onPay}
      />
    </Screen>
  );
}

/** A paid order: its receipt number and the way into what was bought. */
function Confirmation({
  order,
  navigation,
}: {
  order: OrderFieldsFragment;
  navigation: RootScreenProps<'Checkout'>['navigation'];
}) {
  const course = order.lines.find((line) => line.course)?.course ?? null;
  const [enroll, enrolling] = useMutation(CourseEnrollMutation);
  const userError = enrolling.data?.courseEnroll.userErrors[0];

  const startLearning = async () => {
    if (!course) return navigation.navigate('Tabs', { screen: 'Home' });
    const answer = await enroll({ variables: { input: { courseId: course.id } } }).catch(() => null);
    if (answer?.data?.courseEnroll.enrollment) navigation.replace('Course', { slug: course.slug });
  };

  return (
    <Screen>
      <View role="status" accessibilityLiveRegion="polite" style={{ gap: 12 }}>
        <Heading>Thank you — payment received</Heading>
        <Body>
          {`${order.total.formatted} paid${order.payment.cardLast4 ? ` with the card ending in ${order.payment.cardLast4}` : ''}. Receipt ${order.receipt?.number ?? order.number}.`}
        </Body>
      </View>
      <Button label="Start learning" busy={enrolling.loading} onPress={() => void startLearning()} />
      <Button
        label="View the receipt"
        variant="secondary"
        onPress={() => navigation.replace('Order', { orderId: order.id })}
      />
      {userError || enrolling.error ? (
        <Notice tone="error">{userError?.message ?? 'Enrolling failed. Please try again.'}</Notice>
      ) : null}
    </Screen>
  );
}
