/**
 * An invitation link (`/invitations/:token`): which organization, which role and who invited.
 * Signed out, the visitor logs in or signs up and comes back here; signed in, they accept and land
 * in the organization. A refusal (another account's email, an expired or revoked invitation) is
 * said in words, with what to do next.
 */
import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { EmptyState, ErrorState } from '../../components/ErrorState';
import { PageSkeleton } from '../../components/Skeleton';
import {
  OrganizationInvitationAcceptMutation,
  OrganizationInvitationByTokenQuery,
} from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { useSession } from '../../auth/SessionContext';
import { organizationPath, ROLE_LABELS } from '../../lib/organizations';
import { useTitle } from '../../lib/useTitle';
import type { FormUserError } from '../authForm';
import { answerErrors } from './consoleParts';

/** What a refused acceptance tells the person, by userError code (the API's message otherwise). */
export const ACCEPT_ERROR_MESSAGES: Record<string, string> = {
  EMAIL_MISMATCH:
    'This invitation was sent to another email address. Log in with the invited address to accept it.',
  INVITATION_EXPIRED: 'This invitation has expired. Ask the organization to invite you again.',
  INVITATION_INVALID: 'This invitation link is not valid any more. Ask the organization for a new one.',
  ALREADY_MEMBER: 'You are already a member of this organization.',
};

export default function InvitationPage() {
  useTitle('Invitation');
  const { token = '' } = useParams();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const { data, loading, error, refetch } = useQuery(OrganizationInvitationByTokenQuery, {
    variables: { token },
  });
  // My organizations asks the network again whenever it opens: nothing to refetch here.
  const [accept, accepting] = useMutation(OrganizationInvitationAcceptMutation);
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);

  if (loading && !data) return <PageSkeleton />;
  if (error && !data)
    return <ErrorState error={error} onRetry={() => refetch()} title="The invitation could not be loaded" />;
  const invitation = data?.organizationInvitation;
  if (!invitation)
    return (
      <div className="page">
        <EmptyState title="Invitation not found">
          <p>The link is incomplete or no longer valid. Ask the organization to invite you again.</p>
        </EmptyState>
      </div>
    );

  const onAccept = async () => {
    const answer = await accept({ variables: { input: { token } } }).catch(() => null);
    const payload = answer?.data?.organizationInvitationAccept;
    setErrors(answerErrors(payload, 'Accepting failed. Please try again.'));
    if (payload?.member) void navigate(organizationPath(payload.member.organization.id));
  };

  const here = encodeURIComponent(location.pathname);
  const closed =
    invitation.status === 'PENDING'
      ? null
      : invitation.status === 'EXPIRED'
        ? ACCEPT_ERROR_MESSAGES.INVITATION_EXPIRED
        : invitation.status === 'REVOKED'
          ? 'This invitation was withdrawn by the organization.'
          : 'This invitation has already been accepted.';

  return (
    <div className="page invitation-page">
      <h1>Join {invitation.organization.name}</h1>
      <p className="lead">
        {invitation.invitedBy ? `${invitation.invitedBy.displayName} invited` : 'You are invited:'}{' '}
        {invitation.email} to join {invitation.organization.name} as{' '}
        {ROLE_LABELS[invitation.role].toLowerCase()}.
      </p>
      <p>Valid until {formatDate(invitation.expiresAt)}.</p>
      {closed ? (
        <p className="form-error" role="alert">
          {closed}
        </p>
      ) : session.status === 'signedIn' ? (
        <>
          <button
            type="button"
            className="button"
            disabled={accepting.loading}
            onClick={() => void onAccept()}
          >
            {accepting.loading ? 'Accepting…' : 'Accept invitation'}
          </button>
          <div role="alert">
            {errors.map((entry) => (
              <p key={entry.code} className="form-error">
                {ACCEPT_ERROR_MESSAGES[entry.code] ?? entry.message}
              </p>
            ))}
          </div>
        </>
      ) : session.status === 'anonymous' ? (
        <p className="actions">
          <Link className="button" to={`/login?next=${here}`}>
            Log in to accept
          </Link>
          <Link className="button secondary" to={`/signup?next=${here}`}>
            Sign up with {invitation.email}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
