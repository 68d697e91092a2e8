/**
 * Organization console data in the shapes the operations ask for (with __typename, as the cache
 * needs), and a renderer of one console page between a mocked API and a router.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { createCache } from '../../src/cache';
import { SessionContext } from '../../src/auth/SessionContext';
import { SessionManager } from '../../src/auth/session';
import type { OrganizationRole } from '@learncraft/operations/types';
import { OrganizationQuery } from '@learncraft/operations';
import OrganizationPage from '../../src/pages/organizations/OrganizationPage';

export const ORG_ID = '0a0a0a0a-0000-4000-8000-00000000000a';
export const OWNER = {
  __typename: 'User',
  id: 'owner-1',
  displayName: 'Olive Owner',
  email: 'olive@example.com',
};
export const MEMBER = { __typename: 'User', id: 'member-1', displayName: 'Max Member', email: null };

export function userError(code: string, message: string, field: string[] | null = null) {
  return { __typename: 'UserError', code, message, field };
}

export const pageInfo = (hasNextPage: boolean, endCursor: string | null) => ({
  __typename: 'PageInfo',
  hasNextPage,
  endCursor,
});

export function organizationMock(viewerRole: OrganizationRole | null): MockedResponse {
  return {
    request: { query: OrganizationQuery, variables: { id: ORG_ID } },
    result: {
      data: {
        organization: {
          __typename: 'Organization',
          id: ORG_ID,
          name: 'Northwind Academy',
          createdAt: '2030-01-01T12:00:00.000Z',
          viewerRole,
          memberCount: 2,
        },
      },
    },
    maxUsageCount: Number.POSITIVE_INFINITY,
  };
}

export function member(user: typeof OWNER | typeof MEMBER, role: OrganizationRole) {
  return { __typename: 'OrganizationMember', role, joinedAt: '2030-01-02T12:00:00.000Z', user };
}

export function invitation(overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'OrganizationInvitation',
    id: 'invitation-1',
    email: 'new.hire@example.com',
    role: 'MEMBER',
    status: 'PENDING',
    createdAt: '2030-01-03T12:00:00.000Z',
    expiresAt: '2030-01-17T12:00:00.000Z',
    acceptedAt: null,
    invitedBy: { __typename: 'User', id: OWNER.id, displayName: OWNER.displayName },
    organization: { __typename: 'Organization', id: ORG_ID, name: 'Northwind Academy' },
    ...overrides,
  };
}

export function apiKey(overrides: Record<string, unknown> = {}) {
  return {
    __typename: 'ApiKey',
    id: 'key-1',
    name: 'HR sync',
    prefix: 'lck_3fa9c2d1',
    scopes: ['MEMBERS_READ'],
    createdAt: '2030-01-04T12:00:00.000Z',
    lastUsedAt: null,
    expiresAt: null,
    revokedAt: null,
    ...overrides,
  };
}

/** A signed-in session (the Leave button and the invitation page need the viewer). */
export function signedInManager(): SessionManager {
  window.localStorage.clear();
  const manager = new SessionManager('https://learncraft.example/graphql');
  manager.accept({
    accessToken: 'access',
    accessTokenExpiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    refreshToken: 'refresh',
    refreshTokenExpiresAt: new Date(Date.now() + 60 * 60_000).toISOString(),
    user: { id: OWNER.id, displayName: OWNER.displayName, email: OWNER.email, roles: ['LEARNER'] },
  });
  return manager;
}

/** Where the router is now, shown for assertions on navigation. */
export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

/** The console at `/organizations/<ORG_ID>?tab=<tab>`. */
export function renderConsole(mocks: MockedResponse[], tab = 'members', manager = signedInManager()) {
  return render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <SessionContext.Provider value={manager}>
        <MemoryRouter initialEntries={[`/organizations/${ORG_ID}?tab=${tab}`]}>
          <Routes>
            <Route path="/organizations/:id" element={<OrganizationPage />} />
            <Route path="*" element={null} />
          </Routes>
          <LocationProbe />
        </MemoryRouter>
      </SessionContext.Provider>
    </MockedProvider>,
  );
}
