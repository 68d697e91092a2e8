/**
 * orderRefund and Order.refundEligibility: the refund rules (`refundDecision`: ADMINs always, the
 * buyer within the window and under the completion limit, from progress), then the provider's
 * refund (none for a free order), then one transaction that refunds, revokes the grants, ends a
 * plan subscription, reverses the instructors' earnings and writes the outbox events.
 */
import { hasRole, notFound, userError, type Logger, type UserError, type Viewer } from '@learncraft/kit';
import { orderRefundedEvents } from '../domain/events';
import { refundDecision, type RefundPolicy } from '../domain/refundPolicy';
import { PaymentProviderError, type PaymentProvider } from '../providers/types';
import type { CommerceStore, OrderRecord } from '../stores/commerceStore';
import type { ProgressClient } from '../stores/progressClient';
import { fingerprintOf, isIdempotencyKey } from './checkout';
import type { OutboxRelay } from './outbox';

export interface OrderRefundInput {
  orderId: string;
  reason: string;
  idempotencyKey: string;
}

export interface RefundServiceDeps {
  store: CommerceStore;
  provider: PaymentProvider;
  progress: ProgressClient;
  relay: OutboxRelay;
  policy: RefundPolicy;
  logger: Logger;
  now: () => Date;
}

type Decision = ReturnType<typeof refundDecision>;

/** Whether the viewer may see an order: its buyer or an ADMIN. */
export const canSeeOrder = (viewer: Viewer, order: OrderRecord) =>
  order.buyerId === viewer.id || hasRole(viewer, 'ADMIN');

export class RefundService {
  constructor(private readonly deps: RefundServiceDeps) {}

  async eligibility(viewer: Viewer, order: OrderRecord): Promise<Decision> {
    const isAdmin = hasRole(viewer, 'ADMIN');
    const needsProgress = !isAdmin && order.status === 'PAID' && order.buyerId === viewer.id;
    const completionPercents = needsProgress ? await this.completion(order) : [];
    return refundDecision({
      viewer: { id: viewer.id, isAdmin },
      order: { buyerId: order.buyerId, status: order.status, paidAt: order.paidAt },
      completionPercents,
      now: this.deps.now(),
      policy: this.deps.policy,
    });
  }

  async refund(
    viewer: Viewer,
    input: OrderRefundInput,
  ): Promise<{ order: OrderRecord | null; userErrors: UserError[] }> {
    const { store } = this.deps;
    const refuse = (...userErrors: UserError[]) => ({ order: null, userErrors });
    const [order] = await store.ordersByIds([input.orderId]);
    if (!order || !canSeeOrder(viewer, order)) throw notFound('Order', input.orderId);
    const reason = input.reason.trim();
    if (reason.length < 1 || reason.length > 500)
      return refuse(
        userError('INVALID_REASON', 'Give a reason of 1 to 500 characters.', ['input', 'reason']),
      );
    if (!isIdempotencyKey(input.idempotencyKey))
      return refuse(
        userError('INVALID_IDEMPOTENCY_KEY', 'The idempotency key must be 8 to 200 characters.', [
          'input',
          'idempotencyKey',
        ]),
      );
    const fingerprint = fingerprintOf({ orderId: order.id, reason });
    const reused = userError(
      'IDEMPOTENCY_KEY_REUSED',
      'This idempotency key was already used for another refund.',
      ['input', 'idempotencyKey'],
    );
    const earlier = await store.refundByIdempotencyKey(viewer.id, input.idempotencyKey);
    if (earlier)
      return earlier.requestFingerprint === fingerprint ? { order, userErrors: [] } : refuse(reused);

    const decision = await this.eligibility(viewer, order);
    if (!decision.eligible) return refuse(userError(decision.code, decision.message, ['input', 'orderId']));

    let providerRefundId: string | null = null;
    if (order.total > 0 && order.providerPaymentId) {
      try {
        ({ refundId: providerRefundId } = await this.deps.provider.refund({
          paymentId: order.providerPaymentId,
          amount: { amount: order.total, currency: order.currency },
          reason,
          idempotencyKey: `refund:${order.id}`,
        }));
      } catch (error) {
        if (!(error instanceof PaymentProviderError)) throw error;
        this.deps.logger.warn('the payment provider refused the refund', {
          orderId: order.id,
          error: error.message,
        });
        return refuse(
          userError(
            'REFUND_FAILED',
            'The payment provider could not refund this order now; try again later.',
            ['input', 'orderId'],
          ),
        );
      }
    }
    const result = await store.applyRefund({
      orderId: order.id,
      requestedBy: viewer.id,
      reason,
      idempotencyKey: input.idempotencyKey,
      requestFingerprint: fingerprint,
      providerRefundId,
      at: this.deps.now(),
      events: orderRefundedEvents,
    });
    switch (result.kind) {
      case 'REFUNDED':
        this.deps.relay.kick();
        return { order: result.order, userErrors: [] };
      case 'EXISTING':
        return result.refund.requestFingerprint === fingerprint
          ? { order: (await store.ordersByIds([order.id]))[0] ?? order, userErrors: [] }
          : refuse(reused);
      case 'ALREADY_REFUNDED':
        return refuse(
          userError('ALREADY_REFUNDED', 'This order has already been refunded.', ['input', 'orderId']),
        );
      case 'NOT_PAID':
        return refuse(userError('NOT_PAID', 'Only paid orders can be refunded.', ['input', 'orderId']));
    }
  }

  private async completion(order: OrderRecord): Promise<number[]> {
    const lines = await this.deps.store.linesByOrders([order.id]);
    const courseIds = lines.flatMap((line) => line.courseId ?? []);
    const statuses = await Promise.all(
      courseIds.map((courseId) => this.deps.progress.learnerCourseStatus(order.buyerId, courseId)),
    );
    return statuses.map((status) => status.progressPercent);
  }
}
