/**
 * Applying the payment provider's outcomes: the test provider's immediate result and Stripe's
 * webhook events go through `confirm`, which settles an order once (grants, earnings, outbox in
 * one transaction, see CommerceStore.applyPaymentEvent) and then kicks the outbox relay.
 */
import type { Logger } from '@learncraft/kit';
import { orderPaidEvents } from '../domain/events';
import { splitRevenue } from '../domain/revenue';
import type { PaymentEvent, ProviderKind } from '../providers/types';
import type { CommerceStore, PaymentOutcome } from '../stores/commerceStore';
import type { OutboxRelay } from './outbox';

export interface PaymentServiceDeps {
  store: CommerceStore;
  relay: OutboxRelay;
  provider: ProviderKind;
  /** The instructors' share of a course sale, in percent. */
  instructorSharePercent: number;
  logger: Logger;
  now: () => Date;
}

export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  async confirm(event: PaymentEvent): Promise<PaymentOutcome> {
    const { store, instructorSharePercent } = this.deps;
    const outcome = await store.applyPaymentEvent(event, {
      provider: this.deps.provider,
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
    return outcome;
  }
}
