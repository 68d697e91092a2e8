/**
 * A real Apollo client for the learning tests: queries and mutations answered by MockLink's
 * recorded responses, subscriptions by a MockSubscriptionLink the test pushes events into (as the
 * gateway's graphql-ws would), over a real InMemoryCache.
 */
import type { ReactNode } from 'react';
import { ApolloClient, ApolloLink, ApolloProvider, InMemoryCache } from '@apollo/client';
import { MockLink, MockSubscriptionLink, type MockedResponse } from '@apollo/client/testing';
import { getMainDefinition } from '@apollo/client/utilities';
import { Kind, OperationTypeNode } from 'graphql';

export function testApollo(mocks: readonly MockedResponse[]) {
  const subscriptions = new MockSubscriptionLink();
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return (
        definition.kind === Kind.OPERATION_DEFINITION &&
        definition.operation === OperationTypeNode.SUBSCRIPTION
      );
    },
    subscriptions,
    new MockLink(mocks),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <ApolloProvider client={client}>{children}</ApolloProvider>
  );
  return { client, subscriptions, wrapper };
}
