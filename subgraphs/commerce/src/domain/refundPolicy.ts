/**
 * Refund policy: whether a viewer may refund an order now, and until when.
 *
 * Admins may refund any PAID order at any time (no deadline). The buyer may refund a PAID order
 * before paidAt + windowDays (the deadline itself is too late) while every course of the order
 * is completed less than maxCompletionPercent. Someone else's order is NOT_YOUR_ORDER before
 * anything about it is told.
 */
export type RefundRefusal =
  'NOT_PAID' | 'ALREADY_REFUNDED' | 'NOT_YOUR_ORDER' | 'REFUND_WINDOW_CLOSED' | 'TOO_MUCH_COMPLETED';

export interface RefundPolicy {
  windowDays: number;
  maxCompletionPercent: number;
}

const DAY_MS = 86_400_000;

export function refundDecision(input: {
  viewer: { id: string; isAdmin: boolean };
  order: { buyerId: string; status: string; paidAt: Date | null };
  /** Completion of each course the order grants, 0..100. */
  completionPercents: number[];
  now: Date;
  policy: RefundPolicy;
}):
  | { eligible: true; deadline: Date | null }
  | { eligible: false; code: RefundRefusal; message: string; deadline: Date | null } {
  const { viewer, order, policy } = input;
  if (!viewer.isAdmin && viewer.id !== order.buyerId) {
    return {
      eligible: false,
      code: 'NOT_YOUR_ORDER',
      message: 'Only the buyer can refund this order.',
      deadline: null,
    };
  }
  if (order.status === 'REFUNDED') {
    return {
      eligible: false,
      code: 'ALREADY_REFUNDED',
      message: 'This order is already refunded.',
      deadline: null,
    };
  }
  if (order.status !== 'PAID' || !order.paidAt) {
    return {
      eligible: false,
      code: 'NOT_PAID',
      message: 'Only a paid order can be refunded.',
      deadline: null,
    };
  }
  if (viewer.isAdmin) return { eligible: true, deadline: null };
  const deadline = new Date(order.paidAt.getTime() + policy.windowDays * DAY_MS);
  if (input.now.getTime() >= deadline.getTime()) {
    return {
      eligible: false,
      code: 'REFUND_WINDOW_CLOSED',
      message: `Refunds are possible for ${policy.windowDays} days after payment; that time has passed.`,
      deadline,
    };
  }
  if (input.completionPercents.some((percent) => percent >= policy.maxCompletionPercent)) {
    return {
      eligible: false,
      code: 'TOO_MUCH_COMPLETED',
      message: `A course of this order is ${policy.maxCompletionPercent} % or more completed, so it cannot be refunded.`,
      deadline,
    };
  }
  return { eligible: true, deadline };
}
