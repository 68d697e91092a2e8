/**
 * @jest-environment jsdom
 *
 * The organization console's frame and its people sections: which tabs each role sees (a MEMBER
 * only a "you are a member" view), the member list with role changes and removal, inviting by
 * email (a refusal shown at its field with what was typed kept), revoking an invitation, and the
 * seats with "Buy seats" leading to the team plan's checkout, which quotes those seats and names the
 * organization.
 */
import { MockedProvider } from '@apollo/client/testing';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { createCache } from '../../src/cache';
import CheckoutPage from '../../src/pages/CheckoutPage';
import type {
  OrganizationInvitationRevokeMutationVariables,
  OrganizationMemberInviteMutationVariables,
  OrganizationMemberRoleSetMutationVariables,
} from '@learncraft/operations/types';
import {
  CheckoutQuoteQuery,
  OrganizationInvitationRevokeMutation,
  OrganizationInvitationsQuery,
  OrganizationMemberInviteMutation,
  OrganizationMemberRemoveMutation,
  OrganizationMemberRoleSetMutation,
  OrganizationMembersQuery,
  OrganizationSeatsQuery,
} from '@learncraft/operations';
import { consoleTabs } from '../../src/pages/organizations/OrganizationPage';
import { usd } from './commerceFixtures';
import {
  invitation,
  MEMBER,
  member,
  ORG_ID,
  organizationMock,
  OWNER,
  pageInfo,
  renderConsole,
  userError,
} from './organizationFixtures';

function membersMock(members: ReturnType<typeof member>[]) {
  return {
    request: { query: OrganizationMembersQuery, variables: { id: ORG_ID, first: 50 } },
    result: {
      data: {
        organization: {
          __typename: 'Organization',
          id: ORG_ID,
          members: {
            __typename: 'OrganizationMemberConnection',
            totalCount: members.length,
            pageInfo: pageInfo(false, null),
            edges: members.map((node, index) => ({
              __typename: 'OrganizationMemberEdge',
              cursor: `m${index}`,
              node,
            })),
          },
        },
      },
    },
  };
}

function invitationsMock(invitations: ReturnType<typeof invitation>[]) {
  return {
    request: { query: OrganizationInvitationsQuery, variables: { id: ORG_ID, first: 100 } },
    result: {
      data: {
        organization: {
          __typename: 'Organization',
          id: ORG_ID,
          invitations: {
            __typename: 'OrganizationInvitationConnection',
            totalCount: invitations.length,
            pageInfo: pageInfo(false, null),
            edges: invitations.map((node) => ({
              __typename: 'OrganizationInvitationEdge',
              cursor: node.id,
              node,
            })),
          },
        },
      },
    },
  };
}

const rows = () =>
  Array.from(document.querySelectorAll('tbody tr')).map((row) =>
    Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent),
  );
const tabNames = () =>
  within(screen.getByRole('navigation', { name: 'Console sections' }))
    .getAllByRole('link')
    .map((link) => link.textContent);

describe('the organization console', () => {
  it('gives owners every section, managers all but API keys and webhooks, and members none', () => {
    const labels = (role: Parameters<typeof consoleTabs>[0]) => consoleTabs(role).map((entry) => entry.label);
    expect(labels('OWNER')).toEqual(['Members', 'Invitations', 'Seats', 'Progress', 'API keys', 'Webhooks']);
    expect(labels('MANAGER')).toEqual(['Members', 'Invitations', 'Seats', 'Progress']);
    expect(labels('MEMBER')).toEqual([]);
    expect(labels(null)).toEqual([]);
  });

  it('opens a section from its tab and marks it as the current one', async () => {
    renderConsole([organizationMock('OWNER'), membersMock([member(OWNER, 'OWNER')]), invitationsMock([])]);
    await screen.findByRole('table');
    const tabs = screen.getByRole('navigation', { name: 'Console sections' });
    expect(within(tabs).getByRole('link', { name: 'Members' }).getAttribute('aria-current')).toBe('page');
    fireEvent.click(within(tabs).getByRole('link', { name: 'Invitations' }));
    await screen.findByText('No pending invitations. Invite people from the Members tab.');
    expect(screen.getByTestId('location').textContent).toBe(`/organizations/${ORG_ID}?tab=invitations`);
    expect(within(tabs).getByRole('link', { name: 'Invitations' }).getAttribute('aria-current')).toBe('page');
    expect(within(tabs).getByRole('link', { name: 'Members' }).getAttribute('aria-current')).toBeNull();
  });

  it('shows a member only that they are a member, with a way to leave', async () => {
    renderConsole([organizationMock('MEMBER')]);
    await screen.findByText('You are a member of Northwind Academy.');
    expect(screen.queryByRole('navigation', { name: 'Console sections' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Leave the organization' })).toBeTruthy();
  });

  it('lists members with their roles for an owner, who changes a role and removes a member', async () => {
    const roleSets: OrganizationMemberRoleSetMutationVariables['input'][] = [];
    renderConsole([
      organizationMock('OWNER'),
      membersMock([member(OWNER, 'OWNER'), member(MEMBER, 'MEMBER')]),
      {
        request: { query: OrganizationMemberRoleSetMutation },
        variableMatcher: () => true,
        result: (variables: OrganizationMemberRoleSetMutationVariables) => {
          roleSets.push(variables.input);
          return {
            data: {
              organizationMemberRoleSet: {
                __typename: 'OrganizationMemberRoleSetPayload',
                member: member(MEMBER, 'MANAGER'),
                userErrors: [],
              },
            },
          };
        },
      },
      membersMock([member(OWNER, 'OWNER'), member(MEMBER, 'MANAGER')]),
      {
        request: {
          query: OrganizationMemberRemoveMutation,
          variables: { input: { organizationId: ORG_ID, userId: OWNER.id } },
        },
        result: {
          data: {
            organizationMemberRemove: {
              __typename: 'OrganizationMemberRemovePayload',
              removedUser: null,
              userErrors: [userError('LAST_OWNER', 'The last owner cannot be removed.')],
            },
          },
        },
      },
    ]);
    await screen.findByRole('table');
    expect(tabNames()).toEqual(['Members', 'Invitations', 'Seats', 'Progress', 'API keys', 'Webhooks']);
    expect(screen.getByRole('table').querySelector('caption')!.textContent).toBe('2 members');
    expect(rows().map((cells) => [cells[0], cells[2]])).toEqual([
      ['Olive Owner olive@example.com', 'Jan 2, 2030'],
      ['Max Member', 'Jan 2, 2030'],
    ]);
    expect(screen.getByLabelText<HTMLSelectElement>('Role of Max Member').value).toBe('MEMBER');

    fireEvent.change(screen.getByLabelText('Role of Max Member'), { target: { value: 'MANAGER' } });
    fireEvent.click(within(screen.getAllByRole('row')[2]!).getByRole('button', { name: 'Save role' }));
    await screen.findByText('Max Member is now manager.');
    expect(roleSets).toEqual([{ organizationId: ORG_ID, userId: MEMBER.id, role: 'MANAGER' }]);

    const ownerRow = screen.getAllByRole('row')[1]!;
    fireEvent.click(within(ownerRow).getByRole('button', { name: 'Remove' }));
    expect(
      within(ownerRow).getByRole('group', { name: 'Remove Olive Owner from the organization?' }),
    ).toBeTruthy();
    fireEvent.click(within(ownerRow).getByRole('button', { name: 'Remove Olive Owner' }));
    await within(ownerRow).findByText('The last owner cannot be removed.');
    expect(within(ownerRow).getByRole('alert').textContent).toBe('The last owner cannot be removed.');
  });

  it('shows an invitation refusal at the email field and keeps what was typed', async () => {
    const invites: OrganizationMemberInviteMutationVariables['input'][] = [];
    renderConsole([
      organizationMock('MANAGER'),
      membersMock([member(OWNER, 'OWNER')]),
      {
        request: { query: OrganizationMemberInviteMutation },
        variableMatcher: () => true,
        result: (variables: OrganizationMemberInviteMutationVariables) => {
          invites.push(variables.input);
          return {
            data: {
              organizationMemberInvite: {
                __typename: 'OrganizationMemberInvitePayload',
                invitation: null,
                userErrors: [
                  userError('ALREADY_MEMBER', 'max@example.com is already a member.', ['input', 'email']),
                ],
              },
            },
          };
        },
      },
    ]);
    await screen.findByRole('table');
    // Managers cannot invite owners: the role picker does not offer it.
    const roleOptions = Array.from(screen.getByLabelText<HTMLSelectElement>('Role').options);
    expect(roleOptions.map((option) => option.value)).toEqual(['MANAGER', 'MEMBER']);
    expect(screen.queryByLabelText('Role of Olive Owner')).toBeNull();
    const email = screen.getByLabelText<HTMLInputElement>('Email to invite');
    fireEvent.change(email, { target: { value: 'max@example.com' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'MANAGER' } });
    fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    await screen.findByText('max@example.com is already a member.');
    expect(email.value).toBe('max@example.com');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(email.getAttribute('aria-describedby')!)!.textContent).toBe(
      'max@example.com is already a member.',
    );
    expect(invites).toEqual([{ organizationId: ORG_ID, email: 'max@example.com', role: 'MANAGER' }]);
  });

  it('sends an invitation and says so, then empties the form', async () => {
    renderConsole([
      organizationMock('OWNER'),
      membersMock([member(OWNER, 'OWNER')]),
      {
        request: {
          query: OrganizationMemberInviteMutation,
          variables: { input: { organizationId: ORG_ID, email: 'new.hire@example.com', role: 'MEMBER' } },
        },
        result: {
          data: {
            organizationMemberInvite: {
              __typename: 'OrganizationMemberInvitePayload',
              invitation: invitation(),
              userErrors: [],
            },
          },
        },
      },
    ]);
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Email to invite'), { target: { value: 'new.hire@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Invite' }));
    await screen.findByText('Invitation sent to new.hire@example.com.');
    expect(screen.getByLabelText<HTMLInputElement>('Email to invite').value).toBe('');
  });

  it('lists pending invitations and revokes one after confirming', async () => {
    const revoked: OrganizationInvitationRevokeMutationVariables['input'][] = [];
    renderConsole(
      [
        organizationMock('OWNER'),
        invitationsMock([invitation()]),
        {
          request: { query: OrganizationInvitationRevokeMutation },
          variableMatcher: () => true,
          result: (variables: OrganizationInvitationRevokeMutationVariables) => {
            revoked.push(variables.input);
            return {
              data: {
                organizationInvitationRevoke: {
                  __typename: 'OrganizationInvitationRevokePayload',
                  invitation: { __typename: 'OrganizationInvitation', id: 'invitation-1', status: 'REVOKED' },
                  userErrors: [],
                },
              },
            };
          },
        },
        invitationsMock([]),
      ],
      'invitations',
    );
    await screen.findByRole('table');
    expect(rows()[0]!.slice(0, 5)).toEqual([
      'new.hire@example.com',
      'Member',
      'Olive Owner',
      'Jan 3, 2030',
      'Jan 17, 2030',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke' }));
    expect(revoked).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke invitation' }));
    await screen.findByText('No pending invitations. Invite people from the Members tab.');
    expect(revoked).toEqual([{ invitationId: 'invitation-1' }]);
  });

  it('shows the seats and sends an owner buying 25 seats to the team plan checkout', async () => {
    renderConsole(
      [
        organizationMock('OWNER'),
        {
          request: { query: OrganizationSeatsQuery, variables: { id: ORG_ID } },
          result: {
            data: {
              organization: {
                __typename: 'Organization',
                id: ORG_ID,
                seats: {
                  __typename: 'OrganizationSeats',
                  total: 10,
                  used: 7,
                  available: 3,
                  expiresAt: '2030-02-01T12:00:00.000Z',
                },
              },
              plans: [
                {
                  __typename: 'Plan',
                  id: 'plan-monthly',
                  code: 'all-access-monthly',
                  name: 'All-access monthly',
                  interval: 'MONTH',
                  perSeat: false,
                  price: usd(1900),
                },
                {
                  __typename: 'Plan',
                  id: 'plan-team',
                  code: 'team-monthly',
                  name: 'Team monthly',
                  interval: 'MONTH',
                  perSeat: true,
                  price: usd(1500),
                },
              ],
            },
          },
        },
      ],
      'seats',
    );
    await screen.findByText('Renews or ends');
    const facts = Array.from(document.querySelectorAll('.seat-facts dt')).map((term) => [
      term.textContent,
      term.nextElementSibling!.textContent,
    ]);
    expect(facts).toEqual([
      ['Total', '10'],
      ['Used', '7'],
      ['Available', '3'],
      ['Renews or ends', 'Feb 1, 2030'],
    ]);
    const plans = Array.from(screen.getByLabelText<HTMLSelectElement>('Team plan').options);
    expect(plans.map((option) => option.textContent)).toEqual(['Team monthly ($15.00 per seat)']);
    const seats = screen.getByLabelText('Seats to buy');
    fireEvent.change(seats, { target: { value: '0' } });
    expect(screen.getByText('Enter a whole number from 1 to 1000.')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Buy seats' }).disabled).toBe(true);
    fireEvent.change(seats, { target: { value: '25' } });
    expect(screen.getByRole('link', { name: 'Buy seats' }).getAttribute('href')).toBe(
      `/checkout?plan=plan-team&seats=25&organization=${ORG_ID}`,
    );
  });
});

describe('the checkout of seats', () => {
  it('quotes the team plan for the seats asked and names the organization they are for', async () => {
    const line = {
      __typename: 'OrderLine',
      id: 'line-1',
      title: 'Team monthly × 10 seats',
      unitPrice: usd(1500),
      discount: usd(0),
      total: usd(15000),
      course: null,
      plan: { __typename: 'Plan', id: 'plan-team', name: 'Team monthly' },
    };
    render(
      <MockedProvider
        mocks={[
          organizationMock('OWNER'),
          {
            request: {
              query: CheckoutQuoteQuery,
              variables: { input: { items: [{ planId: 'plan-team', seats: 10 }], couponCode: null } },
            },
            result: {
              data: {
                checkoutQuote: {
                  __typename: 'CheckoutQuote',
                  lines: [line],
                  subtotal: usd(15000),
                  discount: usd(0),
                  total: usd(15000),
                  userErrors: [],
                },
              },
            },
          },
        ]}
        cache={createCache()}
      >
        <MemoryRouter initialEntries={[`/checkout?plan=plan-team&seats=10&organization=${ORG_ID}`]}>
          <Routes>
            <Route path="/checkout" element={<CheckoutPage />} />
          </Routes>
        </MemoryRouter>
      </MockedProvider>,
    );
    await screen.findByText('10 seats for Northwind Academy');
    expect(screen.getByRole('button', { name: 'Pay $150.00' })).toBeTruthy();
  });
});
