/**
 * Where the app finds the gateway. `EXPO_PUBLIC_GRAPHQL_URL` (inlined by Expo when the bundle is
 * built) wins; otherwise a development build asks the machine that serves its bundle (Expo's
 * `hostUri`, the dev machine's LAN address) on the gateway's port 4000; the web export uses its own
 * origin's `/graphql`, as the gateway serves it.
 */
import Constants from 'expo-constants';
import { Platform } from 'react-native';

export const GATEWAY_PORT = 4000;

export function resolveGraphqlUrl(options: {
  explicit?: string | undefined;
  hostUri?: string | null | undefined;
  platform: string;
}): string {
  if (options.explicit) return options.explicit;
  if (options.platform === 'web') return '/graphql';
  const host = options.hostUri?.split(':')[0];
  return `http://${host || '127.0.0.1'}:${GATEWAY_PORT}/graphql`;
}

export const GRAPHQL_URL: string = resolveGraphqlUrl({
  // Written out in full: Expo inlines `process.env.EXPO_PUBLIC_*` only where it appears literally.
  explicit:
    typeof process.env.EXPO_PUBLIC_GRAPHQL_URL === 'string' ? process.env.EXPO_PUBLIC_GRAPHQL_URL : undefined,
  hostUri: Constants.expoConfig?.hostUri,
  platform: Platform.OS,
});

/**
 * A media path the API gives relative to the platform (`/media/thumbnails/…`, served by the
 * gateway) as a URL the app can load: the gateway's origin on a phone, the page's own on the web.
 */
export function mediaUrl(path: string, graphqlUrl: string = GRAPHQL_URL): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  const origin = /^https?:\/\/[^/]+/i.exec(graphqlUrl)?.[0] ?? '';
  return `${origin}${path.startsWith('/') ? '' : '/'}${path}`;
}
