import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { CHECK, errorCodes, SESSION, STOP, startHarness, type Harness } from './support/harness';

describe.each(DATABASE_FLAVOURS)('labStepCheck on %s', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour, env: { LAB_CHECK_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '10000' } });
  });
  afterAll(() => h.close());

  /** Runs a shell command in the session's sandbox, as the learner would in the terminal. */
  async function inSandbox(sessionId: string, script: string) {
    const [row] = await h.test.db.query<{ sandbox_id: string }>(
      'SELECT sandbox_id FROM labs.lab_sessions WHERE id = $1',
      [sessionId],
    );
    await h.runtime.exec(row!.sandbox_id, script, { timeoutMs: 5_000, maxOutputBytes: 4096 });
  }

  it('a failing check stores FAILED with its output; after the learner fixes it, PASSED', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const failed = await h.gql(CHECK, { sessionId, stepId: 'create-file' }, learner.token);
    expect(failed.data?.labStepCheck).toEqual({
      session: { id: sessionId, status: 'READY', progressPercent: 100 },
      step: {
        id: 'create-file',
        title: 'Create hello.txt',
        status: 'FAILED',
        lastOutput: 'hello.txt is missing\n',
        checkedAt: expect.any(String),
      },
      userErrors: [],
    });
    await inSandbox(sessionId, 'touch hello.txt');
    const passed = await h.gql(CHECK, { sessionId, stepId: 'create-file' }, learner.token);
    expect(passed.data?.labStepCheck.step).toMatchObject({
      status: 'PASSED',
      lastOutput: 'hello.txt exists\n',
    });
    const steps = (await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.steps;
    expect(steps.map((step: { id: string; status: string }) => [step.id, step.status])).toEqual([
      ['create-file', 'PASSED'],
      ['greet', 'PENDING'],
    ]);
  });

  it('check scripts never appear in the schema', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const result = await h.gql(
      'query ($id: ID!) { labSession(id: $id) { steps { checkCommand } } }',
      { id: sessionId },
      learner.token,
    );
    expect(errorCodes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('a check that runs too long is stopped and FAILED, its output kept with a note', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token, 'lab-slow-check');
    const result = await h.gql(CHECK, { sessionId, stepId: 'sleepy' }, learner.token);
    expect(result.data?.labStepCheck.step).toMatchObject({
      status: 'FAILED',
      lastOutput: 'started\n\n[check stopped after 1 s]',
    });
  });

  it('output is capped at 4 KiB', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token, 'lab-noisy');
    const result = await h.gql(CHECK, { sessionId, stepId: 'noisy' }, learner.token);
    const step = result.data?.labStepCheck.step;
    expect(step.status).toBe('FAILED');
    expect(Buffer.byteLength(step.lastOutput)).toBe(4096);
  });

  it('an unknown step is UNKNOWN_STEP; a session not READY is SESSION_NOT_READY; an ended one SESSION_ENDED', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    expect((await h.gql(CHECK, { sessionId, stepId: 'nope' }, learner.token)).data?.labStepCheck).toEqual({
      session: null,
      step: null,
      userErrors: [
        { code: 'UNKNOWN_STEP', message: 'This lab has no step nope.', field: ['input', 'stepId'] },
      ],
    });
    await h.gql(STOP, { sessionId }, learner.token);
    expect(
      (await h.gql(CHECK, { sessionId, stepId: 'greet' }, learner.token)).data?.labStepCheck.userErrors,
    ).toEqual([
      {
        code: 'SESSION_ENDED',
        message: 'This lab session has ended; start the lab again.',
        field: ['input', 'sessionId'],
      },
    ]);

    const hold = h.runtime.hold();
    const other = await h.learner();
    const started = await h.gql(
      'mutation { labStart(input: { lessonId: "lab-shell" }) { session { id } } }',
      {},
      other.token,
    );
    await hold.reached;
    const pending = started.data?.labStart.session.id;
    expect(
      (await h.gql(CHECK, { sessionId: pending, stepId: 'greet' }, other.token)).data?.labStepCheck
        .userErrors,
    ).toEqual([
      {
        code: 'SESSION_NOT_READY',
        message: 'The sandbox is not ready yet; wait until the session is READY.',
        field: ['input', 'sessionId'],
      },
    ]);
    hold.release();
    await h.server.labs.idle();
  });

  it('a check of a step already being checked is CHECK_RUNNING', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token, 'lab-slow-check');
    const first = h.gql(CHECK, { sessionId, stepId: 'sleepy' }, learner.token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await h.gql(CHECK, { sessionId, stepId: 'sleepy' }, learner.token);
    expect(second.data?.labStepCheck.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'CHECK_RUNNING',
    ]);
    expect((await first).data?.labStepCheck.step.status).toBe('FAILED');
  });

  it("another learner's session is NOT_FOUND, exactly like an unknown id; an ADMIN is FORBIDDEN", async () => {
    const owner = await h.learner();
    const stranger = await h.learner();
    const admin = await h.learner({ roles: ['ADMIN'] });
    const sessionId = await h.startReady(owner.token);
    expect(errorCodes(await h.gql(CHECK, { sessionId, stepId: 'greet' }, stranger.token))).toEqual([
      'NOT_FOUND',
    ]);
    expect(
      errorCodes(await h.gql(CHECK, { sessionId: randomUUID(), stepId: 'greet' }, stranger.token)),
    ).toEqual(['NOT_FOUND']);
    expect(errorCodes(await h.gql(CHECK, { sessionId, stepId: 'greet' }, admin.token))).toEqual([
      'FORBIDDEN',
    ]);
  });
});

describe.each(DATABASE_FLAVOURS)('completing a lab on %s', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour });
  });
  afterAll(() => h.close());

  async function passEverything(sessionId: string, token: string) {
    const [row] = await h.test.db.query<{ sandbox_id: string }>(
      'SELECT sandbox_id FROM labs.lab_sessions WHERE id = $1',
      [sessionId],
    );
    await h.runtime.exec(row!.sandbox_id, 'echo hi > hello.txt', { timeoutMs: 5_000, maxOutputBytes: 4096 });
    await h.gql(CHECK, { sessionId, stepId: 'create-file' }, token);
    return h.gql(CHECK, { sessionId, stepId: 'greet' }, token);
  }

  const callsFor = (sessionId: string) =>
    h.progress.completionCalls.filter((call) => call.reference === sessionId);

  it('the last passing step completes the session, destroys the sandbox and reports to progress once', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const [row0] = await h.test.db.query<{ sandbox_id: string }>(
      'SELECT sandbox_id FROM labs.lab_sessions WHERE id = $1',
      [sessionId],
    );
    const sandboxId = row0!.sandbox_id;
    const last = await passEverything(sessionId, learner.token);
    expect(last.data?.labStepCheck).toMatchObject({
      session: { id: sessionId, status: 'COMPLETED', progressPercent: 100 },
      step: { id: 'greet', status: 'PASSED', lastOutput: 'greeting found\n' },
      userErrors: [],
    });
    await h.server.labs.idle();
    expect(callsFor(sessionId)).toEqual([
      { userId: learner.id, lessonId: 'lab-shell', reference: sessionId },
    ]);
    expect(h.progress.completed.get(`${learner.id}:lab-shell`)).toBe(sessionId);
    expect(h.runtime.destroyed).toContain(sandboxId);
    const [row] = await h.test.db.query<{
      sandbox_id: string | null;
      reported: boolean;
      acknowledged: boolean;
    }>(
      `SELECT s.sandbox_id, s.completion_reported_at IS NOT NULL AS reported, o.acknowledged_at IS NOT NULL AS acknowledged
         FROM labs.lab_sessions s JOIN labs.completion_outbox o ON o.session_id = s.id WHERE s.id = $1`,
      [sessionId],
    );
    expect(row).toEqual({ sandbox_id: null, reported: true, acknowledged: true });
    // Sweeps (on this replica or another) find nothing left to send.
    await Promise.all([
      h.server.labs.sweep(),
      h.server.labs.deliverCompletions(),
      h.server.labs.deliverCompletions(sessionId),
    ]);
    expect(callsFor(sessionId)).toHaveLength(1);
    const after = await h.gql(CHECK, { sessionId, stepId: 'greet' }, learner.token);
    expect(after.data?.labStepCheck.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'SESSION_ENDED',
    ]);
  });

  it('progress down during completion: the outbox keeps it, and the retry delivers it exactly once', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    await h.progress.stop();
    try {
      const last = await passEverything(sessionId, learner.token);
      expect(last.data?.labStepCheck.session.status).toBe('COMPLETED');
      await h.server.labs.idle();
    } finally {
      await h.progress.start();
    }
    expect(callsFor(sessionId)).toEqual([]);
    const [pending] = await h.test.db.query<{
      attempts: number;
      acknowledged_at: Date | null;
      last_error: string | null;
    }>('SELECT attempts, acknowledged_at, last_error FROM labs.completion_outbox WHERE session_id = $1', [
      sessionId,
    ]);
    expect(pending).toMatchObject({ attempts: 1, acknowledged_at: null, last_error: expect.any(String) });
    // Not due yet (back-off of 1 s): a sweep now sends nothing.
    await h.server.labs.sweep();
    expect(callsFor(sessionId)).toEqual([]);
    h.clock.offsetMs += 2_000;
    // Two replicas' sweepers at once: the claim lets one send it.
    await Promise.all([h.server.labs.deliverCompletions(), h.server.labs.deliverCompletions()]);
    await h.server.labs.sweep();
    expect(callsFor(sessionId)).toEqual([
      { userId: learner.id, lessonId: 'lab-shell', reference: sessionId },
    ]);
    expect(
      await h.count(
        'SELECT count(*) AS n FROM labs.lab_sessions WHERE id = $1 AND completion_reported_at IS NOT NULL',
        [sessionId],
      ),
    ).toBe(1);
  });

  it('a completion progress refuses for good (409) is abandoned, not retried', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    h.progress.enrolled.clear();
    await passEverything(sessionId, learner.token);
    await h.server.labs.idle();
    h.clock.offsetMs += 10 * 60_000;
    await h.server.labs.sweep();
    expect(callsFor(sessionId)).toHaveLength(1);
    const [row] = await h.test.db.query<{ abandoned: boolean; last_error: string }>(
      'SELECT abandoned_at IS NOT NULL AS abandoned, last_error FROM labs.completion_outbox WHERE session_id = $1',
      [sessionId],
    );
    expect(row).toEqual({ abandoned: true, last_error: 'NOT_ENROLLED' });
  });
});
