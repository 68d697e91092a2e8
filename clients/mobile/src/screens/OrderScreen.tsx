/**
 * One order as a receipt (web's OrderPage): number, status, who was billed, the lines, the totals
 * and the card's last digits. A PENDING order (back from Stripe's hosted checkout) is asked for
 * again every two seconds until it settles. A refund can be requested while `refundEligibility`
 * allows it; otherwise the reason it cannot is shown.
 */
import { useEffect, useRef, useState } from 'react';
import { useApolloClient, useMutation, useQuery } from '@apollo/client';
import type { OrderQuery as OrderData } from '@learncraft/operations/types';
import { OrderQuery, OrderRefundMutation } from '@learncraft/operations';
import { forgetOrderAccess } from '@learncraft/operations/courseAccess';
import { describeError, fieldError, formErrors } from '@learncraft/operations/errors';
import { formatDate, ORDER_STATUS_LABELS } from '@learncraft/operations/format';
import { OrderSummary } from '../components/OrderSummary';
import { useAttemptKey } from '@learncraft/operations/attemptKey';
import type { RootScreenProps } from '../navigation/types';
import { Body, Button, Card, ErrorState, Heading, Loading, Notice, Screen, TextField } from '../ui';

type Order = NonNullable<OrderData['order']>;

/** How often a PENDING order is asked for again while the payment provider settles it. */
const POLL_MS = 2_000;

export default function OrderScreen({ navigation, route }: RootScreenProps<'Order'>) {
  const { orderId } = route.params;
  const client = useApolloClient();
  const [pending, setPending] = useState(false);
  const { data, loading, error, refetch } = useQuery(OrderQuery, {
    variables: { id: orderId },
    fetchPolicy: 'cache-and-network',
    pollInterval: pending ? POLL_MS : 0,
  });
  const order = data?.order;

  // Settled while this screen watched (Stripe's webhook): the course screens must ask for access again.
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

  if (loading && !data) return <Loading label="Loading the order" />;
  if (error && !data)
    return (
      <ErrorState
        title="The order could not be loaded"
        message={describeError(error)}
        onRetry={() => void refetch().catch(() => undefined)}
      />
    );
  if (!order)
    return (
      <Screen>
        <Heading>Order not found</Heading>
        <Button label="See your orders" onPress={() => navigation.replace('Orders')} />
      </Screen>
    );

  const courseLine = order.lines.find((line) => line.course);
  const status =
    ORDER_STATUS_LABELS[order.status] +
    (order.status === 'PENDING' ? ' — waiting for the payment to be confirmed…' : '') +
    (order.status === 'DECLINED' ? ` — ${order.payment.declineReason ?? 'the payment was declined.'}` : '');
  return (
    <Screen>
      <Heading>{`Order ${order.number}`}</Heading>
      <Notice tone={order.status === 'DECLINED' ? 'warning' : order.status === 'PAID' ? 'success' : 'info'}>
        {status}
      </Notice>
      <Card>
        {order.receipt ? <Body>{`Receipt ${order.receipt.number}`}</Body> : null}
        {order.receipt ? <Body>{`Billed to ${order.receipt.billedTo}`}</Body> : null}
        <Body>{`Date ${formatDate(order.receipt?.issuedAt ?? order.createdAt)}`}</Body>
        {order.payment.cardLast4 ? (
          <Body>{`Paid with the card ending in ${order.payment.cardLast4}`}</Body>
        ) : null}
      </Card>
      <OrderSummary
        caption="Receipt"
        lines={order.lines}
        subtotal={order.subtotal}
        discount={order.discount}
        total={order.total}
        couponCode={order.couponCode}
      />
      {order.refund ? (
        <Body>{`Refunded ${order.refund.amount.formatted} on ${formatDate(order.refund.createdAt)}: “${order.refund.reason}”`}</Body>
      ) : null}
      {order.status === 'PAID' && courseLine?.course ? (
        <Button
          label={`Open ${courseLine.title}`}
          onPress={() => navigation.navigate('Course', { slug: courseLine.course?.slug ?? '' })}
        />
      ) : null}
      <Button label="All orders" variant="secondary" onPress={() => navigation.navigate('Orders')} />
      {order.status === 'PAID' ? <RefundRequest order={order} /> : null}
    </Screen>
  );
}

function RefundRequest({ order }: { order: Order }) {
  const client = useApolloClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [refund, refunding] = useMutation(OrderRefundMutation);
  const [unreachable, setUnreachable] = useState(false);
  const attempt = useAttemptKey();
  const errors = refunding.data?.orderRefund.userErrors;
  const eligibility = order.refundEligibility;

  const onSubmit = async () => {
    setUnreachable(false);
    try {
      const answer = await refund({
        variables: {
          input: { orderId: order.id, reason: reason.trim(), idempotencyKey: attempt.current() },
        },
      });
      attempt.settle();
      const refunded = answer.data?.orderRefund.order;
      if (refunded) forgetOrderAccess(client.cache, refunded);
    } catch {
      // Perhaps refunded already: the kept key makes a retry replay it rather than refund twice.
      setUnreachable(true);
    }
  };

  if (!eligibility.eligible) return eligibility.reason ? <Body muted>{eligibility.reason}</Body> : null;
  return (
    <Card>
      <Heading level={2}>Refund</Heading>
      {eligibility.deadline ? (
        <Body>{`You can ask for a refund until ${formatDate(eligibility.deadline)}.`}</Body>
      ) : null}
      {!open ? (
        <Button label="Request a refund" variant="secondary" onPress={() => setOpen(true)} />
      ) : (
        <>
          <Body>The whole order is refunded and its access ends at once.</Body>
          <TextField
            label="Reason"
            value={reason}
            onChangeText={setReason}
            multiline
            maxLength={500}
            error={fieldError(errors, 'reason')}
          />
          <Button
            label={refunding.loading ? 'Refunding…' : 'Confirm refund'}
            variant="danger"
            busy={refunding.loading}
            onPress={() => void onSubmit()}
          />
          <Button label="Keep my purchase" variant="secondary" onPress={() => setOpen(false)} />
          {formErrors(errors).map((message) => (
            <Notice key={message} tone="error">
              {message}
            </Notice>
          ))}
          {unreachable ? (
            <Notice tone="error">
              We could not reach LearnCraft. Try again: you will not be refunded twice.
            </Notice>
          ) : null}
        </>
      )}
    </Card>
  );
}
