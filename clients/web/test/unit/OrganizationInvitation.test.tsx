/**
 * @jest-environment jsdom
 *
 * An invitation link: what it invites to; signed out, log in or sign up and come back; signed in,
 * accepting lands in the organization; refusals (EMAIL_MISMATCH, INVITATION_EXPIRED, an unknown
 * code) are said clearly; an unknown token and a closed invitation say so. And My organizations:
 * memberships with roles, invitations to the viewer, and creating an organization.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { createCache } from '../../src/cache';
import { SessionContext } from '../../src/auth/SessionContext';
import { SessionManager } from '../../src/auth/session';
import {
  MyOrganizationsQuery,
  OrganizationCreateMutation,
  OrganizationInvitationAcceptMutation,
  OrganizationInvitationByTokenQuery,
} from '@learncraft/operations';
import InvitationPage from '../../src/pages/organizations/InvitationPage';
import OrganizationsPage from '../../src/pages/organizations/OrganizationsPage';
import {
  invitation,
  LocationProbe,
  member,
  ORG_ID,
  OWNER,
  signedInManager,
  userError,
} from './organizationFixtures';

const TOKEN = 'inv_tok3n-from-the-email';

function invitationMock(found: ReturnType<typeof invitation> | null): MockedResponse {
  return {
    request: { query: OrganizationInvitationByTokenQuery, variables: { token: TOKEN } },
    result: { data: { organizationInvitation: found } },
  };
}

function acceptMock(payload: Record<string, unknown>): MockedResponse {
  return {
    request: { query: OrganizationInvitationAcceptMutation, variables: { input: { token: TOKEN } } },
    result: {
      data: {
        organizationInvitationAccept: { __typename: 'OrganizationInvitationAcceptPayload', ...payload },
      },
    },
  };
}

const myOrganizationsMock = (memberships: unknown[], invitations: unknown[]): MockedResponse => ({
  request: { query: MyOrganizationsQuery },
  result: {
    data: {
      me: {
        __typename: 'User',
        id: OWNER.id,
        organizationMemberships: memberships,
        organizationInvitations: invitations,
      },
    },
  },
  maxUsageCount: Number.POSITIVE_INFINITY,
});

function renderAt(path: string, mocks: MockedResponse[], manager: SessionManager) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <SessionContext.Provider value={manager}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/invitations/:token" element={<InvitationPage />} />
            <Route path="/organizations" element={<OrganizationsPage />} />
            <Route path="*" element={null} />
          </Routes>
          <LocationProbe />
        </MemoryRouter>
      </SessionContext.Provider>
    </MockedProvider>,
  );
}

function signedOutManager(): SessionManager {
  window.localStorage.clear();
  const manager = new SessionManager('https://learncraft.example/graphql');
  void manager.start();
  return manager;
}

const location = () => screen.getByTestId('location').textContent;

describe('an invitation link', () => {
  it('offers a signed-out visitor to log in or sign up and come back to it', async () => {
    renderAt(`/invitations/${TOKEN}`, [invitationMock(invitation())], signedOutManager());
    await screen.findByRole('heading', { level: 1, name: 'Join Northwind Academy' });
    expect(
      screen.getByText('Olive Owner invited new.hire@example.com to join Northwind Academy as member.'),
    ).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Log in to accept' }).getAttribute('href')).toBe(
      `/login?next=${encodeURIComponent(`/invitations/${TOKEN}`)}`,
    );
    expect(screen.getByRole('link', { name: 'Sign up with new.hire@example.com' }).getAttribute('href')).toBe(
      `/signup?next=${encodeURIComponent(`/invitations/${TOKEN}`)}`,
    );
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).toBeNull();
  });

  it('accepts for a signed-in person and opens the organization', async () => {
    renderAt(
      `/invitations/${TOKEN}`,
      [
        invitationMock(invitation()),
        acceptMock({
          member: {
            __typename: 'OrganizationMember',
            role: 'MEMBER',
            organization: { __typename: 'Organization', id: ORG_ID, name: 'Northwind Academy' },
          },
          userErrors: [],
        }),
        myOrganizationsMock([], []),
      ],
      signedInManager(),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Accept invitation' }));
    await screen.findByText(`/organizations/${ORG_ID}`);
    expect(location()).toBe(`/organizations/${ORG_ID}`);
  });

  it.each([
    [
      'EMAIL_MISMATCH',
      'This invitation was sent to another email address. Log in with the invited address to accept it.',
    ],
    ['INVITATION_EXPIRED', 'This invitation has expired. Ask the organization to invite you again.'],
    ['SOMETHING_NEW', 'The API says what went wrong.'],
  ])('says clearly why accepting was refused with %s, and stays on the page', async (code, sentence) => {
    renderAt(
      `/invitations/${TOKEN}`,
      [
        invitationMock(invitation()),
        acceptMock({ member: null, userErrors: [userError(code, 'The API says what went wrong.')] }),
      ],
      signedInManager(),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Accept invitation' }));
    await screen.findByText(sentence);
    expect(screen.getByRole('alert').textContent).toBe(sentence);
    expect(location()).toBe(`/invitations/${TOKEN}`);
    expect(screen.getByRole('button', { name: 'Accept invitation' })).toBeTruthy();
  });

  it.each([
    ['EXPIRED', 'This invitation has expired. Ask the organization to invite you again.'],
    ['REVOKED', 'This invitation was withdrawn by the organization.'],
    ['ACCEPTED', 'This invitation has already been accepted.'],
  ])('says an invitation that is %s is closed, without offering to accept it', async (status, sentence) => {
    renderAt(`/invitations/${TOKEN}`, [invitationMock(invitation({ status }))], signedInManager());
    await screen.findByText(sentence);
    expect(screen.queryByRole('button', { name: 'Accept invitation' })).toBeNull();
  });

  it('says an unknown token is not an invitation', async () => {
    renderAt(`/invitations/${TOKEN}`, [invitationMock(null)], signedInManager());
    await screen.findByRole('heading', { name: 'Invitation not found' });
  });
});

describe('my organizations', () => {
  const ownMembership = {
    __typename: 'OrganizationMember',
    role: 'OWNER',
    joinedAt: member(OWNER, 'OWNER').joinedAt,
    organization: { __typename: 'Organization', id: ORG_ID, name: 'Northwind Academy', memberCount: 12 },
  };

  it('lists the organizations with the role and the invitations waiting', async () => {
    renderAt('/organizations', [myOrganizationsMock([ownMembership], [invitation()])], signedInManager());
    const link = await screen.findByRole('link', { name: 'Northwind Academy' });
    expect(link.getAttribute('href')).toBe(`/organizations/${ORG_ID}`);
    expect(document.querySelector('.organization-list .facts')!.textContent).toBe(
      'Owner12 membersJoined Jan 2, 2030',
    );
    expect(screen.getByRole('heading', { name: 'Invitations to you' })).toBeTruthy();
    expect(screen.getByText('Olive Owner invited you as member, until Jan 17, 2030.')).toBeTruthy();
  });

  it('creates an organization and opens it; a refused name shows at its field', async () => {
    renderAt(
      '/organizations',
      [
        myOrganizationsMock([], []),
        {
          request: { query: OrganizationCreateMutation, variables: { input: { name: '' } } },
          result: {
            data: {
              organizationCreate: {
                __typename: 'OrganizationCreatePayload',
                organization: null,
                userErrors: [userError('INVALID_NAME', 'Give the organization a name.', ['input', 'name'])],
              },
            },
          },
        },
        {
          request: { query: OrganizationCreateMutation, variables: { input: { name: 'Northwind Academy' } } },
          result: {
            data: {
              organizationCreate: {
                __typename: 'OrganizationCreatePayload',
                organization: {
                  __typename: 'Organization',
                  id: ORG_ID,
                  name: 'Northwind Academy',
                  viewerRole: 'OWNER',
                  memberCount: 1,
                },
                userErrors: [],
              },
            },
          },
        },
      ],
      signedInManager(),
    );
    await screen.findByRole('heading', { name: 'You are not in any organization yet' });
    const name = screen.getByLabelText<HTMLInputElement>('Organization name');
    fireEvent.click(screen.getByRole('button', { name: 'Create organization' }));
    await screen.findByText('Give the organization a name.');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(name, { target: { value: ' Northwind Academy ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create organization' }));
    await screen.findByText(`/organizations/${ORG_ID}`);
  });
});
