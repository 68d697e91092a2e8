/**
 * Checkout of one course (`?course=<id>`) or one plan (`?plan=<id>`), or seats of a team plan for
 * an organization (`?plan=<id>&seats=10&organization=<id>`, from the console's Seats tab): the
 * order summary from `checkoutQuote`, a coupon field that re-quotes, and the payment.
 *
 * Which payment provider the platform runs is not asked for: the page shows the built-in test
 * provider's card form and always sends a `returnUrl`. On the test provider the card settles at once
 * (PAID, or DECLINED with its reason). Stripe refuses test cards with the userError
 * TEST_CARD_NOT_ACCEPTED: the page then hides the card form and retries without it, and Stripe's answer
 * is a PENDING order with a `checkoutUrl` to send the buyer to; its return URL
 * (/checkout/return) opens that order, which polls until Stripe's webhook settles it.
 *
 * Every attempt carries an idempotency key, kept while the same attempt is retried after a network
 * error, so a retry replays the first answer and can never charge twice.
 */
import { useMutation, useQuery } from '@apollo/client';
import { useEffect, useRef, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { OrderSummary } from '../components/OrderSummary';
import { PageSkeleton } from '../components/Skeleton';
import type { OrderFieldsFragment } from '@learncraft/operations/types';
import { CourseEnrollMutation, OrganizationQuery } from '@learncraft/operations';
import { isCouponError, useCheckout } from '@learncraft/operations/useCheckout';
import {
  checkoutItemParam,
  checkoutOrganizationParam,
  coursePath,
  orderPath,
  PENDING_ORDER_KEY,
  type CheckoutItem,
} from '../lib/paths';
import { useTitle } from '../lib/useTitle';
import { Field, fieldError, FieldMessage, FormMessages, formText } from './authForm';

export default function CheckoutPage() {
  useTitle('Checkout');
  const [search] = useSearchParams();
  const item = checkoutItemParam(search);
  if (!item)
    return (
      <div className="page">
        <EmptyState title="Nothing to check out">
          <p>
            Choose a course to buy, or see the <Link to="/pricing">plans</Link>.
          </p>
        </EmptyState>
      </div>
    );
  return <Checkout key={search.toString()} item={item} organizationId={checkoutOrganizationParam(search)} />;
}

/** Whom a team plan's seats are for: "10 seats for Northwind Academy". */
function SeatsFor({ organizationId, seats }: { organizationId: string; seats: number | undefined }) {
  const { data } = useQuery(OrganizationQuery, { variables: { id: organizationId } });
  const name = data?.organization?.name;
  if (!name) return null;
  return (
    <p className="hint seats-for">
      {seats === undefined ? 'Seats' : `${seats} ${seats === 1 ? 'seat' : 'seats'}`} for {name}
    </p>
  );
}

/** The card's other fields (TestCardInput's names): label, autocomplete token and length. */
const CARD_DETAILS = [
  ['expiryMonth', 'Expiry month (MM)', 'cc-exp-month', 2],
  ['expiryYear', 'Expiry year (YYYY)', 'cc-exp-year', 4],
  ['cvc', 'CVC', 'cc-csc', 4],
] as const;

function Checkout({ item, organizationId }: { item: CheckoutItem; organizationId: string | null }) {
  const numberInput = useRef<HTMLInputElement>(null);
  const checkout = useCheckout(
    [item],
    {
      onDeclined: () => {
        if (numberInput.current) {
          numberInput.current.value = '';
          numberInput.current.focus();
        }
      },
      onRedirect: (order, checkoutUrl) => {
        sessionStorage.setItem(PENDING_ORDER_KEY, order.id);
        window.location.assign(checkoutUrl);
      },
    },
    { organizationId },
  );
  const {
    quote,
    couponCode,
    couponText,
    setCouponText,
    couponError,
    applying,
    removeCoupon,
    pay,
    creating,
    cardAccepted,
    errors,
    declineReason,
    unreachable,
    paid,
  } = checkout;

  const applyCoupon = (event: FormEvent) => {
    event.preventDefault();
    void checkout.applyCoupon();
  };

  const onPay = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const returnUrl = `${window.location.origin}/checkout/return`;
    const number = formText(form, 'number');
    void pay(
      cardAccepted && number.trim()
        ? {
            returnUrl,
            testCard: {
              number,
              expiryMonth: wholeNumber(formText(form, 'expiryMonth')),
              expiryYear: wholeNumber(formText(form, 'expiryYear')),
              cvc: formText(form, 'cvc').trim(),
            },
          }
        : { returnUrl },
    );
  };

  if (paid) return <Confirmation order={paid} />;
  if (quote.loading && !quote.data) return <PageSkeleton />;
  if (quote.error && !quote.data)
    return (
      <ErrorState error={quote.error} onRetry={() => quote.refetch()} title="The price could not be loaded" />
    );
  const current = quote.data?.checkoutQuote;
  const refused = current?.userErrors.filter((error) => !isCouponError(error)) ?? [];
  const couponErrorId = 'couponCode-error';

  return (
    <div className="page checkout-page">
      <h1>Checkout</h1>
      {refused.length > 0 || !current?.subtotal || !current.discount || !current.total ? (
        <div className="error-state" role="alert">
          <h2>This cannot be bought</h2>
          {refused.map((error) => (
            <p key={error.code}>{error.message}</p>
          ))}
          <p>
            <Link to="/search">Back to the catalog</Link>
          </p>
        </div>
      ) : (
        <div className="checkout-layout">
          <section aria-labelledby="summary-heading">
            <h2 id="summary-heading">Your order</h2>
            {organizationId && 'planId' in item && (
              <SeatsFor organizationId={organizationId} seats={item.seats} />
            )}
            <div aria-live="polite">
              <OrderSummary
                lines={current.lines}
                subtotal={current.subtotal}
                discount={current.discount}
                total={current.total}
                couponCode={couponCode}
              />
            </div>
            <form className="coupon-form" onSubmit={(event) => void applyCoupon(event)}>
              <label className="field">
                <span>Coupon code</span>
                <input
                  name="couponCode"
                  value={couponCode ?? couponText}
                  onChange={(event) => setCouponText(event.target.value)}
                  readOnly={!!couponCode}
                  autoComplete="off"
                  aria-invalid={couponError ? true : undefined}
                  aria-describedby={couponError ? couponErrorId : undefined}
                />
                <FieldMessage id={couponErrorId} message={couponError ?? undefined} />
              </label>
              {couponCode ? (
                <button type="button" className="button secondary" onClick={removeCoupon}>
                  Remove
                </button>
              ) : (
                <button type="submit" className="button secondary" disabled={applying || !couponText.trim()}>
                  {applying ? 'Applying…' : 'Apply'}
                </button>
              )}
            </form>
          </section>

          <section aria-labelledby="payment-heading">
            <h2 id="payment-heading">Payment</h2>
            <form className="payment-form" onSubmit={onPay} noValidate>
              {cardAccepted ? (
                <>
                  <p className="hint">
                    Test cards: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. Any future
                    expiry and any CVC.
                  </p>
                  <Field
                    label="Card number"
                    name="number"
                    type="text"
                    inputMode="numeric"
                    autoComplete="cc-number"
                    maxLength={23}
                    inputRef={numberInput}
                    error={fieldError(errors, 'number')}
                  />
                  <div className="field-row">
                    {CARD_DETAILS.map(([name, label, autoComplete, maxLength]) => (
                      <Field
                        key={name}
                        label={label}
                        name={name}
                        type="text"
                        inputMode="numeric"
                        autoComplete={autoComplete}
                        maxLength={maxLength}
                        error={fieldError(errors, name)}
                      />
                    ))}
                  </div>
                </>
              ) : (
                <p>You will enter your card on Stripe&apos;s secure payment page.</p>
              )}
              <div role="alert">
                {declineReason && <p className="form-error">Payment declined: {declineReason}</p>}
                {unreachable && (
                  <p className="form-error">
                    We could not reach LearnCraft. Try again: you will not be charged twice.
                  </p>
                )}
                <FormMessages errors={errors.filter((error) => error.message !== declineReason)} />
              </div>
              <button type="submit" className="button" disabled={creating.loading}>
                {creating.loading
                  ? 'Paying…'
                  : cardAccepted
                    ? `Pay ${current.total.formatted}`
                    : 'Continue to payment'}
              </button>
            </form>
          </section>
        </div>
      )}
    </div>
  );
}

/** "07" → 7; anything but digits → 0, which the API refuses at its field. */
function wholeNumber(text: string): number {
  return /^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : 0;
}

/** A paid order: its receipt number and the way into what was bought. */
function Confirmation({ order }: { order: OrderFieldsFragment }) {
  const navigate = useNavigate();
  const course = order.lines.find((line) => line.course)?.course ?? null;
  const [enroll, enrolling] = useMutation(CourseEnrollMutation);
  const userError = enrolling.data?.courseEnroll.userErrors[0];
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const startLearning = async () => {
    if (!course) return void navigate('/');
    const answer = await enroll({ variables: { input: { courseId: course.id } } }).catch(() => null);
    if (answer?.data?.courseEnroll.enrollment) void navigate(coursePath(course.slug));
  };

  return (
    <div className="page checkout-page">
      <section className="confirmation" role="status" aria-labelledby="paid-heading">
        <h1 id="paid-heading" ref={heading} tabIndex={-1}>
          Thank you — payment received
        </h1>
        <p>
          {order.total.formatted} paid
          {order.payment.cardLast4 ? ` with the card ending in ${order.payment.cardLast4}` : ''}. Receipt{' '}
          <strong>{order.receipt?.number ?? order.number}</strong>.
        </p>
        <p className="actions">
          <button
            type="button"
            className="button"
            disabled={enrolling.loading}
            onClick={() => void startLearning()}
          >
            {enrolling.loading ? 'Opening…' : 'Start learning'}
          </button>
          <Link to={orderPath(order.id)}>View the receipt</Link>
        </p>
        {(userError || enrolling.error) && (
          <p className="form-error" role="alert">
            {userError?.message ?? 'Enrolling failed. Please try again.'}
          </p>
        )}
      </section>
    </div>
  );
}
