/**
 * One order as a printable receipt: number, date, who was billed, the lines with their discounts,
 * the totals and the card's last four digits. A PENDING order (back from Stripe's hosted checkout)
 * is polled until it is settled. A refund can be requested while `refundEligibility` allows it;
 * otherwise the reason it cannot is shown.
 */
import { useApolloClient, useMutation, useQuery } from '@apollo/client';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { OrderSummary } from '../components/OrderSummary';
import { PageSkeleton } from '../components/Skeleton';
import type { OrderQuery as OrderData } from '@learncraft/operations/types';
import { OrderQuery, OrderRefundMutation } from '@learncraft/operations';
import { forgetOrderAccess } from '@learncraft/operations/courseAccess';
import { formatDate, ORDER_STATUS_LABELS } from '@learncraft/operations/format';
import { coursePath } from '../lib/paths';
import { useAttemptKey } from '@learncraft/operations/attemptKey';
import { useTitle } from '../lib/useTitle';
import { fieldError, FieldMessage, FormMessages, formText } from './authForm';

type Order = NonNullable<OrderData['order']>;

/** How often a PENDING order is asked for again while the payment provider settles it. */
const POLL_MS = 2_000;

export default function OrderPage() {
  const { orderId = '' } = useParams();
  const client = useApolloClient();
  const [pending, setPending] = useState(false);
  const { data, loading, error, refetch } = useQuery(OrderQuery, {
    variables: { id: orderId },
    fetchPolicy: 'cache-and-network',
    pollInterval: pending ? POLL_MS : 0,
  });
  const order = data?.order;
  useTitle(order ? `Order ${order.number}` : data ? 'Order not found' : 'Order');

  // Settled while this page watched (Stripe's webhook): the course pages must ask for access again.
  const wasPending = useRef(false);
  useEffect(() => {
    if (!order) return;
    setPending(order.status === 'PENDING');
    if (order.status === 'PENDING') wasPending.current = true;
    else if (wasPending.current) {
      wasPending.current = false;
      forgetOrderAccess(client.cache, order);
    }
  }, [order, client]);

  if (loading && !data) return <PageSkeleton />;
  if (error && !data)
    return <ErrorState error={error} onRetry={() => refetch()} title="The order could not be loaded" />;
  if (!order)
    return (
      <div className="page">
        <EmptyState title="Order not found">
          <p>
            <Link to="/orders">See your orders</Link>
          </p>
        </EmptyState>
      </div>
    );

  const courseLine = order.lines.find((line) => line.course);
  return (
    <div className="page receipt-page">
      <h1>Order {order.number}</h1>
      <p className="lead" role="status">
        <span className={`order-status status-${order.status.toLowerCase()}`}>
          {ORDER_STATUS_LABELS[order.status]}
        </span>
        {order.status === 'PENDING' && ' — waiting for the payment to be confirmed…'}
        {order.status === 'DECLINED' && ` — ${order.payment.declineReason ?? 'the payment was declined.'}`}
      </p>
      <dl className="receipt-facts">
        {order.receipt && (
          <>
            <dt>Receipt</dt>
            <dd>{order.receipt.number}</dd>
            <dt>Billed to</dt>
            <dd>{order.receipt.billedTo}</dd>
          </>
        )}
        <dt>Date</dt>
        <dd>{formatDate(order.receipt?.issuedAt ?? order.createdAt)}</dd>
        {order.payment.cardLast4 && (
          <>
            <dt>Paid with</dt>
            <dd>Card ending in {order.payment.cardLast4}</dd>
          </>
        )}
      </dl>
      <OrderSummary
        lines={order.lines}
        subtotal={order.subtotal}
        discount={order.discount}
        total={order.total}
        couponCode={order.couponCode}
        caption="Receipt"
      />
      {order.refund && (
        <p>
          Refunded {order.refund.amount.formatted} on {formatDate(order.refund.createdAt)}: “
          {order.refund.reason}”
        </p>
      )}
      <p className="receipt-actions no-print">
        <button type="button" className="button secondary" onClick={() => window.print()}>
          Print
        </button>
        {order.status === 'PAID' && courseLine?.course && (
          <Link to={coursePath(courseLine.course.slug)}>Open {courseLine.title}</Link>
        )}
        <Link to="/orders">All orders</Link>
      </p>
      {order.status === 'PAID' && <RefundRequest order={order} />}
    </div>
  );
}

function RefundRequest({ order }: { order: Order }) {
  const client = useApolloClient();
  const [open, setOpen] = useState(false);
  const [refund, refunding] = useMutation(OrderRefundMutation);
  const [unreachable, setUnreachable] = useState(false);
  const attempt = useAttemptKey();
  const errors = refunding.data?.orderRefund.userErrors;
  const eligibility = order.refundEligibility;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const reason = formText(new FormData(event.currentTarget), 'reason').trim();
    setUnreachable(false);
    try {
      const answer = await refund({
        variables: { input: { orderId: order.id, reason, idempotencyKey: attempt.current() } },
      });
      attempt.settle();
      const refunded = answer.data?.orderRefund.order;
      if (refunded) forgetOrderAccess(client.cache, refunded);
    } catch {
      // Perhaps refunded already: the kept key makes a retry replay it rather than refund twice.
      setUnreachable(true);
    }
  };

  if (!eligibility.eligible)
    return eligibility.reason ? <p className="refund-refused no-print">{eligibility.reason}</p> : null;
  return (
    <section className="refund no-print" aria-labelledby="refund-heading">
      <h2 id="refund-heading">Refund</h2>
      {eligibility.deadline && <p>You can ask for a refund until {formatDate(eligibility.deadline)}.</p>}
      {!open ? (
        <button type="button" className="button secondary" onClick={() => setOpen(true)}>
          Request a refund
        </button>
      ) : (
        <form className="confirm" onSubmit={(event) => void onSubmit(event)}>
          <p>The whole order is refunded and its access ends at once.</p>
          <label className="field grow">
            <span>Reason</span>
            <textarea
              name="reason"
              required
              maxLength={500}
              rows={3}
              aria-invalid={fieldError(errors, 'reason') ? true : undefined}
            />
            <FieldMessage message={fieldError(errors, 'reason')} />
          </label>
          <button type="submit" className="button danger" disabled={refunding.loading}>
            {refunding.loading ? 'Refunding…' : 'Confirm refund'}
          </button>
          <button type="button" className="button secondary" onClick={() => setOpen(false)}>
            Keep my purchase
          </button>
          <div role="alert">
            <FormMessages errors={errors} />
            {unreachable && (
              <p className="form-error">
                We could not reach LearnCraft. Try again: you will not be refunded twice.
              </p>
            )}
          </div>
        </form>
      )}
    </section>
  );
}
