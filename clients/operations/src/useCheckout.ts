/**
 * The checkout of one course or plan, for both clients: the quote, the coupon (checked before it
 * replaces the last good quote), and the payment attempt with its idempotency key. Each client
 * draws its own form and decides only what is its own: what a decline does to the card field, and
 * how the buyer is sent to a hosted payment page (the browser's location, a phone's in-app
 * browser).
 *
 * On the test provider a card settles at once (PAID, or DECLINED with its reason). Stripe refuses
 * test cards with TEST_CARD_NOT_ACCEPTED: the attempt is then made again without a card, and
 * Stripe's answer is a PENDING order with a `checkoutUrl`. A network failure keeps the key, so the
 * buyer's retry replays the first answer and can never charge twice.
 */
import { useState } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client';
import { CheckoutCreateMutation, CheckoutQuoteQuery } from './operations';
import type { CheckoutItemInput, OrderFieldsFragment, PaymentInput } from './generated/graphql';
import { useAttemptKey } from './attemptKey';
import { forgetOrderAccess } from './courseAccess';
import type { FormUserError } from './errors';

export interface CheckoutHandlers {
  /** The card was declined (its reason is in `declineReason`): e.g. empty the number field. */
  onDeclined?: () => void;
  /** A PENDING order with a hosted payment page: send the buyer to `checkoutUrl`. */
  onRedirect: (order: OrderFieldsFragment, checkoutUrl: string) => void | Promise<void>;
}

/** A userError about the coupon, shown at its field rather than as a refusal of the purchase. */
export const isCouponError = (error: FormUserError): boolean =>
  error.code.startsWith('COUPON_') || error.field?.at(-1) === 'couponCode';

/**
 * The checkout of `items`: quote, coupon, pay. Seats of a team plan are bought for
 * `options.organizationId` (its owner pays).
 */
export function useCheckout(
  items: CheckoutItemInput[],
  handlers: CheckoutHandlers,
  options: { organizationId?: string | null } = {},
) {
  const client = useApolloClient();
  const [couponCode, setCouponCode] = useState<string | null>(null);
  const [couponText, setCouponText] = useState('');
  const [couponError, setCouponError] = useState<string | null>(null);
  const [applying, setApplying] = useState(false);
  const quote = useQuery(CheckoutQuoteQuery, { variables: { input: { items, couponCode } } });
  const [create, creating] = useMutation(CheckoutCreateMutation);
  const attempt = useAttemptKey();
  const [cardAccepted, setCardAccepted] = useState(true);
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);
  const [declineReason, setDeclineReason] = useState<string | null>(null);
  const [unreachable, setUnreachable] = useState(false);
  const [paid, setPaid] = useState<OrderFieldsFragment | null>(null);

  const applyCoupon = async (): Promise<void> => {
    const code = couponText.trim();
    if (!code) return;
    setApplying(true);
    setCouponError(null);
    try {
      // Asked first, so a refused code shows at its field while the summary keeps the last good quote.
      const { data } = await client.query({
        query: CheckoutQuoteQuery,
        variables: { input: { items, couponCode: code } },
        fetchPolicy: 'network-only',
      });
      const problem = data.checkoutQuote.userErrors.find(isCouponError);
      if (problem) setCouponError(problem.message);
      else {
        setCouponCode(code);
        attempt.settle();
      }
    } catch {
      setCouponError('The coupon could not be checked. Please try again.');
    } finally {
      setApplying(false);
    }
  };

  const removeCoupon = (): void => {
    setCouponCode(null);
    setCouponText('');
    setCouponError(null);
    attempt.settle();
  };

  const pay = async (payment: PaymentInput): Promise<void> => {
    setUnreachable(false);
    setDeclineReason(null);
    let payload;
    try {
      const answer = await create({
        variables: {
          input: {
            items,
            couponCode,
            payment,
            idempotencyKey: attempt.current(),
            ...(options.organizationId ? { organizationId: options.organizationId } : {}),
          },
        },
      });
      payload = answer.data?.checkoutCreate;
    } catch {
      // The charge may have happened: the key is kept, so trying again replays it.
      setUnreachable(true);
      return;
    }
    attempt.settle();
    if (!payload) return;
    if (payload.userErrors.some((error) => error.code === 'TEST_CARD_NOT_ACCEPTED')) {
      setCardAccepted(false);
      return pay({ returnUrl: payment.returnUrl });
    }
    setErrors(payload.userErrors);
    const order = payload.order;
    if (!order) return;
    if (order.status === 'PAID') {
      forgetOrderAccess(client.cache, order);
      setPaid(order);
    } else if (order.status === 'DECLINED') {
      setDeclineReason(order.payment.declineReason ?? 'Your card was declined.');
      handlers.onDeclined?.();
    } else if (order.payment.checkoutUrl) {
      await handlers.onRedirect(order, order.payment.checkoutUrl);
    }
  };

  return {
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
  };
}
