/**
 * @jest-environment jsdom
 *
 * Pricing: the plans with Subscribe buttons to their checkout, and the signed-in viewer's
 * subscription, whose renewal can be canceled.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { SessionContext } from '../../src/auth/SessionContext';
import { SessionManager } from '../../src/auth/session';
import { createCache } from '../../src/cache';
import { PlanSubscriptionCancelMutation, PlanSubscriptionQuery } from '@learncraft/operations';
import PricingPage from '../../src/pages/PricingPage';
import { plansMock } from './commerceFixtures';

const subscription = (status: string, renews: boolean) => ({
  __typename: 'PlanSubscription',
  id: 'sub-1',
  status,
  currentPeriodStart: '2030-01-01T12:00:00.000Z',
  currentPeriodEnd: '2030-02-01T12:00:00.000Z',
  renews,
  plan: { __typename: 'Plan', id: 'plan-monthly', name: 'All-access monthly', interval: 'MONTH' },
});

function renderPricing(mocks: MockedResponse[]) {
  window.localStorage.clear();
  const manager = new SessionManager('https://learncraft.example/graphql');
  manager.accept({
    accessToken: 'access',
    accessTokenExpiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
    refreshToken: 'refresh',
    refreshTokenExpiresAt: new Date(Date.now() + 60 * 60_000).toISOString(),
    user: { id: 'u1', displayName: 'Grace', email: 'grace@example.com', roles: ['LEARNER'] },
  });
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <SessionContext.Provider value={manager}>
        <MemoryRouter>
          <PricingPage />
        </MemoryRouter>
      </SessionContext.Provider>
    </MockedProvider>,
  );
}

describe('PricingPage', () => {
  it('lists the plans with Subscribe links, and cancels the renewal of the current one', async () => {
    renderPricing([
      plansMock,
      {
        request: { query: PlanSubscriptionQuery },
        result: {
          data: { me: { __typename: 'User', id: 'u1', planSubscription: subscription('ACTIVE', true) } },
        },
      },
      {
        request: { query: PlanSubscriptionCancelMutation, variables: { input: { subscriptionId: 'sub-1' } } },
        result: {
          data: {
            planSubscriptionCancel: {
              __typename: 'PlanSubscriptionCancelPayload',
              planSubscription: subscription('CANCELED', false),
              userErrors: [],
            },
          },
        },
      },
    ]);
    const yearly = await screen.findByRole('link', { name: 'Subscribe to All-access yearly' });
    expect(yearly.getAttribute('href')).toBe('/checkout?plan=plan-yearly');
    expect(
      Array.from(document.querySelectorAll('.plan-card .price')).map((price) => price.textContent),
    ).toEqual(['$19.00 / month', '$190.00 / year']);
    await screen.findByRole('heading', { name: 'Your subscription: All-access monthly' });
    expect(screen.getByText('Status: Active. Renews on Feb 1, 2030.')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Subscribe to All-access monthly' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Cancel renewal' }));
    await screen.findByText('Status: Canceled. Access ends on Feb 1, 2030; it will not renew.');
    expect(screen.queryByRole('button', { name: 'Cancel renewal' })).toBeNull();
  });
});
