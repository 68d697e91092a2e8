import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import {
  CHECK,
  errorCodes,
  EXTEND,
  SESSION,
  START,
  STOP,
  startHarness,
  type Harness,
} from './support/harness';

describe.each(DATABASE_FLAVOURS)('Subscription.labSessionUpdated on %s', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour });
  });
  afterAll(() => h.close());

  const next = async (events: AsyncIterableIterator<any>) => {
    const result = await events.next();
    if (result.value?.errors) throw new Error(JSON.stringify(result.value.errors));
    return result.value?.data?.labSessionUpdated;
  };

  it('follows provisioning: REQUESTED from labStart, PROVISIONING with progress, then READY at 100', async () => {
    const learner = await h.learner();
    const hold = h.runtime.hold();
    const started = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    const session = started.data?.labStart.session;
    expect(session).toMatchObject({ status: 'REQUESTED', progressPercent: 0 });
    await hold.reached;
    expect((await h.gql(SESSION, { id: session.id }, learner.token)).data?.labSession).toMatchObject({
      status: 'PROVISIONING',
      progressPercent: 0,
      statusMessage: 'Creating the sandbox.',
    });
    const events = h.subscribe(learner.token, session.id);
    const first = next(events);
    await h.untilListening(session.id);
    hold.progress({ percent: 30, message: 'Pulling the image' });
    expect(await first).toEqual({
      kind: 'STATUS',
      secondsLeft: null,
      step: null,
      session: {
        id: session.id,
        status: 'PROVISIONING',
        progressPercent: 30,
        statusMessage: 'Pulling the image',
      },
    });
    const second = next(events);
    hold.progress({ percent: 30, message: 'Pulling the image' });
    hold.release();
    // A repeated progress report publishes nothing; the runtime's next one (60) does.
    expect(await second).toMatchObject({
      kind: 'STATUS',
      session: { status: 'PROVISIONING', progressPercent: 60, statusMessage: 'Running the setup script' },
    });
    expect(await next(events)).toEqual({
      kind: 'STATUS',
      secondsLeft: null,
      step: null,
      session: {
        id: session.id,
        status: 'READY',
        progressPercent: 100,
        statusMessage: 'The sandbox is ready.',
      },
    });
    await h.server.labs.idle();
    const check = next(events);
    await h.gql(CHECK, { sessionId: session.id, stepId: 'create-file' }, learner.token);
    expect(await check).toEqual({
      kind: 'CHECK',
      secondsLeft: null,
      step: { id: 'create-file', status: 'FAILED', lastOutput: 'hello.txt is missing\n' },
      session: {
        id: session.id,
        status: 'READY',
        progressPercent: 100,
        statusMessage: 'The sandbox is ready.',
      },
    });
    const stopping = next(events);
    await h.gql(STOP, { sessionId: session.id }, learner.token);
    // STOPPING, then STOPPED; each event carries the session as it is when resolved.
    expect((await stopping).kind).toBe('STATUS');
    expect((await next(events)).session.status).toBe('STOPPED');
    await events.return?.();
  });

  it('warns 5 and 1 minutes before expiry, once per threshold whatever the number of sweeps', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const [row] = await h.test.db.query<{ deadline: Date }>(
      'SELECT least(expires_at, idle_deadline) AS deadline FROM labs.lab_sessions WHERE id = $1',
      [sessionId],
    );
    const deadline = row!.deadline.getTime();
    const events = h.subscribe(learner.token, sessionId);
    const first = next(events);
    await h.untilListening(sessionId);
    const setSecondsLeft = (seconds: number) => {
      h.clock.frozenAt = deadline - seconds * 1_000;
    };
    setSecondsLeft(301);
    await h.server.labs.sweep();
    setSecondsLeft(290);
    await Promise.all([h.server.labs.sweep(), h.server.labs.sweep()]);
    await h.server.labs.sweep();
    expect(await first).toEqual({
      kind: 'EXPIRY_WARNING',
      secondsLeft: 290,
      step: null,
      session: {
        id: sessionId,
        status: 'READY',
        progressPercent: 100,
        statusMessage: 'The sandbox is ready.',
      },
    });
    const second = next(events);
    setSecondsLeft(59);
    await h.server.labs.sweep();
    await h.server.labs.sweep();
    expect(await second).toMatchObject({ kind: 'EXPIRY_WARNING', secondsLeft: 59 });
    expect(
      await h.count('SELECT count(*) AS n FROM labs.expiry_warnings WHERE session_id = $1', [sessionId]),
    ).toBe(2);
    // Extending moves the deadline past both thresholds; the session then expires on idle later.
    const third = next(events);
    await h.gql(EXTEND, { sessionId }, learner.token);
    expect((await third).kind).toBe('STATUS');
    const ended = next(events);
    h.clock.frozenAt = deadline + 11 * 60_000;
    await h.server.labs.sweep();
    expect(await ended).toMatchObject({
      kind: 'STATUS',
      session: { status: 'EXPIRED', statusMessage: 'The session was idle for too long.' },
    });
    h.clock.frozenAt = null;
    await events.return?.();
  });

  it("another learner's session is NOT_FOUND; an ADMIN is FORBIDDEN", async () => {
    const owner = await h.learner();
    const sessionId = await h.startReady(owner.token);
    const stranger = await h.learner();
    const admin = await h.learner({ roles: ['ADMIN'] });
    for (const [token, code] of [
      [stranger.token, 'NOT_FOUND'],
      [admin.token, 'FORBIDDEN'],
    ] as const) {
      const events = h.subscribe(token, sessionId);
      const result = await events.next().then(
        (value) => errorCodes(value.value),
        (error: unknown) => errorCodes(error),
      );
      expect(result).toEqual([code]);
    }
    await h.gql(STOP, { sessionId }, owner.token);
  });
});
