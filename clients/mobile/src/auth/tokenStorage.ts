/**
 * Where the phone keeps the refresh token between launches: the platform's secure store (iOS
 * keychain, Android keystore) through expo-secure-store. The web export has no secure store, so
 * it keeps the token in localStorage, as the web app does.
 */
import * as SecureStore from 'expo-secure-store';
import { Platform } from 'react-native';
import { REFRESH_TOKEN_KEY, type SessionUser, type TokenStorage } from '@learncraft/operations/session';

/** Who was signed in, so the app opened offline still knows the learner (not a secret). */
export const SESSION_USER_KEY = 'learncraft.sessionUser';

function parseUser(json: string | null): SessionUser | null {
  if (!json) return null;
  try {
    const user = JSON.parse(json) as Partial<SessionUser>;
    return typeof user.id === 'string' && typeof user.displayName === 'string' && Array.isArray(user.roles)
      ? { id: user.id, displayName: user.displayName, email: user.email ?? null, roles: user.roles }
      : null;
  } catch {
    return null;
  }
}

// Readable after the first unlock since boot, so a background refresh can resume the session
// while the phone is locked; never readable before it.
const KEYCHAIN_OPTIONS: SecureStore.SecureStoreOptions = {
  keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK,
};

export function secureTokenStorage(): TokenStorage {
  return {
    get: () => SecureStore.getItemAsync(REFRESH_TOKEN_KEY, KEYCHAIN_OPTIONS),
    set: (token) => SecureStore.setItemAsync(REFRESH_TOKEN_KEY, token, KEYCHAIN_OPTIONS),
    remove: async () => {
      await SecureStore.deleteItemAsync(REFRESH_TOKEN_KEY, KEYCHAIN_OPTIONS);
      await SecureStore.deleteItemAsync(SESSION_USER_KEY, KEYCHAIN_OPTIONS);
    },
    getUser: async () => parseUser(await SecureStore.getItemAsync(SESSION_USER_KEY, KEYCHAIN_OPTIONS)),
    setUser: (user) => SecureStore.setItemAsync(SESSION_USER_KEY, JSON.stringify(user), KEYCHAIN_OPTIONS),
  };
}

export function localTokenStorage(storage: Storage): TokenStorage {
  return {
    get: () => Promise.resolve(storage.getItem(REFRESH_TOKEN_KEY)),
    set: (token) => Promise.resolve(storage.setItem(REFRESH_TOKEN_KEY, token)),
    remove: () => {
      storage.removeItem(REFRESH_TOKEN_KEY);
      storage.removeItem(SESSION_USER_KEY);
      return Promise.resolve();
    },
    getUser: () => Promise.resolve(parseUser(storage.getItem(SESSION_USER_KEY))),
    setUser: (user) => Promise.resolve(storage.setItem(SESSION_USER_KEY, JSON.stringify(user))),
  };
}

/** The storage of the platform the app runs on. */
export function deviceTokenStorage(): TokenStorage {
  return Platform.OS === 'web' ? localTokenStorage(window.localStorage) : secureTokenStorage();
}
