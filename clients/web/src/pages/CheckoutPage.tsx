/**
 * Checkout of one course (`?course=<id>`) or one plan (`?plan=<id>`): the order summary from
 * `checkoutQuote`, a coupon field that re-quotes, and the payment.
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
import { useApolloClient, useMutation, useQuery } from '@apollo/client';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { OrderSummary } from '../components/OrderSummary';
import { PageSkeleton } from '../components/Skeleton';
import type { OrderFieldsFragment, PaymentInput } from '../graphql/generated/graphql';
import { CheckoutCreateMutation, CheckoutQuoteQuery, CourseEnrollMutation } from '../graphql/operations';
import { forgetOrderAccess } from '../lib/courseAccess';
import { checkoutItemParam, coursePath, orderPath, PENDING_ORDER_KEY, type CheckoutItem } from '../lib/paths';
import { useAttemptKey } from '../lib/useAttemptKey';
import { useTitle } from '../lib/useTitle';
import { Field, fieldError, FieldMessage, FormMessages, formText, type FormUserError } from './authForm';

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
  return <Checkout key={search.toString()} item={item} />;
}

/** The card's other fields (TestCardInput's names): label, autocomplete token and length. */
const CARD_DETAILS = [
  ['expiryMonth', 'Expiry month (MM)', 'cc-exp-month', 2],
  ['expiryYear', 'Expiry year (YYYY)', 'cc-exp-year', 4],
  ['cvc', 'CVC', 'cc-csc', 4],
] as const;

const isCouponError = (error: FormUserError) =>
  error.code.startsWith('COUPON_') || error.field?.at(-1) === 'couponCode';

function Checkout({ item }: { item: CheckoutItem }) {
  const client = useApolloClient();
  const items = [item];
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
  const numberInput = useRef<HTMLInputElement>(null);

  const applyCoupon = async (event: FormEvent) => {
    event.preventDefault();
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

  const removeCoupon = () => {
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
        variables: { input: { items, couponCode, payment, idempotencyKey: attempt.current() } },
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
      if (numberInput.current) {
        numberInput.current.value = '';
        numberInput.current.focus();
      }
    } else if (order.payment.checkoutUrl) {
      sessionStorage.setItem(PENDING_ORDER_KEY, order.id);
      window.location.assign(order.payment.checkoutUrl);
    }
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
