/**
 * Revenue split of one paid line between its instructors and the platform.
 *
 * Rounding: the instructors' pool is floor(total × bps / 10 000), so the platform keeps any
 * fraction of a cent. The pool is split equally among the distinct instructors, sorted by id
 * ascending; the cents that do not divide go one each to the first ones. Shares plus platform
 * always equal the total exactly. With no instructors everything goes to the platform.
 */
import type { Money } from './money';

export interface RevenueSplit {
  instructorShares: { instructorId: string; amount: Money }[];
  platform: Money;
}

/** `instructorShareBps`: the instructors' part in basis points, an integer 0..10 000 (70 % = 7000). */
export function splitRevenue(
  lineTotal: Money,
  instructorIds: string[],
  instructorShareBps: number,
): RevenueSplit {
  if (!Number.isInteger(instructorShareBps) || instructorShareBps < 0 || instructorShareBps > 10_000) {
    throw new RangeError(`instructorShareBps must be an integer from 0 to 10000, not ${instructorShareBps}.`);
  }
  const { currency } = lineTotal;
  const instructors = [...new Set(instructorIds)].sort();
  if (instructors.length === 0) return { instructorShares: [], platform: { ...lineTotal } };
  const pool = Math.floor((lineTotal.amount * instructorShareBps) / 10_000);
  const each = Math.floor(pool / instructors.length);
  const extra = pool - each * instructors.length;
  return {
    instructorShares: instructors.map((instructorId, index) => ({
      instructorId,
      amount: { amount: each + (index < extra ? 1 : 0), currency },
    })),
    platform: { amount: lineTotal.amount - pool, currency },
  };
}
