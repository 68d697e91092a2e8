/**
 * Plan subscriptions: cancelling stops renewal (access lasts until the period end). There is no
 * automatic renewal charge on the test provider: at the period end the sweep ends every
 * subscription (canceled or not) and announces the revoked grant.
 */
import { hasRole, notFound, userError, type Logger, type UserError, type Viewer } from '@learncraft/kit';
import { entitlementChanged } from '../domain/events';
import type { CommerceStore, SubscriptionRecord } from '../stores/commerceStore';
import type { OutboxRelay } from './outbox';

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

/**
 * The periodic sweeps: PENDING orders past their expiry are canceled (coupons released) and
 * subscriptions past their period end are ended.
 */
export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: {
      store: CommerceStore;
      relay: OutboxRelay;
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

  async sweep(): Promise<{ expiredOrders: number; endedSubscriptions: number }> {
    await this.running;
    const now = this.deps.now();
    const work = (async () => {
      const expiredOrders = await this.deps.store.expirePending(now);
      const endedSubscriptions = await this.deps.store.endLapsedSubscriptions(now, (subscription) => [
        entitlementChanged(
          { id: subscription.entitlementId, userId: subscription.userId, courseId: null },
          'REVOKED',
        ),
      ]);
      if (endedSubscriptions > 0) this.deps.relay.kick();
      return { expiredOrders, endedSubscriptions };
    })();
    this.running = work.then(
      () => undefined,
      () => undefined,
    );
    return work;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
