/**
 * The events commerce writes to its outbox: `entitlement.changed` (the kit's contract, consumed by
 * every service that enforces course access), `order.paid` and `order.refunded`.
 */
import { ENTITLEMENT_CHANGED, type EntitlementChanged } from '@learncraft/kit';
import type { Money } from './money';

export const ORDER_PAID = 'order.paid';
export const ORDER_REFUNDED = 'order.refunded';

export interface OrderPaid {
  orderId: string;
  buyerId: string;
  total: Money;
}

export interface OrderRefunded {
  orderId: string;
  buyerId: string;
  amount: Money;
}

interface Grant {
  id: string;
  userId: string;
  courseId: string | null;
}

interface SettledOrder {
  id: string;
  buyerId: string;
  total: number;
  currency: string;
}

export function entitlementChanged(grant: Grant, change: EntitlementChanged['change']) {
  const payload: EntitlementChanged = {
    entitlementId: grant.id,
    userId: grant.userId,
    courseIds: grant.courseId === null ? null : [grant.courseId],
    change,
  };
  return { topic: ENTITLEMENT_CHANGED, payload };
}

export function orderPaidEvents(order: SettledOrder, granted: Grant[]) {
  const payload: OrderPaid = {
    orderId: order.id,
    buyerId: order.buyerId,
    total: { amount: order.total, currency: order.currency },
  };
  return [...granted.map((grant) => entitlementChanged(grant, 'GRANTED')), { topic: ORDER_PAID, payload }];
}

export function orderRefundedEvents(order: SettledOrder, revoked: Grant[]) {
  const payload: OrderRefunded = {
    orderId: order.id,
    buyerId: order.buyerId,
    amount: { amount: order.total, currency: order.currency },
  };
  return [
    ...revoked.map((grant) => entitlementChanged(grant, 'REVOKED')),
    { topic: ORDER_REFUNDED, payload },
  ];
}
