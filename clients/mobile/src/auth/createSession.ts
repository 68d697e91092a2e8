/**
 * The app's one session manager: the clients' shared SessionManager with the refresh token in the
 * device's secure store (localStorage in the web export). SessionProvider starts it.
 */
import { SessionManager, type TokenStorage } from '@learncraft/operations/session';
import { deviceTokenStorage } from './tokenStorage';

export function createMobileSession(
  graphqlUrl: string,
  storage: TokenStorage = deviceTokenStorage(),
): SessionManager {
  return new SessionManager({ graphqlUrl, storage });
}
