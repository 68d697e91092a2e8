/** Billing periods: when a plan's paid period ends, in calendar months or years (UTC). */
import type { BillingInterval } from '../stores/tables';

/** `start` plus one interval; the 31st of a month becomes the last day of a shorter month. */
export function periodEnd(start: Date, interval: BillingInterval): Date {
  const months = interval === 'MONTH' ? 1 : 12;
  const end = new Date(start);
  const day = end.getUTCDate();
  end.setUTCDate(1);
  end.setUTCMonth(end.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 0)).getUTCDate();
  end.setUTCDate(Math.min(day, lastDay));
  return end;
}
