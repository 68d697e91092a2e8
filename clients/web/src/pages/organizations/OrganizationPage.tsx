/**
 * The organization console (`/organizations/:id`). Owners and managers get its sections as tabs
 * (`?tab=`): members, invitations, seats, progress, and for owners API keys and webhooks. A member
 * sees only that they are a member (and may leave).
 */
import { useQuery } from '@apollo/client';
import { Link, useParams, useSearchParams } from 'react-router';
import { EmptyState, ErrorState } from '../../components/ErrorState';
import { PageSkeleton } from '../../components/Skeleton';
import type { OrganizationRole } from '@learncraft/operations/types';
import { OrganizationQuery } from '@learncraft/operations';
import { ROLE_LABELS } from '../../lib/organizations';
import { useTitle } from '../../lib/useTitle';
import { ApiKeysSection } from './ApiKeysSection';
import { InvitationsSection } from './InvitationsSection';
import { LeaveButton, MembersSection } from './MembersSection';
import { ProgressSection } from './ProgressSection';
import { SeatsSection } from './SeatsSection';
import { WebhooksSection } from './WebhooksSection';

type Tab = 'members' | 'invitations' | 'seats' | 'progress' | 'keys' | 'webhooks';

const TABS: readonly { tab: Tab; label: string; ownersOnly: boolean }[] = [
  { tab: 'members', label: 'Members', ownersOnly: false },
  { tab: 'invitations', label: 'Invitations', ownersOnly: false },
  { tab: 'seats', label: 'Seats', ownersOnly: false },
  { tab: 'progress', label: 'Progress', ownersOnly: false },
  { tab: 'keys', label: 'API keys', ownersOnly: true },
  { tab: 'webhooks', label: 'Webhooks', ownersOnly: true },
];

/** The tabs a role sees: none for a MEMBER. */
export function consoleTabs(role: OrganizationRole | null) {
  if (role !== 'OWNER' && role !== 'MANAGER') return [];
  return TABS.filter((entry) => role === 'OWNER' || !entry.ownersOnly);
}

export default function OrganizationPage() {
  const { id = '' } = useParams();
  const [search] = useSearchParams();
  const { data, loading, error, refetch } = useQuery(OrganizationQuery, { variables: { id } });
  const organization = data?.organization;
  useTitle(organization?.name ?? 'Organization');
  if (loading && !data) return <PageSkeleton />;
  if (error && !data)
    return (
      <ErrorState error={error} onRetry={() => refetch()} title="The organization could not be loaded" />
    );
  if (!organization)
    return (
      <div className="page">
        <EmptyState title="Organization not found">
          <p>
            It does not exist or you are not a member. See <Link to="/organizations">your organizations</Link>
            .
          </p>
        </EmptyState>
      </div>
    );

  const role = organization.viewerRole;
  const tabs = consoleTabs(role);
  if (tabs.length === 0)
    return (
      <div className="page organization-page">
        <h1>{organization.name}</h1>
        <p className="lead">You are a member of {organization.name}.</p>
        <p>
          Courses the organization enrols you in appear in <Link to="/dashboard">My learning</Link>.
        </p>
        <LeaveButton organizationId={organization.id} />
      </div>
    );
  const current = tabs.find((entry) => entry.tab === search.get('tab'))?.tab ?? 'members';
  const isOwner = role === 'OWNER';

  return (
    <div className="page organization-page">
      <h1>{organization.name}</h1>
      <p className="facts">
        <span>You are {role ? ROLE_LABELS[role].toLowerCase() : 'a member'}</span>
        <span>
          {organization.memberCount} {organization.memberCount === 1 ? 'member' : 'members'}
        </span>
      </p>
      <nav aria-label="Console sections" className="console-tabs">
        {tabs.map((entry) => (
          <Link
            key={entry.tab}
            to={`?tab=${entry.tab}`}
            aria-current={entry.tab === current ? 'page' : undefined}
            className={entry.tab === current ? 'active' : undefined}
          >
            {entry.label}
          </Link>
        ))}
      </nav>
      {current === 'members' && <MembersSection organizationId={organization.id} isOwner={isOwner} />}
      {current === 'invitations' && <InvitationsSection organizationId={organization.id} isOwner={isOwner} />}
      {current === 'seats' && <SeatsSection organizationId={organization.id} isOwner={isOwner} />}
      {current === 'progress' && <ProgressSection organizationId={organization.id} />}
      {current === 'keys' && <ApiKeysSection organizationId={organization.id} />}
      {current === 'webhooks' && <WebhooksSection organizationId={organization.id} />}
    </div>
  );
}
