/**
 * @jest-environment jsdom
 *
 * The browser session: resuming from a stored refresh token, the silent refresh a minute before
 * the access token expires, one refresh shared by concurrent callers, and what a failed refresh
 * leaves behind. The gateway is a stubbed `fetch`.
 */
import { REFRESH_TOKEN_KEY, SessionManager, type SessionState } from '../../src/auth/session';
import type { SessionFieldsFragment } from '@learncraft/operations/types';

const URL = 'https://learncraft.example/graphql';
const NOW = Date.parse('2030-01-01T12:00:00.000Z');
const user = {
  id: 'VXNlcjox',
  displayName: 'Ana Learner',
  email: 'ana@example.com',
  roles: ['LEARNER' as const],
};

function session(n: number, expiresInMs = 15 * 60_000): SessionFieldsFragment {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: new Date(Date.now() + expiresInMs).toISOString(),
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    user,
  };
}

type Answer = { status?: number; body: unknown } | Error;
const fetchMock = jest.fn<Promise<unknown>, [string, RequestInit]>();

/** Queues the gateway's next answers, in order. */
function gatewayAnswers(...answers: Answer[]) {
  for (const answer of answers)
    fetchMock.mockImplementationOnce(() => {
      if (answer instanceof Error) return Promise.reject(answer);
      const status = answer.status ?? 200;
      return Promise.resolve({ ok: status < 400, status, json: () => Promise.resolve(answer.body) });
    });
}
const refreshed = (n: number, expiresInMs?: number) => ({
  body: { data: { sessionRefresh: { session: session(n, expiresInMs), userErrors: [] } } },
});
const refreshRejected = {
  body: {
    data: {
      sessionRefresh: {
        session: null,
        userErrors: [{ code: 'INVALID_REFRESH_TOKEN', message: 'The session has ended.' }],
      },
    },
  },
};
const sentBodies = () =>
  fetchMock.mock.calls.map(([url, init]) => ({
    url,
    ...(JSON.parse(init.body as string) as { operationName: string; variables: unknown }),
  }));

beforeEach(() => {
  jest.useFakeTimers({ now: NOW });
  localStorage.clear();
  fetchMock.mockReset();
  globalThis.fetch = fetchMock as unknown as typeof fetch;
});

afterEach(() => {
  jest.useRealTimers();
});

describe('SessionManager', () => {
  it('starts signed out, without calling the gateway, when no refresh token is stored', async () => {
    const manager = new SessionManager(URL, localStorage);
    await manager.start();
    expect(manager.current).toEqual({ status: 'anonymous', expired: false });
    expect(await manager.accessToken()).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('resumes a stored session by exchanging the refresh token and stores the rotated one', async () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-0');
    const manager = new SessionManager(URL, localStorage);
    expect(manager.current).toEqual({ status: 'loading' });
    gatewayAnswers(refreshed(1));

    await manager.start();

    expect(manager.current).toEqual({
      status: 'signedIn',
      user,
      accessToken: 'access-1',
      expiresAt: NOW + 15 * 60_000,
    });
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
    const [sent] = sentBodies();
    expect(sent).toMatchObject({
      url: URL,
      operationName: 'SessionRefresh',
      variables: { input: { refreshToken: 'refresh-0' } },
    });
    expect(fetchMock.mock.calls[0]![1]).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
  });

  it('refreshes silently one minute before the access token expires', async () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1, 10 * 60_000));
    gatewayAnswers(refreshed(2));

    await jest.advanceTimersByTimeAsync(9 * 60_000 - 1);
    expect(fetchMock).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(1);
    expect(sentBodies()).toEqual([
      expect.objectContaining({ variables: { input: { refreshToken: 'refresh-1' } } }),
    ]);
    expect(manager.current).toMatchObject({ status: 'signedIn', accessToken: 'access-2' });
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-2');
  });

  it('waits at least a second before refreshing a token that is already inside the one-minute margin', async () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1, 30_000));
    gatewayAnswers(refreshed(2));

    await jest.advanceTimersByTimeAsync(999);
    expect(fetchMock).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('hands out the current access token without a refresh while it has more than five seconds left', async () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1, 5_001));
    expect(await manager.accessToken()).toBe('access-1');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('shares one refresh between concurrent callers when the access token is about to expire', async () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1, 5_000));
    gatewayAnswers(refreshed(2));

    const tokens = await Promise.all([
      manager.accessToken(),
      manager.accessToken(),
      manager.refresh(),
      manager.accessToken(),
    ]);

    expect(tokens).toEqual(['access-2', 'access-2', 'access-2', 'access-2']);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    // The next refresh is a new exchange with the rotated token, not the spent one.
    gatewayAnswers(refreshed(3));
    expect(await manager.refresh()).toBe('access-3');
    expect(sentBodies().map((body) => body.variables)).toEqual([
      { input: { refreshToken: 'refresh-1' } },
      { input: { refreshToken: 'refresh-2' } },
    ]);
  });

  it('runs the exchange under the cross-tab Web Lock when the browser has one', async () => {
    const request = jest.fn((_name: string, work: () => Promise<unknown>) => work());
    Object.defineProperty(navigator, 'locks', { value: { request }, configurable: true });
    try {
      localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-0');
      const manager = new SessionManager(URL, localStorage);
      gatewayAnswers(refreshed(1));
      await manager.start();
      expect(request).toHaveBeenCalledTimes(1);
      expect(request.mock.calls[0]![0]).toBe('learncraft.sessionRefresh');
    } finally {
      delete (navigator as { locks?: unknown }).locks;
    }
  });

  it('ends the session as expired when the gateway refuses the refresh token', async () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1));
    const seen: SessionState[] = [];
    manager.subscribe((state) => seen.push(state));
    gatewayAnswers(refreshRejected);

    expect(await manager.refresh()).toBeNull();

    expect(manager.current).toEqual({ status: 'anonymous', expired: true });
    expect(seen).toEqual([{ status: 'anonymous', expired: true }]);
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    // The silent refresh that was scheduled is cancelled with the session.
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('keeps the refresh token and reports the error when the network fails during a refresh', async () => {
    localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-0');
    const manager = new SessionManager(URL, localStorage);
    gatewayAnswers(new TypeError('Failed to fetch'));

    await expect(manager.start()).rejects.toThrow('Failed to fetch');

    expect(manager.current).toEqual({ status: 'anonymous', expired: false });
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-0');
  });

  it('treats a server error answer as a failed network call, not as an ended session', async () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1));
    gatewayAnswers({ status: 503, body: {} });

    await expect(manager.refresh()).rejects.toThrow('The server answered 503.');
    expect(manager.current).toMatchObject({ status: 'signedIn', accessToken: 'access-1' });
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });

  it('does not leave an unhandled rejection when the scheduled silent refresh hits a network failure', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const manager = new SessionManager(URL, localStorage);
      manager.accept(session(1, 2 * 60_000));
      gatewayAnswers(new TypeError('Failed to fetch'));

      await jest.advanceTimersByTimeAsync(60_000);
      jest.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 10));

      expect(fetchMock).toHaveBeenCalledTimes(1);
      expect(unhandled).toEqual([]);
      expect(manager.current).toMatchObject({ status: 'signedIn', accessToken: 'access-1' });
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('signs out locally and revokes the refresh token on the server, even when the revoke fails', async () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1));
    gatewayAnswers(new TypeError('Failed to fetch'));

    await manager.signOut();

    expect(manager.current).toEqual({ status: 'anonymous', expired: false });
    expect(localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(sentBodies()).toEqual([
      expect.objectContaining({
        operationName: 'SessionRevoke',
        variables: { input: { refreshToken: 'refresh-1' } },
      }),
    ]);
  });

  it('follows a sign-out in another tab', () => {
    const manager = new SessionManager(URL, localStorage);
    manager.accept(session(1));
    window.dispatchEvent(
      new StorageEvent('storage', { key: REFRESH_TOKEN_KEY, oldValue: 'refresh-1', newValue: null }),
    );
    expect(manager.current).toEqual({ status: 'anonymous', expired: false });
  });
});
