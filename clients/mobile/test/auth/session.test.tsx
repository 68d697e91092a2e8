/**
 * The phone's session against a real local HTTP server speaking the gateway's answers: a stored
 * refresh token signs back in at start, an UNAUTHENTICATED answer costs exactly one refresh and one
 * retry (shared by concurrent requests), a refused refresh signs out as expired, and the refresh
 * token lives in the secure store (jest-expo's mock of the native module, given a keychain's
 * behaviour here so what was stored can be read back through expo-secure-store's own API).
 * jest-expo's environment has no global WebSocket, so the client gets `ws` (no subscription runs).
 */
import { Text } from 'react-native';
import { act, render, screen } from '@testing-library/react-native';
import * as SecureStore from 'expo-secure-store';
// The very native-module object expo-secure-store calls (jest-expo's mock of it).
import ExpoSecureStore from 'expo-secure-store/build/ExpoSecureStore';
import WebSocket from 'ws';
import { CategoriesQuery, MeQuery } from '@learncraft/operations';
import { REFRESH_TOKEN_KEY, type SessionManager } from '@learncraft/operations/session';
import type { SessionFieldsFragment } from '@learncraft/operations/types';
import { createMobileSession } from '../../src/auth/createSession';
import { SESSION_USER_KEY } from '../../src/auth/tokenStorage';
import { SessionProvider, useSession } from '../../src/auth/SessionContext';
import { createMobileApolloClient } from '../../src/apollo/client';
import { useNodeFetch } from './nodeFetch';
import { startFakeGateway, type Answer, type FakeGateway, type ReceivedRequest } from './gatewayServer';

interface NativeSecureStore {
  getValueWithKeyAsync: jest.Mock<Promise<string | null>, [string, SecureStore.SecureStoreOptions]>;
  setValueWithKeyAsync: jest.Mock<Promise<void>, [string, string, SecureStore.SecureStoreOptions]>;
  deleteValueWithKeyAsync: jest.Mock<Promise<void>, [string, SecureStore.SecureStoreOptions]>;
}
const nativeStore = ExpoSecureStore as NativeSecureStore;
const keychain = new Map<string, string>();

const user = {
  id: 'VXNlcjox',
  displayName: 'Ana Learner',
  email: 'ana@example.com',
  roles: ['LEARNER' as const],
};

function sessionFields(n: number): SessionFieldsFragment {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    user,
  };
}
const refreshed = (n: number): Answer => ({
  body: { data: { sessionRefresh: { session: sessionFields(n), userErrors: [] } } },
});
const refreshRefused: Answer = {
  body: {
    data: {
      sessionRefresh: {
        session: null,
        userErrors: [{ code: 'INVALID_REFRESH_TOKEN', message: 'The session has ended.' }],
      },
    },
  },
};
const unauthenticated: Answer = {
  body: { data: null, errors: [{ message: 'Log in first.', extensions: { code: 'UNAUTHENTICATED' } }] },
};
const me: Answer = { body: { data: { me: { __typename: 'User', ...user } } } };
const categories: Answer = {
  body: {
    data: { categories: [{ __typename: 'Category', id: 'Q2F0OjE=', slug: 'devops', name: 'DevOps' }] },
  },
};
/** The gateway's answers to the app's queries: data for `access-2`, UNAUTHENTICATED for any other token. */
function queriesNeedAccess2(request: ReceivedRequest): Answer {
  if (request.token !== 'access-2') return unauthenticated;
  return request.operationName === 'Me' ? me : categories;
}
const calls = (gateway: FakeGateway) =>
  gateway.received.map(({ operationName, token, variables }) =>
    operationName === 'SessionRefresh'
      ? `SessionRefresh ${String((variables.input as { refreshToken: string }).refreshToken)}`
      : `${operationName} ${token}`,
  );

function SessionProbe() {
  const { state } = useSession();
  if (state.status === 'signedIn') return <Text>Signed in as {state.user.displayName}</Text>;
  if (state.status === 'anonymous') return <Text>{state.expired ? 'Session expired' : 'Signed out'}</Text>;
  return <Text>Loading</Text>;
}

useNodeFetch();

let gateway: FakeGateway;
let session: SessionManager | undefined;

beforeEach(async () => {
  keychain.clear();
  nativeStore.getValueWithKeyAsync.mockImplementation((key) => Promise.resolve(keychain.get(key) ?? null));
  nativeStore.setValueWithKeyAsync.mockImplementation((value, key) => {
    keychain.set(key, value);
    return Promise.resolve();
  });
  nativeStore.deleteValueWithKeyAsync.mockImplementation((key) => {
    keychain.delete(key);
    return Promise.resolve();
  });
  gateway = await startFakeGateway();
});

afterEach(async () => {
  session?.dispose();
  session = undefined;
  nativeStore.setValueWithKeyAsync.mockClear();
  await gateway.close();
});

/** A session signed in as `access-1` / `refresh-1`, as after logging in. */
async function signedInSession(): Promise<SessionManager> {
  session = createMobileSession(gateway.url);
  await session.start();
  session.accept(sessionFields(1));
  await SecureStore.getItemAsync(REFRESH_TOKEN_KEY);
  return session;
}

describe('the mobile session', () => {
  it('signs back in silently at start when a refresh token is stored, and stores the rotated one', async () => {
    keychain.set(REFRESH_TOKEN_KEY, 'refresh-0');
    gateway.answer(() => refreshed(1));
    session = createMobileSession(gateway.url);

    await render(
      <SessionProvider session={session}>
        <SessionProbe />
      </SessionProvider>,
    );

    expect(await screen.findByText('Signed in as Ana Learner')).toBeOnTheScreen();
    expect(calls(gateway)).toEqual(['SessionRefresh refresh-0']);
    expect(session.current).toMatchObject({ status: 'signedIn', accessToken: 'access-1' });
    expect(await SecureStore.getItemAsync(REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });

  it('starts signed out without calling the gateway when nothing is stored', async () => {
    session = createMobileSession(gateway.url);

    await render(
      <SessionProvider session={session}>
        <SessionProbe />
      </SessionProvider>,
    );

    expect(await screen.findByText('Signed out')).toBeOnTheScreen();
    expect(gateway.received).toEqual([]);
  });

  it('resumes a session the app could not resume offline with the first request once the gateway answers', async () => {
    keychain.set(REFRESH_TOKEN_KEY, 'refresh-0');
    gateway.answer(() => ({ status: 503, body: {} }));
    session = createMobileSession(gateway.url);
    await render(
      <SessionProvider session={session}>
        <SessionProbe />
      </SessionProvider>,
    );
    expect(await screen.findByText('Signed out')).toBeOnTheScreen();
    expect(await SecureStore.getItemAsync(REFRESH_TOKEN_KEY)).toBe('refresh-0');

    gateway.answer((request) => (request.operationName === 'SessionRefresh' ? refreshed(1) : me));
    const client = createMobileApolloClient({ graphqlUrl: gateway.url, session, webSocketImpl: WebSocket });
    // The session changes while the screen is shown: act lets React apply it.
    const result = await act(() => client.query({ query: MeQuery }));

    expect(result.data.me?.displayName).toBe('Ana Learner');
    expect(await screen.findByText('Signed in as Ana Learner')).toBeOnTheScreen();
    expect(calls(gateway)).toEqual(['SessionRefresh refresh-0', 'SessionRefresh refresh-0', 'Me access-1']);
    expect(await SecureStore.getItemAsync(REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });

  it('keeps the refresh token in the secure store, readable after the first unlock', async () => {
    await signedInSession();

    expect(await SecureStore.getItemAsync(REFRESH_TOKEN_KEY)).toBe('refresh-1');
    expect(nativeStore.setValueWithKeyAsync).toHaveBeenCalledTimes(2);
    expect(nativeStore.setValueWithKeyAsync).toHaveBeenCalledWith('refresh-1', REFRESH_TOKEN_KEY, {
      keychainAccessible: SecureStore.AFTER_FIRST_UNLOCK,
    });
    expect(JSON.parse(keychain.get(SESSION_USER_KEY) ?? 'null')).toEqual(user);
  });

  it('keeps a remembered learner signed in when the app opens offline, and signs in for real once the gateway answers', async () => {
    keychain.set(REFRESH_TOKEN_KEY, 'refresh-0');
    keychain.set(SESSION_USER_KEY, JSON.stringify(user));
    gateway.answer(() => ({ status: 503, body: {} }));
    session = createMobileSession(gateway.url);
    await render(
      <SessionProvider session={session}>
        <SessionProbe />
      </SessionProvider>,
    );
    expect(await screen.findByText('Signed in as Ana Learner')).toBeOnTheScreen();
    expect(session.current).toMatchObject({ status: 'signedIn', accessToken: '', expiresAt: 0 });

    gateway.answer((request) => (request.operationName === 'SessionRefresh' ? refreshed(1) : me));
    const client = createMobileApolloClient({ graphqlUrl: gateway.url, session, webSocketImpl: WebSocket });
    const result = await act(() => client.query({ query: MeQuery }));

    expect(result.data.me?.displayName).toBe('Ana Learner');
    expect(session.current).toMatchObject({ status: 'signedIn', accessToken: 'access-1' });
    expect(calls(gateway)).toEqual(['SessionRefresh refresh-0', 'SessionRefresh refresh-0', 'Me access-1']);
  });

  it('answers UNAUTHENTICATED with exactly one refresh and one retry that carries the new access token', async () => {
    const signedIn = await signedInSession();
    gateway.answer((request) =>
      request.operationName === 'SessionRefresh' ? refreshed(2) : queriesNeedAccess2(request),
    );
    const client = createMobileApolloClient({
      graphqlUrl: gateway.url,
      session: signedIn,
      webSocketImpl: WebSocket,
    });

    const result = await client.query({ query: MeQuery });

    expect(result.data.me).toEqual({ __typename: 'User', ...user });
    expect(calls(gateway)).toEqual(['Me access-1', 'SessionRefresh refresh-1', 'Me access-2']);
    expect(await SecureStore.getItemAsync(REFRESH_TOKEN_KEY)).toBe('refresh-2');
  });

  it('shares one refresh between two requests refused at the same moment', async () => {
    const signedIn = await signedInSession();
    let releaseRefusals!: () => void;
    const bothRefused = new Promise<void>((resolve) => (releaseRefusals = resolve));
    gateway.answer((request) => {
      if (request.operationName === 'SessionRefresh') return refreshed(2);
      const answer = queriesNeedAccess2(request);
      if (request.token !== 'access-1') return answer;
      // Hold the first refusal until the second request has arrived too.
      if (gateway.received.filter((call) => call.token === 'access-1').length === 2) releaseRefusals();
      return { ...answer, after: bothRefused };
    });
    const client = createMobileApolloClient({
      graphqlUrl: gateway.url,
      session: signedIn,
      webSocketImpl: WebSocket,
    });

    const [meResult, categoriesResult] = await Promise.all([
      client.query({ query: MeQuery }),
      client.query({ query: CategoriesQuery }),
    ]);

    expect(meResult.data.me?.displayName).toBe('Ana Learner');
    expect(categoriesResult.data.categories?.map((category) => category.name)).toEqual(['DevOps']);
    expect(calls(gateway).filter((call) => call.startsWith('SessionRefresh'))).toEqual([
      'SessionRefresh refresh-1',
    ]);
    expect(calls(gateway).sort()).toEqual([
      'Categories access-1',
      'Categories access-2',
      'Me access-1',
      'Me access-2',
      'SessionRefresh refresh-1',
    ]);
  });

  it('signs out as expired, and forgets the stored token, when the gateway refuses the refresh', async () => {
    const signedIn = await signedInSession();
    gateway.answer((request) =>
      request.operationName === 'SessionRefresh' ? refreshRefused : unauthenticated,
    );
    const client = createMobileApolloClient({
      graphqlUrl: gateway.url,
      session: signedIn,
      webSocketImpl: WebSocket,
    });
    await render(
      <SessionProvider session={signedIn}>
        <SessionProbe />
      </SessionProvider>,
    );
    expect(screen.getByText('Signed in as Ana Learner')).toBeOnTheScreen();

    const refused = client.query({ query: MeQuery });
    await act(() => refused.catch(() => undefined));
    await expect(refused).rejects.toThrow('Your session has ended. Please log in again.');

    expect(await screen.findByText('Session expired')).toBeOnTheScreen();
    expect(signedIn.current).toEqual({ status: 'anonymous', expired: true });
    expect(calls(gateway)).toEqual(['Me access-1', 'SessionRefresh refresh-1']);
    expect(await SecureStore.getItemAsync(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('signs out by revoking the refresh token on the server and deleting it from the secure store', async () => {
    const signedIn = await signedInSession();
    gateway.answer(() => ({ body: { data: { sessionRevoke: { revoked: true, userErrors: [] } } } }));

    await signedIn.signOut();

    expect(signedIn.current).toEqual({ status: 'anonymous', expired: false });
    expect(gateway.received).toEqual([
      { operationName: 'SessionRevoke', variables: { input: { refreshToken: 'refresh-1' } }, token: null },
    ]);
    expect(await SecureStore.getItemAsync(REFRESH_TOKEN_KEY)).toBeNull();
  });
});
