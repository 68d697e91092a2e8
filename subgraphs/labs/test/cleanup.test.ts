import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { SESSION, startHarness, type Harness } from './support/harness';

describe.each(DATABASE_FLAVOURS)('limits and cleanup on %s', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour });
  });
  afterAll(() => h.close());
  afterEach(() => {
    h.clock.offsetMs = 0;
  });

  const rowOf = async (sessionId: string) =>
    (
      await h.test.db.query<{ status: string; status_message: string; sandbox_id: string | null }>(
        'SELECT status, status_message, sandbox_id FROM labs.lab_sessions WHERE id = $1',
        [sessionId],
      )
    )[0];

  it('the sweeper expires a session idle past its idle timeout and destroys its sandbox', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const sandboxId = (await rowOf(sessionId))!.sandbox_id!;
    const terminal = h.openTerminal(
      (await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.terminalUrl,
    );
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    h.clock.offsetMs = 9 * 60_000;
    await h.server.labs.sweep();
    expect((await rowOf(sessionId))!.status).toBe('READY');
    h.clock.offsetMs = 10 * 60_000 + 1_000;
    await h.server.labs.sweep();
    expect(await rowOf(sessionId)).toEqual({
      status: 'EXPIRED',
      status_message: 'The session was idle for too long.',
      sandbox_id: null,
    });
    expect(h.runtime.destroyed).toContain(sandboxId);
    expect(await terminal.closed).toEqual({ code: 1000, reason: 'The lab session ended.' });
    expect((await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.terminalUrl).toBeNull();
  });

  it('a session stuck before READY for 10 minutes is FAILED by the reconcile pass', async () => {
    const learner = await h.learner();
    const hold = h.runtime.hold();
    const sessionId = (
      await h.gql(
        'mutation { labStart(input: { lessonId: "lab-other" }) { session { id } } }',
        {},
        learner.token,
      )
    ).data?.labStart.session.id;
    await hold.reached;
    await h.server.labs.reconcile();
    expect((await rowOf(sessionId))!.status).toBe('PROVISIONING');
    h.clock.offsetMs = 10 * 60_000 + 1_000;
    await h.server.labs.reconcile();
    expect(await rowOf(sessionId)).toEqual({
      status: 'FAILED',
      status_message: 'The sandbox was not ready in time; start the lab again.',
      sandbox_id: null,
    });
    // When the runtime finally answers, its sandbox is destroyed rather than adopted.
    hold.release();
    await h.server.labs.idle();
    expect((await h.runtime.list()).filter((sandbox) => sandbox.sessionId === sessionId)).toEqual([]);
  });

  it('the hard time limit ends an active session', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    // Activity keeps moving the idle deadline, but the 30-minute limit still applies.
    await h.test.db.query(
      "UPDATE labs.lab_sessions SET idle_deadline = expires_at + interval '1 hour' WHERE id = $1",
      [sessionId],
    );
    h.clock.offsetMs = 30 * 60_000 + 1_000;
    await h.server.labs.sweep();
    expect(await rowOf(sessionId)).toMatchObject({
      status: 'EXPIRED',
      status_message: 'The session reached its time limit.',
    });
  });

  it('after a crash, a new instance adopts running sandboxes and destroys or fails everything else', async () => {
    const kept = await h.learner();
    const lost = await h.learner();
    const stuck = await h.learner();
    const keptId = await h.startReady(kept.token);
    const lostId = await h.startReady(lost.token);
    const stuckId = await h.startReady(stuck.token, 'lab-other');
    const keptSandbox = (await rowOf(keptId))!.sandbox_id!;
    const lostSandbox = (await rowOf(lostId))!.sandbox_id!;
    const stuckSandbox = (await rowOf(stuckId))!.sandbox_id!;
    // What a crash leaves: a sandbox of a session the database does not know, a stopped session
    // whose sandbox was never destroyed, a sandbox gone missing, and a session caught mid-provisioning.
    const unknown = h.runtime.plant(randomUUID());
    const stopped = await h.learner();
    const stoppedId = await h.startReady(stopped.token);
    const stoppedSandbox = (await rowOf(stoppedId))!.sandbox_id!;
    await h.test.db.query(
      "UPDATE labs.lab_sessions SET status = 'STOPPED', sandbox_id = NULL WHERE id = $1",
      [stoppedId],
    );
    await h.test.db.query(
      "UPDATE labs.lab_sessions SET status = 'PROVISIONING', sandbox_id = NULL WHERE id = $1",
      [stuckId],
    );
    h.runtime.lose(lostSandbox);

    await h.restart();

    const left = (await h.runtime.list()).map((sandbox) => sandbox.id);
    expect(left).toContain(keptSandbox);
    expect(left).not.toContain(unknown.id);
    expect(left).not.toContain(stoppedSandbox);
    expect(left).not.toContain(stuckSandbox);
    expect(h.server.metrics.get('labs_orphan_sandboxes_destroyed_total')).toBe(3);
    expect(await rowOf(keptId)).toMatchObject({ status: 'READY', sandbox_id: keptSandbox });
    expect(await rowOf(lostId)).toEqual({
      status: 'FAILED',
      status_message: 'The sandbox was lost; start the lab again.',
      sandbox_id: null,
    });
    expect(await rowOf(stuckId)).toEqual({
      status: 'FAILED',
      status_message: 'The sandbox was not ready in time; start the lab again.',
      sandbox_id: null,
    });
    // The adopted session works on the new instance: its terminal opens and its shell answers.
    const url = (await h.gql(SESSION, { id: keptId }, kept.token)).data?.labSession.terminalUrl;
    const terminal = h.openTerminal(url);
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    terminal.ws.send('cat setup.log\n');
    await terminal.waitFor('prepared\n');
    terminal.ws.close();
    // The learners whose sessions failed can start again.
    expect((await h.startReady(lost.token)).length).toBe(36);
  });
});
