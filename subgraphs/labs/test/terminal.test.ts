import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { issueTerminalToken } from '../src/domain/terminalToken';
import { SESSION, STOP, startHarness, type Harness } from './support/harness';

const TERMINAL_SECRET = 'test-terminal-secret-0123456789-abcdef';

describe.each(DATABASE_FLAVOURS)('the terminal endpoint on %s', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour });
  });
  afterAll(() => h.close());

  const terminalUrlOf = async (sessionId: string, token: string): Promise<string> =>
    (await h.gql(SESSION, { id: sessionId }, token)).data?.labSession.terminalUrl;

  it('typed input runs in the sandbox and its output comes back; resize frames reach the shell', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const terminal = h.openTerminal(await terminalUrlOf(sessionId, learner.token));
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    terminal.ws.send(Buffer.from(JSON.stringify({ type: 'resize', cols: 120, rows: 40 })), { binary: true });
    terminal.ws.send('cat setup.log; echo "$((6 * 7))"\n');
    await terminal.waitFor('prepared\n42\n');
    expect(terminal.output()).toBe('prepared\n42\n');
    const [row] = await h.test.db.query<{ sandbox_id: string }>(
      'SELECT sandbox_id FROM labs.lab_sessions WHERE id = $1',
      [sessionId],
    );
    expect(h.runtime.resizes).toContainEqual({ sandboxId: row!.sandbox_id, cols: 120, rows: 40 });
    // A malformed control frame is ignored, and the shell keeps working.
    terminal.ws.send(Buffer.from('{"type":"resize","cols":-1}'), { binary: true });
    terminal.ws.send('echo still here\n');
    await terminal.waitFor('still here\n');
    terminal.ws.close();
  });

  it('stopping the session closes its terminals with 1000', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const terminal = h.openTerminal(await terminalUrlOf(sessionId, learner.token));
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    terminal.ws.send('echo ready\n');
    await terminal.waitFor('ready\n');
    await h.gql(STOP, { sessionId }, learner.token);
    expect(await terminal.closed).toEqual({ code: 1000, reason: 'The lab session ended.' });
  });

  it('a token is single-use: the second connection with it is closed 4401', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const url = await terminalUrlOf(sessionId, learner.token);
    const first = h.openTerminal(url);
    await new Promise((resolve) => first.ws.once('open', resolve));
    first.ws.send('echo one\n');
    await first.waitFor('one\n');
    const replay = h.openTerminal(url);
    expect(await replay.closed).toEqual({ code: 4401, reason: 'The terminal token was already used.' });
    first.ws.close();
  });

  it('an expired token is 4401', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const url = await terminalUrlOf(sessionId, learner.token);
    h.clock.offsetMs += 61_000;
    try {
      expect(await h.openTerminal(url).closed).toEqual({
        code: 4401,
        reason: 'The terminal token has expired.',
      });
    } finally {
      h.clock.offsetMs -= 61_000;
    }
  });

  it('a forged, tampered or foreign token is 4401', async () => {
    const learner = await h.learner();
    const thief = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const url = new URL(await terminalUrlOf(sessionId, learner.token));
    const token = url.searchParams.get('token')!;
    const [version, body, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    const tamperedBody = Buffer.from(JSON.stringify({ ...claims, u: thief.id })).toString('base64url');
    const forged = issueTerminalToken(
      'another-secret-0123456789-0123456789',
      { sessionId, userId: learner.id },
      h.now(),
    ).token;
    // Signed with the right secret but for a user who is not the session's learner.
    const foreign = issueTerminalToken(TERMINAL_SECRET, { sessionId, userId: thief.id }, h.now()).token;
    for (const bad of [`${version}.${tamperedBody}.${signature}`, forged, foreign, 'garbage', '']) {
      url.searchParams.set('token', bad);
      expect(await h.openTerminal(url.toString()).closed).toEqual({
        code: 4401,
        reason: 'The terminal token is not valid.',
      });
    }
  });

  it("the learner's token is the only way in: another learner gets no terminalUrl", async () => {
    const owner = await h.learner();
    const other = await h.learner();
    const sessionId = await h.startReady(owner.token);
    expect((await h.gql(SESSION, { id: sessionId }, other.token)).data?.labSession).toBeNull();
  });

  it('a valid token for a session that is no longer running is 4404', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const url = await terminalUrlOf(sessionId, learner.token);
    await h.gql(STOP, { sessionId }, learner.token);
    expect(await h.openTerminal(url).closed).toEqual({
      code: 4404,
      reason: 'The lab session is not running.',
    });
  });

  it('an upgrade without the gateway credential is refused before any token is read', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const terminal = h.openTerminal(await terminalUrlOf(sessionId, learner.token), {});
    const error = await new Promise<Error>((resolve) => terminal.ws.once('error', resolve));
    expect(error.message).toBe('Unexpected server response: 401');
  });

  it('frames over 16 KiB close the terminal with 1009', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const terminal = h.openTerminal(await terminalUrlOf(sessionId, learner.token));
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    terminal.ws.send('x'.repeat(16 * 1024 + 1));
    expect((await terminal.closed).code).toBe(1009);
  });

  it('terminal input counts as activity: it moves the idle deadline', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const deadline = async () =>
      (
        await h.test.db.query<{ idle_deadline: Date }>(
          'SELECT idle_deadline FROM labs.lab_sessions WHERE id = $1',
          [sessionId],
        )
      )[0]!.idle_deadline.getTime();
    const before = await deadline();
    const terminal = h.openTerminal(await terminalUrlOf(sessionId, learner.token));
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    h.clock.offsetMs += 5 * 60_000;
    try {
      terminal.ws.send('echo typing\n');
      await terminal.waitFor('typing\n');
      await h.server.labs.idle();
      expect((await deadline()) - before).toBeGreaterThanOrEqual(5 * 60_000);
      // Ten idle minutes after the input (not after READY) the session is still there.
      h.clock.offsetMs += 6 * 60_000;
      await h.server.labs.sweep();
      expect((await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.status).toBe('READY');
    } finally {
      h.clock.offsetMs = 0;
    }
    terminal.ws.close();
  });

  it('shutting the subgraph down closes its terminals with 1001; the session survives the restart', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const terminal = h.openTerminal(await terminalUrlOf(sessionId, learner.token));
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    terminal.ws.send('echo before\n');
    await terminal.waitFor('before\n');
    await h.restart();
    expect(await terminal.closed).toEqual({ code: 1001, reason: 'The lab service is shutting down.' });
    expect((await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.status).toBe('READY');
  });
});
