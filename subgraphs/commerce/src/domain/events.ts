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

/**
 * A seat taken or given back: `entitlement.changed` for its holder (every paid course), so the
 * services' cached decisions about them drop.
 */
export function seatChanged(seat: { id: string; userId: string }, change: EntitlementChanged['change']) {
  return entitlementChanged({ id: seat.id, userId: seat.userId, courseId: null }, change);
}

/** REVOKED to each holder of a team grant's seats (the grant's id names the change). */
export function seatHoldersRevoked(grantId: string, seatHolders: readonly string[]) {
  return seatHolders.map((userId) => entitlementChanged({ id: grantId, userId, courseId: null }, 'REVOKED'));
}

export function orderRefundedEvents(
  order: SettledOrder,
  revoked: Grant[],
  seatHolders: readonly string[] = [],
) {
  const payload: OrderRefunded = {
    orderId: order.id,
    buyerId: order.buyerId,
    amount: { amount: order.total, currency: order.currency },
  };
  return [
    ...revoked.map((grant) => entitlementChanged(grant, 'REVOKED')),
    ...revoked.flatMap((grant) => (grant.courseId === null ? seatHoldersRevoked(grant.id, seatHolders) : [])),
    { topic: ORDER_REFUNDED, payload },
  ];
}
