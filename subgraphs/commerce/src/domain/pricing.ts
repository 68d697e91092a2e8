/**
 * Pricing: whether a coupon may be used on a basket, and the quote (lines, discount, totals).
 *
 * Rounding:
 * - PERCENT coupons discount each eligible line by round-half-up(price × percent / 100), in
 *   integer arithmetic, so 50 % of 99 cents is 50 cents and a 100 % coupon makes the line 0.
 * - AMOUNT coupons take min(amountOff, eligible subtotal) and spread it over the eligible lines in
 *   proportion to their prices: each line gets the floor of its exact share, and the cents left
 *   over go one each to the lines with the largest remainders (equal remainders: the earlier
 *   line). The line discounts therefore add up to exactly the coupon's discount.
 * No line's discount exceeds its price, so no total is ever negative.
 */
import type { Money } from './money';

/** Something to buy at its list price; `id` is the courseId or the planId. */
export interface PricedItem {
  kind: 'COURSE' | 'PLAN';
  id: string;
  title: string;
  /** What the line costs before a discount: for a team plan, the price per seat × seats. */
  price: Money;
  /** A team plan's seats (absent for anything else); coupons discount the whole line. */
  quantity?: number;
}

export interface CouponRule {
  id: string;
  code: string;
  kind: 'PERCENT' | 'AMOUNT';
  percentOff: number | null;
  amountOff: Money | null;
  validFrom: Date;
  /** Exclusive. */
  validUntil: Date | null;
  maxRedemptions: number | null;
  redemptionCount: number;
  /** Both empty: every course and plan. */
  courseIds: string[];
  planIds: string[];
  active: boolean;
}

export type CouponProblemCode =
  | 'COUPON_NOT_FOUND'
  | 'COUPON_INACTIVE'
  | 'COUPON_NOT_STARTED'
  | 'COUPON_EXPIRED'
  | 'COUPON_EXHAUSTED'
  | 'COUPON_NOT_APPLICABLE'
  | 'COUPON_CURRENCY_MISMATCH'
  | 'COUPON_ALREADY_USED';

export interface QuotedLine extends PricedItem {
  discount: Money;
  total: Money;
}

export interface Quote {
  currency: string;
  lines: QuotedLine[];
  subtotal: Money;
  discount: Money;
  total: Money;
}

function isEligible(coupon: CouponRule, item: PricedItem): boolean {
  if (coupon.courseIds.length === 0 && coupon.planIds.length === 0) return true;
  return (item.kind === 'COURSE' ? coupon.courseIds : coupon.planIds).includes(item.id);
}

/**
 * Why `coupon` cannot be used on `items` at `now` by this buyer, or null when it can. Checked in
 * this order: exists, active, started (validFrom inclusive), not expired (validUntil exclusive),
 * redemptions left, not used by this buyer before, applies to some item, and (AMOUNT) the
 * currency of the eligible items.
 */
export function couponProblem(
  coupon: CouponRule | null,
  items: PricedItem[],
  now: Date,
  alreadyUsedByBuyer: boolean,
): { code: CouponProblemCode; message: string } | null {
  if (!coupon) return { code: 'COUPON_NOT_FOUND', message: 'There is no coupon with this code.' };
  const name = `The coupon ${coupon.code}`;
  if (!coupon.active) return { code: 'COUPON_INACTIVE', message: `${name} is no longer active.` };
  if (now.getTime() < coupon.validFrom.getTime()) {
    return { code: 'COUPON_NOT_STARTED', message: `${name} cannot be used yet.` };
  }
  if (coupon.validUntil && now.getTime() >= coupon.validUntil.getTime()) {
    return { code: 'COUPON_EXPIRED', message: `${name} has expired.` };
  }
  if (coupon.maxRedemptions !== null && coupon.redemptionCount >= coupon.maxRedemptions) {
    return { code: 'COUPON_EXHAUSTED', message: `${name} has been used up.` };
  }
  if (alreadyUsedByBuyer) {
    return { code: 'COUPON_ALREADY_USED', message: `You have already used the coupon ${coupon.code}.` };
  }
  const eligible = items.filter((item) => isEligible(coupon, item));
  if (eligible.length === 0) {
    return { code: 'COUPON_NOT_APPLICABLE', message: `${name} does not apply to anything in this order.` };
  }
  const amountOff = coupon.kind === 'AMOUNT' ? coupon.amountOff : null;
  if (amountOff && eligible.some((item) => item.price.currency !== amountOff.currency)) {
    return {
      code: 'COUPON_CURRENCY_MISMATCH',
      message: `${name} is in ${amountOff.currency}; this order is in ${eligible[0]?.price.currency}.`,
    };
  }
  return null;
}

/** round-half-up(price × percent / 100), never more than the price. */
function percentDiscount(price: number, percent: number): number {
  const discount = Math.floor((price * Math.min(Math.max(percent, 0), 100) + 50) / 100);
  return Math.min(discount, price);
}

/**
 * `total` split over `weights` in proportion: each gets the floor of its exact share, and the
 * units left go one each to the largest remainders (equal remainders: the earlier one). Sums to
 * `total` exactly; all zeros when the weights sum to 0. BigInt because total × weight can pass
 * 2^53 (MAX_AMOUNT²).
 */
export function spreadAmount(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || sum === 0) return weights.map(() => 0);
  const shares = weights.map((weight) => {
    const exact = BigInt(total) * BigInt(weight);
    return { floor: Number(exact / BigInt(sum)), remainder: Number(exact % BigInt(sum)) };
  });
  const left = total - shares.reduce((a, share) => a + share.floor, 0);
  // The `left` lines with the largest remainders (earlier first on a tie) get one more unit.
  const order = shares
    .map((share, index) => ({ index, remainder: share.remainder }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  const bumped = new Set(order.slice(0, left).map((entry) => entry.index));
  return shares.map((share, index) => share.floor + (bumped.has(index) ? 1 : 0));
}

function lineDiscounts(items: PricedItem[], coupon: CouponRule | null): number[] {
  if (!coupon) return items.map(() => 0);
  const eligible = items.map((item) => isEligible(coupon, item));
  if (coupon.kind === 'PERCENT') {
    return items.map((item, i) =>
      eligible[i] ? percentDiscount(item.price.amount, coupon.percentOff ?? 0) : 0,
    );
  }
  const weights = items.map((item, i) => (eligible[i] ? item.price.amount : 0));
  const eligibleSubtotal = weights.reduce((a, b) => a + b, 0);
  return spreadAmount(Math.min(Math.max(coupon.amountOff?.amount ?? 0, 0), eligibleSubtotal), weights);
}

/**
 * The quote for `items` with `coupon` (already validated: couponProblem returned null), all in
 * one currency. See the module header for how discounts round.
 */
export function quoteItems(
  items: PricedItem[],
  coupon: CouponRule | null,
): { ok: true; quote: Quote } | { ok: false; code: 'MIXED_CURRENCIES' | 'NO_ITEMS'; message: string } {
  const currency = items[0]?.price.currency;
  if (currency === undefined) return { ok: false, code: 'NO_ITEMS', message: 'There is nothing to buy.' };
  if (items.some((item) => item.price.currency !== currency)) {
    return {
      ok: false,
      code: 'MIXED_CURRENCIES',
      message: 'These items are priced in different currencies; buy them in separate orders.',
    };
  }
  const discounts = lineDiscounts(items, coupon);
  const lines = items.map((item, i): QuotedLine => {
    const discount = discounts[i] ?? 0;
    return {
      ...item,
      discount: { amount: discount, currency },
      total: { amount: item.price.amount - discount, currency },
    };
  });
  const sum = (pick: (line: QuotedLine) => Money): Money => ({
    amount: lines.reduce((total, line) => total + pick(line).amount, 0),
    currency,
  });
  return {
    ok: true,
    quote: {
      currency,
      lines,
      subtotal: sum((line) => line.price),
      discount: sum((line) => line.discount),
      total: sum((line) => line.total),
    },
  };
}

/** A team plan line's title: the plan and its seats, e.g. `Team, yearly × 5 seats`. */
export const seatsTitle = (planName: string, seats: number) =>
  `${planName} × ${seats} ${seats === 1 ? 'seat' : 'seats'}`;
