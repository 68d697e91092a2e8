/**
 * Pages the app leaves to the web app (forgot password, plans, Stripe's return page). The gateway
 * serves the web app at the origin of its `/graphql`, so a page's address is that origin plus the
 * web route; the web export, whose GraphQL URL is relative, stays on its own origin.
 */
import * as Linking from 'expo-linking';
import { GRAPHQL_URL } from '../config';

export function webPageUrl(path: string, graphqlUrl: string = GRAPHQL_URL): string {
  const origin = graphqlUrl.replace(/\/graphql\/?$/, '');
  if (/^https?:\/\//.test(origin)) return origin + path;
  return Linking.createURL(path.replace(/^\//, ''));
}

/** Where the in-app browser returns to after Stripe's hosted checkout: `learncraft://checkout/return`. */
export function checkoutReturnDeepLink(): string {
  return Linking.createURL('checkout/return');
}
