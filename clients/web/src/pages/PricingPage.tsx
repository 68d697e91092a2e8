/**
 * Pricing: the all-access plans with a Subscribe button each, and the signed-in viewer's current
 * subscription (its status, when the paid period ends, and a way to stop it renewing).
 */
import { useMutation, useQuery } from '@apollo/client';
import { Link } from 'react-router';
import { useSession } from '../auth/SessionContext';
import { EmptyState, ErrorState } from '../components/ErrorState';
import { INTERVAL_WORDS } from '../components/PurchaseActions';
import { CardGridSkeleton } from '../components/Skeleton';
import type { PlanSubscriptionFieldsFragment } from '@learncraft/operations/types';
import { PlanSubscriptionCancelMutation, PlanSubscriptionQuery, PlansQuery } from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { checkoutPath } from '../lib/paths';
import { useTitle } from '../lib/useTitle';

export default function PricingPage() {
  useTitle('Pricing');
  const session = useSession();
  const plans = useQuery(PlansQuery);
  const subscription = useQuery(PlanSubscriptionQuery, { skip: session.status !== 'signedIn' });
  const current = subscription.data?.me?.planSubscription ?? null;
  const personal = plans.data?.plans.filter((plan) => !plan.perSeat);
  const team = plans.data?.plans.filter((plan) => plan.perSeat) ?? [];

  return (
    <div className="page">
      <h1>Pricing</h1>
      <p className="lead">Free courses stay free. A plan opens every paid course while it lasts.</p>
      {current && <CurrentSubscription subscription={current} />}
      {plans.loading && !plans.data ? (
        <CardGridSkeleton count={2} />
      ) : plans.error && !plans.data ? (
        <ErrorState
          error={plans.error}
          onRetry={() => plans.refetch()}
          title="The plans could not be loaded"
        />
      ) : personal?.length === 0 ? (
        <EmptyState title="No plans are on sale right now" />
      ) : (
        <ul className="plan-list">
          {personal?.map((plan) => (
            <li key={plan.id} className="card plan-card">
              <div className="card-body">
                <h2>{plan.name}</h2>
                <p className="price">
                  {plan.price.formatted}
                  <span className="per"> / {INTERVAL_WORDS[plan.interval]}</span>
                </p>
                <p>{plan.description}</p>
                {current?.plan.id === plan.id ? (
                  <p className="completed-note">Your current plan</p>
                ) : (
                  <Link
                    className="button"
                    to={checkoutPath({ planId: plan.id })}
                    aria-label={`Subscribe to ${plan.name}`}
                  >
                    Subscribe
                  </Link>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {team.map((plan) => (
        <section key={plan.id} className="card plan-card" aria-labelledby={`team-${plan.id}`}>
          <div className="card-body">
            <h2 id={`team-${plan.id}`}>{plan.name}</h2>
            <p className="price">
              {plan.price.formatted}
              <span className="per"> per seat / {INTERVAL_WORDS[plan.interval]}</span>
            </p>
            <p>{plan.description}</p>
            <Link className="button secondary" to="/organizations">
              Buy seats for your organization
            </Link>
          </div>
        </section>
      ))}
    </div>
  );
}

const STATUS_WORDS: Record<PlanSubscriptionFieldsFragment['status'], string> = {
  ACTIVE: 'Active',
  CANCELED: 'Canceled',
  ENDED: 'Ended',
};

function CurrentSubscription({ subscription }: { subscription: PlanSubscriptionFieldsFragment }) {
  const [cancel, canceling] = useMutation(PlanSubscriptionCancelMutation);
  const userError = canceling.data?.planSubscriptionCancel.userErrors[0];
  const end = formatDate(subscription.currentPeriodEnd);
  return (
    <section className="subscription-box" aria-labelledby="subscription-heading">
      <h2 id="subscription-heading">Your subscription: {subscription.plan.name}</h2>
      <p>
        Status: {STATUS_WORDS[subscription.status]}.{' '}
        {subscription.renews ? `Renews on ${end}.` : `Access ends on ${end}; it will not renew.`}
      </p>
      {subscription.renews && (
        <button
          type="button"
          className="button secondary"
          disabled={canceling.loading}
          onClick={() =>
            void cancel({ variables: { input: { subscriptionId: subscription.id } } }).catch(() => undefined)
          }
        >
          {canceling.loading ? 'Canceling…' : 'Cancel renewal'}
        </button>
      )}
      <div role="status">
        {canceling.data?.planSubscriptionCancel.planSubscription && (
          <p>Renewal canceled. You keep access until {end}.</p>
        )}
      </div>
      {(userError || canceling.error) && (
        <p className="form-error" role="alert">
          {userError?.message ?? 'Canceling failed. Please try again.'}
        </p>
      )}
    </section>
  );
}
