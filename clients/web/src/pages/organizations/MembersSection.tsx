/**
 * Members of the organization: name, role and joining date; owners change roles; owners and
 * managers remove members (managers not owners) and invite people by email with a role.
 */
import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { LoadMore } from '../../components/LoadMore';
import { PageSkeleton } from '../../components/Skeleton';
import { TableHead } from '../../components/TableHead';
import type { OrganizationMemberFieldsFragment, OrganizationRole } from '@learncraft/operations/types';
import {
  OrganizationMemberInviteMutation,
  OrganizationMemberRemoveMutation,
  OrganizationMemberRoleSetMutation,
  OrganizationMembersQuery,
  OrganizationQuery,
} from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { useSession } from '../../auth/SessionContext';
import { ROLE_LABELS, ROLES } from '../../lib/organizations';
import { fieldError, FieldMessage, FormMessages, formText, type FormUserError } from '../authForm';
import { answerErrors, ConfirmButton } from './consoleParts';

const PAGE_SIZE = 50;

export function MembersSection({ organizationId, isOwner }: { organizationId: string; isOwner: boolean }) {
  const { data, loading, error, refetch, fetchMore } = useQuery(OrganizationMembersQuery, {
    variables: { id: organizationId, first: PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  const [loadingMore, setLoadingMore] = useState(false);
  const connection = data?.organization?.members;

  const loadMore = async () => {
    if (!connection?.pageInfo.hasNextPage) return;
    setLoadingMore(true);
    try {
      await fetchMore({
        variables: { after: connection.pageInfo.endCursor },
        updateQuery: (previous, { fetchMoreResult }) => {
          const before = previous.organization?.members;
          const next = fetchMoreResult.organization;
          if (!before || !next) return previous;
          return {
            organization: {
              ...next,
              members: { ...next.members, edges: [...before.edges, ...next.members.edges] },
            },
          };
        },
      });
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <InviteForm organizationId={organizationId} isOwner={isOwner} />
      {loading && !data ? (
        <PageSkeleton />
      ) : error && !connection ? (
        <ErrorState error={error} onRetry={() => refetch()} title="The members could not be loaded" />
      ) : connection ? (
        <>
          <table className="data-table">
            <caption>
              {connection.totalCount} {connection.totalCount === 1 ? 'member' : 'members'}
            </caption>
            <TableHead columns={['Member', 'Role', 'Joined', 'Actions']} />
            <tbody>
              {connection.edges.map(({ node }) => (
                <MemberRow
                  key={node.user.id}
                  organizationId={organizationId}
                  member={node}
                  isOwner={isOwner}
                />
              ))}
            </tbody>
          </table>
          {connection.pageInfo.hasNextPage && <LoadMore onLoadMore={loadMore} loading={loadingMore} />}
        </>
      ) : null}
    </section>
  );
}

function MemberRow({
  organizationId,
  member,
  isOwner,
}: {
  organizationId: string;
  member: OrganizationMemberFieldsFragment;
  isOwner: boolean;
}) {
  const [remove, removing] = useMutation(OrganizationMemberRemoveMutation, {
    refetchQueries: ({ data }) =>
      data?.organizationMemberRemove.removedUser ? [OrganizationMembersQuery, OrganizationQuery] : [],
  });
  // Members have no id of their own, so the list is asked again to show the new role.
  const [setRole, settingRole] = useMutation(OrganizationMemberRoleSetMutation, {
    refetchQueries: ({ data }) => (data?.organizationMemberRoleSet.member ? [OrganizationMembersQuery] : []),
  });
  const [role, setChosenRole] = useState<OrganizationRole>(member.role);
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);
  const [saved, setSaved] = useState(false);
  const name = member.user.displayName;
  const input = { organizationId, userId: member.user.id };

  const onRemove = async () => {
    setSaved(false);
    const answer = await remove({ variables: { input } }).catch(() => null);
    setErrors(
      answerErrors(answer?.data?.organizationMemberRemove, `Removing ${name} failed. Please try again.`),
    );
  };

  const onRoleSave = async () => {
    setSaved(false);
    const answer = await setRole({ variables: { input: { ...input, role } } }).catch(() => null);
    const payload = answer?.data?.organizationMemberRoleSet;
    setErrors(answerErrors(payload, `Changing the role of ${name} failed. Please try again.`));
    if (payload?.member) setSaved(true);
  };

  const canRemove = isOwner || member.role !== 'OWNER';
  return (
    <tr>
      <td>
        {name}
        {member.user.email && <small className="muted"> {member.user.email}</small>}
      </td>
      <td>
        {isOwner ? (
          <span className="inline-form">
            <label className="field compact">
              <span className="visually-hidden">Role of {name}</span>
              <select
                value={role}
                onChange={(event) => setChosenRole(event.target.value as OrganizationRole)}
              >
                {ROLES.map((option) => (
                  <option key={option} value={option}>
                    {ROLE_LABELS[option]}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              className="button secondary"
              disabled={settingRole.loading || role === member.role}
              onClick={() => void onRoleSave()}
            >
              Save role
            </button>
          </span>
        ) : (
          ROLE_LABELS[member.role]
        )}
      </td>
      <td>{formatDate(member.joinedAt)}</td>
      <td>
        {canRemove && (
          <ConfirmButton
            label="Remove"
            confirmLabel={`Remove ${name}`}
            question={`Remove ${name} from the organization?`}
            busy={removing.loading}
            onConfirm={onRemove}
          />
        )}
        <div role="alert">
          <FormMessages errors={errors} />
        </div>
        <span role="status">{saved && `${name} is now ${ROLE_LABELS[role].toLowerCase()}.`}</span>
      </td>
    </tr>
  );
}

function InviteForm({ organizationId, isOwner }: { organizationId: string; isOwner: boolean }) {
  // The Invitations tab asks the network again whenever it opens: nothing to refetch here.
  const [invite, inviting] = useMutation(OrganizationMemberInviteMutation);
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);
  const [sent, setSent] = useState<string | null>(null);
  const roles = ROLES.filter((role) => isOwner || role !== 'OWNER');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSent(null);
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = formText(data, 'email').trim();
    const role = formText(data, 'role') as OrganizationRole;
    const answer = await invite({ variables: { input: { organizationId, email, role } } }).catch(() => null);
    const payload = answer?.data?.organizationMemberInvite;
    setErrors(answerErrors(payload, 'Sending the invitation failed. Please try again.'));
    if (payload?.invitation) {
      setSent(`Invitation sent to ${payload.invitation.email}.`);
      form.reset();
    }
  };

  const emailError = fieldError(errors, 'email');
  const roleError = fieldError(errors, 'role');
  return (
    <form className="inline-form invite-form" onSubmit={(event) => void onSubmit(event)} noValidate>
      <label className="field">
        <span>Email to invite</span>
        <input
          name="email"
          type="email"
          autoComplete="off"
          required
          aria-invalid={emailError ? true : undefined}
          aria-describedby={emailError ? 'email-error' : undefined}
        />
        <FieldMessage id="email-error" message={emailError} />
      </label>
      <label className="field">
        <span>Role</span>
        <select
          name="role"
          defaultValue="MEMBER"
          aria-invalid={roleError ? true : undefined}
          aria-describedby={roleError ? 'role-error' : undefined}
        >
          {roles.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
        <FieldMessage id="role-error" message={roleError} />
      </label>
      <button type="submit" className="button" disabled={inviting.loading}>
        {inviting.loading ? 'Inviting…' : 'Invite'}
      </button>
      <div role="alert">
        <FormMessages errors={errors} />
      </div>
      <p role="status">{sent}</p>
    </form>
  );
}

/** A member leaving the organization (removing themself), with a confirmation. */
export function LeaveButton({ organizationId }: { organizationId: string }) {
  const session = useSession();
  const navigate = useNavigate();
  const [remove, removing] = useMutation(OrganizationMemberRemoveMutation);
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);
  if (session.status !== 'signedIn') return null;
  const leave = async () => {
    const answer = await remove({ variables: { input: { organizationId, userId: session.user.id } } }).catch(
      () => null,
    );
    const payload = answer?.data?.organizationMemberRemove;
    setErrors(answerErrors(payload, 'Leaving failed. Please try again.'));
    if (payload?.removedUser) void navigate('/organizations');
  };
  return (
    <>
      <ConfirmButton
        label="Leave the organization"
        confirmLabel="Leave"
        question="Leave the organization? Your seat is released."
        busy={removing.loading}
        onConfirm={leave}
      />
      <div role="alert">
        <FormMessages errors={errors} />
      </div>
    </>
  );
}
