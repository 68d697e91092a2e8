/**
 * My organizations: the ones the viewer belongs to (with their role), the invitations waiting for
 * them, and a form that creates a new organization (the viewer becomes its owner and lands in its
 * console).
 */
import { useMutation, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { EmptyState, ErrorState } from '../../components/ErrorState';
import { PageSkeleton } from '../../components/Skeleton';
import { MyOrganizationsQuery, OrganizationCreateMutation } from '@learncraft/operations';
import { formatDate } from '@learncraft/operations/format';
import { organizationPath, ROLE_LABELS } from '../../lib/organizations';
import { useTitle } from '../../lib/useTitle';
import { fieldError, FieldMessage, FormMessages, formText, type FormUserError } from '../authForm';

export default function OrganizationsPage() {
  useTitle('Organizations');
  const { data, loading, error, refetch } = useQuery(MyOrganizationsQuery, {
    fetchPolicy: 'cache-and-network',
  });
  if (loading && !data) return <PageSkeleton />;
  if (error && !data?.me)
    return (
      <ErrorState error={error} onRetry={() => refetch()} title="Your organizations could not be loaded" />
    );
  const memberships = data?.me?.organizationMemberships ?? [];
  const invitations = data?.me?.organizationInvitations ?? [];

  return (
    <div className="page organizations-page">
      <h1>Organizations</h1>
      <section aria-labelledby="memberships-heading">
        <h2 id="memberships-heading">Your organizations</h2>
        {memberships.length === 0 ? (
          <EmptyState title="You are not in any organization yet" />
        ) : (
          <ul className="organization-list">
            {memberships.map((membership) => (
              <li key={membership.organization.id} className="card">
                <div className="card-body">
                  <h3>
                    <Link to={organizationPath(membership.organization.id)}>
                      {membership.organization.name}
                    </Link>
                  </h3>
                  <p className="facts">
                    <span>{ROLE_LABELS[membership.role]}</span>
                    <span>
                      {membership.organization.memberCount}{' '}
                      {membership.organization.memberCount === 1 ? 'member' : 'members'}
                    </span>
                    <span>Joined {formatDate(membership.joinedAt)}</span>
                  </p>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>

      {invitations.length > 0 && (
        <section aria-labelledby="invitations-heading">
          <h2 id="invitations-heading">Invitations to you</h2>
          <ul className="invitation-list">
            {invitations.map((invitation) => (
              <li key={invitation.id} className="card">
                <div className="card-body">
                  <h3>{invitation.organization.name}</h3>
                  <p>
                    {invitation.invitedBy
                      ? `${invitation.invitedBy.displayName} invited you`
                      : 'You are invited'}{' '}
                    as {ROLE_LABELS[invitation.role].toLowerCase()}, until {formatDate(invitation.expiresAt)}.
                  </p>
                  {/* Accepting takes the token of the email's link (the API names no other way). */}
                  <p className="hint">
                    Open the link in the invitation email sent to {invitation.email} to accept.
                  </p>
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      <OrganizationCreateForm />
    </div>
  );
}

function OrganizationCreateForm() {
  const navigate = useNavigate();
  const [create, creating] = useMutation(OrganizationCreateMutation, {
    refetchQueries: [MyOrganizationsQuery],
  });
  const [errors, setErrors] = useState<readonly FormUserError[]>([]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = formText(new FormData(event.currentTarget), 'name').trim();
    const answer = await create({ variables: { input: { name } } }).catch(() => null);
    const payload = answer?.data?.organizationCreate;
    if (!payload)
      return setErrors([{ code: 'NETWORK', message: 'Creating the organization failed. Please try again.' }]);
    setErrors(payload.userErrors);
    if (payload.organization) void navigate(organizationPath(payload.organization.id));
  };

  const nameError = fieldError(errors, 'name');
  return (
    <section aria-labelledby="create-heading">
      <h2 id="create-heading">Create an organization</h2>
      <form className="inline-form" onSubmit={(event) => void onSubmit(event)} noValidate>
        <label className="field">
          <span>Organization name</span>
          <input
            name="name"
            autoComplete="organization"
            maxLength={80}
            required
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'name-error' : undefined}
          />
          <FieldMessage id="name-error" message={nameError} />
        </label>
        <button type="submit" className="button" disabled={creating.loading}>
          {creating.loading ? 'Creating…' : 'Create organization'}
        </button>
        <div role="alert">
          <FormMessages errors={errors} />
        </div>
      </form>
    </section>
  );
}
