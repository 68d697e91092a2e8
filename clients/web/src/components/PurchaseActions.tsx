/**
 * What a viewer without access to a paid course can do: buy it, subscribe to a plan, or first sign
 * in. Shown on the course page and in place of a locked lesson's material.
 */
import { useQuery } from '@apollo/client';
import { Link, useLocation } from 'react-router';
import type { AccessReason, BillingInterval } from '@learncraft/operations/types';
import { PlansQuery } from '@learncraft/operations';
import { checkoutPath, loginPath } from '../lib/paths';

export const INTERVAL_WORDS: Record<BillingInterval, string> = { MONTH: 'month', YEAR: 'year' };

export function PurchaseActions({
  courseId,
  price,
  reason,
}: {
  courseId: string;
  price: { formatted: string } | null | undefined;
  reason: AccessReason;
}) {
  const location = useLocation();
  // Plans are sorted cheapest first (team plans, sold per seat, aside); they only make the subscribe link's wording more precise.
  const plans = useQuery(PlansQuery, { errorPolicy: 'all' });
  const cheapest = plans.data?.plans.find((plan) => !plan.perSeat);
  if (reason === 'SIGN_IN_REQUIRED')
    return (
      <div className="purchase-actions">
        <Link className="button" to={loginPath(location)}>
          Sign in to buy
        </Link>
      </div>
    );
  return (
    <div className="purchase-actions">
      <Link className="button" to={checkoutPath({ courseId })}>
        {price ? `Buy for ${price.formatted}` : 'Buy'}
      </Link>
      <Link to="/pricing">
        {cheapest
          ? `Or subscribe: all courses from ${cheapest.price.formatted}/${INTERVAL_WORDS[cheapest.interval]}`
          : 'Or subscribe: all courses with a plan'}
      </Link>
    </div>
  );
}
