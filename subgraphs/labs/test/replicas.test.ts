import { SESSION, STOP, START, startHarness, type Harness } from './support/harness';

describe('two replicas over PostgreSQL and Redis', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour: 'postgres', redis: true });
  });
  afterAll(() => h.close());

  it("a stop on one replica closes the session's terminal on the other and reaches its subscribers", async () => {
    const learner = await h.learner();
    const other = await h.replica();
    const sessionId = await h.startReady(learner.token);
    const events = h.subscribe(learner.token, sessionId, other.server);
    const first = events.next();
    await h.untilListening(sessionId, 1, other.pubsub);
    const url = (await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.terminalUrl;
    const terminal = h.openTerminal(url, undefined, other.server);
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    terminal.ws.send('echo on the other replica\n');
    await terminal.waitFor('on the other replica\n');

    await h.gql(STOP, { sessionId }, learner.token);
    expect(await terminal.closed).toEqual({ code: 1000, reason: 'The lab session ended.' });
    expect((await first).value?.data?.labSessionUpdated).toMatchObject({
      kind: 'STATUS',
      session: { id: sessionId },
    });
    await events.return?.();
  });

  it('a terminal token used on one replica is refused on the other (4401)', async () => {
    const learner = await h.learner();
    const other = await h.replica();
    const sessionId = await h.startReady(learner.token);
    const url = (await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.terminalUrl;
    const first = h.openTerminal(url);
    // The socket opens before the token is checked: wait for the shell to answer.
    await new Promise((resolve) => first.ws.once('open', resolve));
    first.ws.send('echo attached\n');
    await first.waitFor('attached\n');
    const replay = h.openTerminal(url, undefined, other.server);
    expect(await replay.closed).toEqual({ code: 4401, reason: 'The terminal token was already used.' });
    first.ws.close();
    await h.gql(STOP, { sessionId }, learner.token);
  });

  it('sweepers of two replicas at once send one expiry warning', async () => {
    const learner = await h.learner();
    const other = await h.replica();
    const sessionId = await h.startReady(learner.token);
    const [row] = await h.test.db.query<{ deadline: Date }>(
      'SELECT least(expires_at, idle_deadline) AS deadline FROM labs.lab_sessions WHERE id = $1',
      [sessionId],
    );
    const events = await h.pubsub.subscribe<{ kind: string; secondsLeft: number | null }>(
      `labs:session:${sessionId}`,
    );
    h.clock.frozenAt = row!.deadline.getTime() - 200_000;
    try {
      await Promise.all([
        h.server.labs.sweep(),
        other.server.labs.sweep(),
        other.server.labs.deliverCompletions(),
      ]);
      await Promise.all([h.server.labs.sweep(), other.server.labs.sweep()]);
    } finally {
      h.clock.frozenAt = null;
    }
    expect((await events.next()).value).toMatchObject({ kind: 'EXPIRY_WARNING', secondsLeft: 200 });
    const more = await Promise.race([
      events.next(),
      new Promise((resolve) => setTimeout(() => resolve('none'), 200)),
    ]);
    expect(more).toBe('none');
    await events.return?.();
    await h.gql(STOP, { sessionId }, learner.token);
  });

  it('concurrent starts on two replicas make one session', async () => {
    const learner = await h.learner();
    const other = await h.replica();
    const results = await Promise.all([
      h.gql(START, { lessonId: 'lab-shell' }, learner.token),
      h.gql(START, { lessonId: 'lab-shell' }, learner.token, other.server),
      h.gql(START, { lessonId: 'lab-shell' }, learner.token, other.server),
    ]);
    await h.server.labs.idle();
    await other.server.labs.idle();
    expect(new Set(results.map((result) => result.data?.labStart.session?.id)).size).toBe(1);
    expect(
      await h.count('SELECT count(*) AS n FROM labs.lab_sessions WHERE user_id = $1', [learner.id]),
    ).toBe(1);
  });
});
