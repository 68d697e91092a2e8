/**
 * Applying the payment provider's outcomes: the test provider's immediate result and Stripe's
 * webhook events go through `confirm`, which settles an order once (grants, earnings, outbox in
 * one transaction, see CommerceStore.applyPaymentEvent) and then kicks the outbox relay. A late
 * success for a checkout that a newer one replaced (CANCELED), when the buyer already owns its
 * items through another order, is refunded through the provider and grants nothing.
 */
import type { Logger } from '@learncraft/kit';
import { orderPaidEvents } from '../domain/events';
import { splitRevenue } from '../domain/revenue';
import type { PaymentEvent, PaymentProvider } from '../providers/types';
import type { CommerceStore, PaymentOutcome } from '../stores/commerceStore';
import type { OutboxRelay } from './outbox';

export interface PaymentServiceDeps {
  store: CommerceStore;
  relay: OutboxRelay;
  provider: PaymentProvider;
  /** The instructors' share of a course sale, in percent. */
  instructorSharePercent: number;
  logger: Logger;
  now: () => Date;
}

export const PAID_TWICE_REASON = 'Paid twice; refunded automatically.';
/** Who an automatic refund is recorded as requested by. */
export const AUTOMATIC_REFUNDER = 'commerce';

export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  async confirm(event: PaymentEvent): Promise<PaymentOutcome> {
    const { store, instructorSharePercent } = this.deps;
    const outcome = await store.applyPaymentEvent(event, {
      provider: this.deps.provider.kind,
      at: this.deps.now(),
      split: (total, instructorIds) => splitRevenue(total, instructorIds, instructorSharePercent * 100),
      paidEvents: orderPaidEvents,
    });
    if (outcome === 'AMOUNT_MISMATCH') {
      this.deps.logger.error('payment amount differs from the order total; access not granted', {
        eventId: event.eventId,
        orderId: 'orderId' in event ? event.orderId : null,
      });
    }
    if (outcome === 'PAID') this.deps.relay.kick();
    if (outcome === 'PAID_TWICE' && event.type === 'payment.succeeded') return this.refundPaidTwice(event);
    return outcome;
  }

  /**
   * Refunds the payment through the provider (its idempotency key makes a redelivery one refund),
   * then records it. A provider failure throws, so the webhook answers 500 and Stripe delivers
   * the event again.
   */
  private async refundPaidTwice(event: Extract<PaymentEvent, { type: 'payment.succeeded' }>) {
    const idempotencyKey = `refund:auto:${event.orderId}`;
    // A free order (a 100 % coupon) took no money: nothing to give back through the provider.
    const { refundId } =
      event.amount.amount > 0
        ? await this.deps.provider.refund({
            paymentId: event.paymentId,
            amount: event.amount,
            reason: PAID_TWICE_REASON,
            idempotencyKey,
          })
        : { refundId: null };
    this.deps.logger.warn('a replaced checkout was paid after all; refunded automatically', {
      orderId: event.orderId,
      refundId,
    });
    return this.deps.store.refundPaidTwice(
      event,
      {
        reason: PAID_TWICE_REASON,
        idempotencyKey,
        providerRefundId: refundId,
        at: this.deps.now(),
        requestedBy: AUTOMATIC_REFUNDER,
      },
      this.deps.provider.kind,
    );
  }
}
