/**
 * The organization's seats (total, used, available, when they end) and, for owners, buying more:
 * a team plan and a number of seats go to the checkout (`/checkout?plan=&seats=&organization=`).
 */
import { useQuery } from '@apollo/client';
import { useState } from 'react';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { PageSkeleton } from '../../components/Skeleton';
import { OrganizationSeatsQuery } from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { checkoutPath, MAX_SEATS } from '../../lib/paths';
import { FieldMessage } from '../authForm';

export function SeatsSection({ organizationId, isOwner }: { organizationId: string; isOwner: boolean }) {
  const { data, loading, error, refetch } = useQuery(OrganizationSeatsQuery, {
    variables: { id: organizationId },
    fetchPolicy: 'cache-and-network',
  });
  const seats = data?.organization?.seats;
  const teamPlans = data?.plans.filter((plan) => plan.perSeat) ?? [];
  return (
    <section aria-labelledby="seats-heading">
      <h2 id="seats-heading">Seats</h2>
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !seats ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The seats could not be loaded" />
      ) : seats ? (
        <>
          <dl className="seat-facts">
            <dt>Total</dt>
            <dd>{seats.total}</dd>
            <dt>Used</dt>
            <dd>{seats.used}</dd>
            <dt>Available</dt>
            <dd>{seats.available}</dd>
            <dt>Renews or ends</dt>
            <dd>{seats.expiresAt ? formatDate(seats.expiresAt) : 'No seats bought'}</dd>
          </dl>
          {isOwner && teamPlans.length > 0 && <BuySeats organizationId={organizationId} plans={teamPlans} />}
        </>
      ) : null}
    </section>
  );
}

function BuySeats({
  organizationId,
  plans,
}: {
  organizationId: string;
  plans: readonly { id: string; name: string; price: { formatted: string } }[];
}) {
  const [planId, setPlanId] = useState(plans[0]!.id);
  const [seatsText, setSeatsText] = useState('10');
  const seats = /^\d{1,4}$/.test(seatsText.trim()) ? Number(seatsText.trim()) : NaN;
  const valid = seats >= 1 && seats <= MAX_SEATS;
  return (
    <div className="inline-form buy-seats">
      <label className="field">
        <span>Team plan</span>
        <select value={planId} onChange={(event) => setPlanId(event.target.value)}>
          {plans.map((plan) => (
            <option key={plan.id} value={plan.id}>
              {plan.name} ({plan.price.formatted} per seat)
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Seats to buy</span>
        <input
          value={seatsText}
          inputMode="numeric"
          onChange={(event) => setSeatsText(event.target.value)}
          aria-invalid={valid ? undefined : true}
          aria-describedby={valid ? undefined : 'seats-error'}
        />
        <FieldMessage
          id="seats-error"
          message={valid ? undefined : `Enter a whole number from 1 to ${MAX_SEATS}.`}
        />
      </label>
      {valid ? (
        <Link className="button" to={checkoutPath({ planId, seats }, organizationId)}>
          Buy seats
        </Link>
      ) : (
        <button type="button" className="button" disabled>
          Buy seats
        </button>
      )}
    </div>
  );
}
