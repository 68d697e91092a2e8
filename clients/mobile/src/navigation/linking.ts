/**
 * Deep links and the web export's addresses: the same paths as the web app (`/courses/:slug`,
 * `/orders/:orderId`, …) so a link shared from the web opens the same screen, plus
 * `learncraft://checkout/return`, where Stripe's hosted checkout comes back to (it opens the
 * orders, newest first, with the order waiting for its payment on top).
 */
import { getStateFromPath, type LinkingOptions } from '@react-navigation/native';
import * as Linking from 'expo-linking';
import type { RootStackParamList } from './types';

/**
 * The web app's checkout names its item `?course=<id>` or `?plan=<id>`; the Checkout screen's
 * params are `courseId` and `planId`.
 */
export function withCheckoutParams(path: string): string {
  const [route = '', query] = path.split('?');
  if (!query || !/^\/?checkout\/?$/.test(route)) return path;
  const params = new URLSearchParams(query);
  const renamed = new URLSearchParams();
  for (const [name, value] of params)
    renamed.set(name === 'course' ? 'courseId' : name === 'plan' ? 'planId' : name, value);
  return `${route}?${renamed.toString()}`;
}

export const linking: LinkingOptions<RootStackParamList> = {
  prefixes: [Linking.createURL('/'), 'learncraft://'],
  getStateFromPath: (path, options) => getStateFromPath(withCheckoutParams(path), options),
  config: {
    screens: {
      Tabs: {
        screens: {
          Home: '',
          Search: 'search',
          Dashboard: 'dashboard',
          Account: 'account',
        },
      },
      Login: 'login',
      Signup: 'signup',
      Course: 'courses/:slug',
      Lesson: 'courses/:courseSlug/lessons/:lessonId',
      Lab: 'courses/:courseSlug/lessons/:lessonId/lab',
      Tutor: 'courses/tutor/:courseId',
      Checkout: 'checkout',
      Orders: { path: 'orders', alias: ['checkout/return'] },
      Order: 'orders/:orderId',
      Downloads: 'downloads',
    },
  },
};
