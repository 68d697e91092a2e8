import { GraphQLError } from 'graphql';
import type { Logger, TokenVerifier, Viewer } from '@learncraft/kit';
import {
  NO_REVOCATIONS,
  POLL_OVERLAP_MS,
  REVOKED_SESSION_MESSAGE,
  startRevocationList,
  type RevocationList,
  type RevokedSessionsPage,
} from './revocations';

const T0 = Date.parse('2026-01-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A scripted identity: answers the queued pages in order and records each `since`. */
function scriptedSource(pages: (RevokedSessionsPage | Error)[]) {
  const calls: (string | null)[] = [];
  const source = (since: string | null) => {
    calls.push(since);
    const next = pages.length > 1 ? pages.shift()! : pages[0]!;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { source, calls };
}

const page = (now: number, sessions: [string, number][], more = false): RevokedSessionsPage => ({
  now: iso(now),
  accessTokenTtlSeconds: 900,
  sessions: sessions.map(([sessionId, at]) => ({ sessionId, revokedAt: iso(at) })),
  more,
});

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
    child: () => logger,
  };
  return { logger, lines };
}

const viewerWith = (sessionId?: string): Viewer => ({
  id: 'u1',
  roles: ['LEARNER'],
  expiresAt: 0,
  sessionId,
});
const verifierFor = (viewer: Viewer): TokenVerifier => ({ verify: () => Promise.resolve(viewer) });

describe('the revoked-session list', () => {
  const lists: RevocationList[] = [];
  const start = async (pages: (RevokedSessionsPage | Error)[], pollIntervalMs = 60_000) => {
    const script = scriptedSource(pages);
    const { logger, lines } = recordingLogger();
    const list = await startRevocationList({ source: script.source, pollIntervalMs, logger });
    lists.push(list);
    return { list, calls: script.calls, lines };
  };
  afterEach(async () => {
    for (const list of lists.splice(0)) await list.close();
  });

  it('refuses a token of a listed session with UNAUTHENTICATED and lets others through', async () => {
    const { list } = await start([page(T0, [['s-revoked', T0 - 1000]])]);
    const refused = list.guard(verifierFor(viewerWith('s-revoked'))).verify('token');
    await expect(refused).rejects.toThrow(GraphQLError);
    await expect(refused).rejects.toMatchObject({
      message: REVOKED_SESSION_MESSAGE,
      extensions: { code: 'UNAUTHENTICATED' },
    });
    await expect(list.guard(verifierFor(viewerWith('s-live'))).verify('token')).resolves.toEqual(
      viewerWith('s-live'),
    );
    // Tokens without a session id (minted before `sid` existed, or by tests) cannot be listed.
    await expect(list.guard(verifierFor(viewerWith())).verify('token')).resolves.toEqual(viewerWith());
  });

  it('first asks without `since`, then from identity’s previous clock minus the overlap', async () => {
    const { list, calls } = await start([page(T0, []), page(T0 + 2000, [['s1', T0 + 1500]])]);
    await list.refresh();
    expect(calls).toEqual([null, iso(T0 - POLL_OVERLAP_MS)]);
    expect(list.isRevoked('s1')).toBe(true);
  });

  it('reads every page of a poll that identity says has more', async () => {
    const { list, calls } = await start([
      page(
        T0,
        [
          ['s1', T0 - 3000],
          ['s2', T0 - 2000],
        ],
        true,
      ),
      page(T0, [['s3', T0 - 1000]]),
    ]);
    expect(calls).toEqual([null, iso(T0 - 2000)]);
    expect(['s1', 's2', 's3'].map((id) => list.isRevoked(id))).toEqual([true, true, true]);
  });

  it('forgets a session once every access token of it has expired', async () => {
    const forgetAt = T0 + 900_000 + POLL_OVERLAP_MS;
    const { list } = await start([page(T0, [['s1', T0]]), page(forgetAt - 1, []), page(forgetAt, [])]);
    await list.refresh();
    expect(list.isRevoked('s1')).toBe(true);
    await list.refresh();
    expect(list.isRevoked('s1')).toBe(false);
    expect(list.size).toBe(0);
  });

  it('keeps the last list when identity cannot be reached, warns once, and says when it recovers', async () => {
    const down = new Error('connect ECONNREFUSED');
    const { list, lines } = await start([
      page(T0, [['s1', T0]]),
      down,
      down,
      page(T0 + 4000, [['s2', T0 + 3000]]),
    ]);
    await list.refresh();
    await list.refresh();
    expect(list.isRevoked('s1')).toBe(true);
    await list.refresh();
    expect(list.isRevoked('s2')).toBe(true);
    expect(lines).toEqual([
      'warn cannot update the revoked-session list; keeping the last one',
      'info revoked-session list is being updated again',
    ]);
  });

  it('does not fail to start when identity is down, and polls on its own every interval', async () => {
    const { list, calls } = await start([new Error('down'), page(T0, [['s1', T0]])], 30);
    expect(list.isRevoked('s1')).toBe(false);
    // Polls every 30 ms on its own; wait (bounded) for the third poll rather than a fixed time.
    for (let tries = 0; tries < 200 && calls.length < 3; tries++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(list.isRevoked('s1')).toBe(true);
  });
});

describe('NO_REVOCATIONS', () => {
  it('passes the verifier through unchanged', () => {
    const verifier = verifierFor(viewerWith('s1'));
    expect(NO_REVOCATIONS.guard(verifier)).toBe(verifier);
    expect(NO_REVOCATIONS.isRevoked('s1')).toBe(false);
  });
});
