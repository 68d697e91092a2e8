/**
 * What instructors earned: User.earnings (the instructor or an ADMIN) and the ADMINs' payouts
 * report for a window of at most 366 days. Course sales only: plan revenue stays with the platform.
 */
import { badUserInput, forbidden, hasRole, requireRole, type Viewer } from '@learncraft/kit';
import { sumByCurrency, type Money } from '../domain/money';
import type { CommerceStore, PayoutRow } from '../stores/commerceStore';

export const MAX_PAYOUT_WINDOW_DAYS = 366;

export interface PayoutReport {
  from: Date;
  to: Date;
  payouts: PayoutRow[];
  grossSales: Money[];
  platformShare: Money[];
}

/** The instructor whose earnings the viewer may read; FORBIDDEN for anyone else's. */
export function earningsOwner(viewer: Viewer, userId: string): { instructorId: string } {
  if (viewer.id !== userId && !hasRole(viewer, 'ADMIN'))
    throw forbidden('Only the instructor and ADMINs see earnings.');
  return { instructorId: userId };
}

export async function payoutReport(
  store: CommerceStore,
  viewer: Viewer,
  from: Date,
  to: Date,
): Promise<PayoutReport> {
  requireRole(viewer, 'ADMIN');
  if (to <= from) throw badUserInput('"to" must be after "from".', 'to');
  if (to.getTime() - from.getTime() > MAX_PAYOUT_WINDOW_DAYS * 86_400_000)
    throw badUserInput(`The window is at most ${MAX_PAYOUT_WINDOW_DAYS} days.`, 'to');
  const [payouts, gross, refunded] = await Promise.all([
    store.payouts(from, to),
    store.grossSales(from, to),
    store.refundedAmounts(from, to),
  ]);
  const negate = (money: Money) => ({ amount: -money.amount, currency: money.currency });
  // What buyers paid, less refunds, less what instructors earned net: the platform's share.
  const platformShare = sumByCurrency([
    ...gross,
    ...refunded.map(negate),
    ...payouts.map((row) => negate({ amount: row.amount, currency: row.currency })),
  ]);
  return { from, to, payouts, grossSales: sumByCurrency(gross), platformShare };
}
