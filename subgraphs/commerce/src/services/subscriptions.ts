/**
 * Plan subscriptions: cancelling stops renewal (access lasts until the period end). At the period
 * end the sweep renews an ACTIVE subscription that renews by charging its saved payment method
 * (test provider: a renewal order, PAID extends the period with a new grant, DECLINED ends it);
 * a CANCELED one, or one sold as a single period (Stripe), ends and its grant is revoked.
 */
import { hasRole, notFound, userError, type Logger, type UserError, type Viewer } from '@learncraft/kit';
import { entitlementChanged, orderPaidEvents, seatHoldersRevoked } from '../domain/events';
import { orderNumber } from '../domain/orderNumbers';
import { PaymentProviderError, type ChargeResult, type PaymentProvider } from '../providers/types';
import type { CommerceStore, OrderRecord, SubscriptionRecord } from '../stores/commerceStore';
import type { OutboxRelay } from './outbox';

/** A PENDING renewal older than this is a crashed sweep's: it is charged again (same key). */
export const RENEWAL_RETRY_AFTER_MS = 5 * 60_000;

const revokedGrant = (subscription: SubscriptionRecord, seatHolders: string[]) => [
  entitlementChanged(
    { id: subscription.entitlementId, userId: subscription.userId, courseId: null },
    'REVOKED',
  ),
  // A team subscription's seats end with it: their holders' cached decisions drop too.
  ...seatHoldersRevoked(subscription.entitlementId, seatHolders),
];

export async function cancelSubscription(
  deps: { store: CommerceStore; now: () => Date },
  viewer: Viewer,
  subscriptionId: string,
): Promise<{ planSubscription: SubscriptionRecord | null; userErrors: UserError[] }> {
  const [subscription] = await deps.store.subscriptionsByIds([subscriptionId]);
  if (!subscription || (subscription.userId !== viewer.id && !hasRole(viewer, 'ADMIN')))
    throw notFound('PlanSubscription', subscriptionId);
  const field = ['input', 'subscriptionId'];
  if (subscription.status === 'CANCELED')
    return {
      planSubscription: null,
      userErrors: [userError('ALREADY_CANCELED', 'This subscription is already canceled.', field)],
    };
  const canceled =
    subscription.status === 'ACTIVE'
      ? await deps.store.cancelSubscription(subscription.id, deps.now())
      : null;
  if (!canceled)
    return {
      planSubscription: null,
      userErrors: [userError('SUBSCRIPTION_ENDED', 'This subscription has ended.', field)],
    };
  return { planSubscription: canceled, userErrors: [] };
}

export interface SweepReport {
  expiredOrders: number;
  /** Subscriptions renewed for another period. */
  renewedSubscriptions: number;
  /** Subscriptions ended: canceled or sold as one period, or whose renewal was declined. */
  endedSubscriptions: number;
}

/**
 * The periodic sweeps: PENDING orders past their expiry are canceled (coupons released), and
 * subscriptions past their period end are renewed or ended.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      store: CommerceStore;
      relay: OutboxRelay;
      provider: PaymentProvider;
      logger: Logger;
      now: () => Date;
      intervalMs: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.deps.logger.error('sweep failed', { error }));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async sweep(): Promise<SweepReport> {
    await this.running;
    const now = this.deps.now();
    const work = (async () => {
      const expiredOrders = await this.deps.store.expirePending(now);
      const renewals = await this.renewDue(now);
      const lapsed = await this.deps.store.endLapsedSubscriptions(now, revokedGrant);
      const endedSubscriptions = lapsed + renewals.ended;
      if (endedSubscriptions + renewals.renewed > 0) this.deps.relay.kick();
      return { expiredOrders, renewedSubscriptions: renewals.renewed, endedSubscriptions };
    })();
    this.running = work.then(
      () => undefined,
      () => undefined,
    );
    return work;
  }

  /** Charges each due renewal once: the order and the provider share its idempotency key. */
  private async renewDue(now: Date): Promise<{ renewed: number; ended: number }> {
    const { store, logger } = this.deps;
    const staleBefore = new Date(now.getTime() - RENEWAL_RETRY_AFTER_MS);
    let renewed = 0;
    let ended = 0;
    for (const id of await store.dueRenewals(now)) {
      const opened = await store.openRenewal(id, now, staleBefore);
      if (!opened) continue;
      const { order, subscription, plan } = opened;
      const result = await this.charge(order, subscription, `${plan.name}, ${orderNumber(order.sequence)}`);
      if (!result) continue;
      const outcome = await store.completeRenewal({
        orderId: order.id,
        subscriptionId: subscription.id,
        result:
          result.kind === 'succeeded'
            ? { kind: 'PAID', paymentId: result.paymentId }
            : {
                kind: 'DECLINED',
                paymentId: result.kind === 'declined' ? result.paymentId : null,
                reason: result.kind === 'declined' ? result.reason : 'The renewal could not be charged.',
              },
        at: now,
        paidEvents: orderPaidEvents,
        endedEvents: revokedGrant,
      });
      if (outcome === 'RENEWED') renewed += 1;
      if (outcome === 'ENDED') {
        ended += 1;
        logger.info('a plan renewal was declined; the subscription ended', { subscriptionId: id });
      }
    }
    return { renewed, ended };
  }

  /** The renewal's charge; null when the provider failed and a later sweep should try again. */
  private async charge(
    order: OrderRecord,
    subscription: SubscriptionRecord,
    description: string,
  ): Promise<ChargeResult | null> {
    const { provider, logger } = this.deps;
    const unchargeable = (reason: string): ChargeResult => ({ kind: 'declined', paymentId: null, reason });
    if (!provider.chargeSaved || !subscription.paymentMethodId)
      return unchargeable('This payment provider cannot renew the plan.');
    try {
      return await provider.chargeSaved({
        paymentMethodId: subscription.paymentMethodId,
        amount: { amount: order.total, currency: order.currency },
        idempotencyKey: order.idempotencyKey,
        description,
      });
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) throw error;
      logger.warn('the payment provider refused a renewal charge', {
        subscriptionId: subscription.id,
        retryable: error.retryable,
        error: error.message,
      });
      return error.retryable ? null : unchargeable('The payment method could not be charged.');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
