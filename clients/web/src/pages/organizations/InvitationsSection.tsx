/** Pending invitations of the organization, newest first, each with a revoke (confirmed). */
import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import { ErrorState } from '../../components/ErrorState';
import { PageSkeleton } from '../../components/Skeleton';
import { TableHead } from '../../components/TableHead';
import type { OrganizationInvitationFieldsFragment } from '@learncraft/operations/types';
import { OrganizationInvitationRevokeMutation, OrganizationInvitationsQuery } from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { ROLE_LABELS } from '../../lib/organizations';
import { FormMessages, type FormUserError } from '../authForm';
import { answerErrors, ConfirmButton } from './consoleParts';

export function InvitationsSection({
  organizationId,
  isOwner,
}: {
  organizationId: string;
  isOwner: boolean;
}) {
  const { data, loading, error, refetch } = useQuery(OrganizationInvitationsQuery, {
    variables: { id: organizationId, first: 100 },
    fetchPolicy: 'cache-and-network',
  });
  const connection = data?.organization?.invitations;
  return (
    <section aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Invitations</h2>
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The invitations could not be loaded" />
      ) : !connection || connection.edges.length === 0 ? (
        <p>No pending invitations. Invite people from the Members tab.</p>
      ) : (
        <table className="data-table">
          <caption>
            {connection.totalCount} pending {connection.totalCount === 1 ? 'invitation' : 'invitations'}
          </caption>
          <TableHead columns={['Email', 'Role', 'Invited by', 'Sent', 'Expires', 'Actions']} />
          <tbody>
            {connection.edges.map(({ node }) => (
              <InvitationRow key={node.id} invitation={node} canRevoke={isOwner || node.role !== 'OWNER'} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function InvitationRow({
  invitation,
  canRevoke,
}: {
  invitation: OrganizationInvitationFieldsFragment;
  canRevoke: boolean;
}) {
  const [revoke, revoking] = useMutation(OrganizationInvitationRevokeMutation, {
    refetchQueries: ({ data }) =>
      data?.organizationInvitationRevoke.invitation ? [OrganizationInvitationsQuery] : [],
  });
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);
  const onRevoke = async () => {
    const answer = await revoke({ variables: { input: { invitationId: invitation.id } } }).catch(() => null);
    setErrors(answerErrors(answer?.data?.organizationInvitationRevoke, 'Revoking failed. Please try again.'));
  };
  return (
    <tr>
      <td>{invitation.email}</td>
      <td>{ROLE_LABELS[invitation.role]}</td>
      <td>{invitation.invitedBy?.displayName ?? 'An API key'}</td>
      <td>{formatDate(invitation.createdAt)}</td>
      <td>{formatDate(invitation.expiresAt)}</td>
      <td>
        {canRevoke && (
          <ConfirmButton
            label="Revoke"
            confirmLabel="Revoke invitation"
            question={`Revoke the invitation to ${invitation.email}?`}
            busy={revoking.loading}
            onConfirm={onRevoke}
          />
        )}
        <div role="alert">
          <FormMessages errors={errors} />
        </div>
      </td>
    </tr>
  );
}
