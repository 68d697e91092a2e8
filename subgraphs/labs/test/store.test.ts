import { randomUUID } from 'node:crypto';
import { migrate } from '@learncraft/kit';
import { createTestDatabase, DATABASE_FLAVOURS, type TestDatabase } from '@learncraft/kit/testing';
import { MIGRATIONS_DIR } from '../src/server';
import { createLabStore, type LabStore, type NewSession } from '../src/stores/labStore';

describe.each(DATABASE_FLAVOURS)('lab store on %s', (flavour) => {
  let test: TestDatabase;
  let store: LabStore;
  beforeAll(async () => {
    test = await createTestDatabase(flavour);
    await migrate(test.db, 'labs', MIGRATIONS_DIR);
    store = createLabStore(test.db);
  });
  afterAll(() => test.dispose());

  const at = new Date(Date.UTC(2026, 0, 1, 10));
  const session = (overrides: Partial<NewSession> = {}): NewSession => ({
    userId: randomUUID(),
    lessonId: 'lab-1',
    courseId: 'course-1',
    template: {
      profile: 'linux',
      image: 'img',
      setupScript: null,
      timeLimitMinutes: 30,
      idleTimeoutMinutes: 10,
    },
    steps: [
      { id: 'a', title: 'A', checkCommand: 'true' },
      { id: 'b', title: 'B', checkCommand: 'true' },
    ],
    nodeId: `node-${randomUUID()}`,
    maxSandboxes: 10,
    at,
    expiresAt: new Date(at.getTime() + 30 * 60_000),
    ...overrides,
  });

  it('the database refuses a second running session of one learner, even written directly', async () => {
    const created = await store.createSession(session());
    if (created.kind !== 'created') throw new Error(created.kind);
    const { id, userId } = created.session;
    const insert = () =>
      test.db.query(
        `INSERT INTO labs.lab_sessions (id, user_id, lesson_id, course_id, status, template, node_id, expires_at,
           last_activity_at, created_at, updated_at)
         VALUES ($1, $2, 'lab-2', 'c', 'READY', '{}', 'n', now(), now(), now(), now())`,
        [randomUUID(), userId],
      );
    await expect(insert()).rejects.toThrow(/lab_sessions_one_running_per_user/);
    await store.update(id, () => ({ status: 'STOPPED' }));
    await expect(insert()).resolves.toEqual([]);
  });

  it('refuses a status change the session rules forbid, writing nothing', async () => {
    const created = await store.createSession(session());
    if (created.kind !== 'created') throw new Error(created.kind);
    const { id } = created.session;
    await store.update(id, () => ({ status: 'STOPPED' }));
    await expect(store.update(id, () => ({ status: 'READY' }))).rejects.toThrow(
      'cannot go from STOPPED to READY',
    );
    expect((await store.sessionsByIds([id]))[0]?.status).toBe('STOPPED');
  });

  it('concurrent creations for one learner return one session to all', async () => {
    const input = session();
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.createSession(input)));
    expect(outcomes.filter((outcome) => outcome.kind === 'created')).toHaveLength(1);
    const ids = new Set(outcomes.map((outcome) => (outcome.kind === 'capacity' ? null : outcome.session.id)));
    expect(ids.size).toBe(1);
  });

  it('concurrent creations on a node never exceed its capacity', async () => {
    const nodeId = `node-${randomUUID()}`;
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => store.createSession(session({ nodeId, maxSandboxes: 3 }))),
    );
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual([
      'capacity',
      'capacity',
      'capacity',
      'created',
      'created',
      'created',
    ]);
  });

  /** REQUESTED -> PROVISIONING -> READY, as provisioning does. */
  async function makeReady(sessionId: string) {
    await store.update(sessionId, () => ({ status: 'PROVISIONING' }));
    await store.update(sessionId, () => ({ status: 'READY', sandboxId: 'sb-1' }));
  }

  /** Claims the step and records a passing result, as labStepCheck does. */
  async function passCheck(sessionId: string, stepId: string) {
    await store.claimStepCheck(sessionId, stepId, at, new Date(at.getTime() - 90_000));
    return store.recordCheck({ sessionId, stepId, status: 'PASSED', output: 'ok', at, claimedAt: at });
  }

  it('a check result that arrives after a reset of its step is discarded', async () => {
    const created = await store.createSession(session());
    if (created.kind !== 'created') throw new Error(created.kind);
    const { id } = created.session;
    await makeReady(id);
    await store.claimStepCheck(id, 'a', at, new Date(at.getTime() - 90_000));
    await store.update(id, () => ({ status: 'PROVISIONING' }), { resetSteps: true });
    const late = await store.recordCheck({
      sessionId: id,
      stepId: 'a',
      status: 'PASSED',
      output: 'old',
      at,
      claimedAt: at,
    });
    expect(late.completed).toBe(false);
    expect(late.step).toMatchObject({ status: 'PENDING', lastOutput: null, checkedAt: null });
  });

  it('claims a step check once until it finishes; unknown steps are UNKNOWN_STEP', async () => {
    const created = await store.createSession(session());
    if (created.kind !== 'created') throw new Error(created.kind);
    const { id } = created.session;
    const stale = new Date(at.getTime() - 90_000);
    expect(await store.claimStepCheck(id, 'a', at, stale)).toMatchObject({ stepId: 'a', status: 'CHECKING' });
    expect(await store.claimStepCheck(id, 'a', at, stale)).toBe('CHECK_RUNNING');
    expect(await store.claimStepCheck(id, 'zz', at, stale)).toBe('UNKNOWN_STEP');
    // A check that has run past the timeout (its process died) may be claimed again.
    expect(await store.claimStepCheck(id, 'a', at, new Date(at.getTime() + 1))).toMatchObject({
      status: 'CHECKING',
    });
  });

  it('the last passing check completes the session and writes the outbox in the same transaction', async () => {
    const created = await store.createSession(session());
    if (created.kind !== 'created') throw new Error(created.kind);
    const { id } = created.session;
    await makeReady(id);
    const first = await passCheck(id, 'a');
    expect(first.completed).toBe(false);
    expect(await store.outboxOf(id)).toBeNull();
    const last = await passCheck(id, 'b');
    expect(last.completed).toBe(true);
    expect(last.session.status).toBe('COMPLETED');
    expect(await store.outboxOf(id)).toMatchObject({
      userId: created.session.userId,
      lessonId: 'lab-1',
      attempts: 0,
      acknowledgedAt: null,
    });
    // A later check (e.g. a retry) of a completed session writes its step but completes nothing again.
    const again = await passCheck(id, 'b');
    expect(again.completed).toBe(false);
  });

  it('a completion is claimed by one caller at a time and comes back after its lease', async () => {
    const created = await store.createSession(session());
    if (created.kind !== 'created') throw new Error(created.kind);
    const { id } = created.session;
    await makeReady(id);
    await passCheck(id, 'a');
    await passCheck(id, 'b');
    const lease = new Date(at.getTime() + 30_000);
    const claims = await Promise.all([
      store.claimCompletions(at, lease, id),
      store.claimCompletions(at, lease, id),
    ]);
    expect(claims.map((rows) => rows.length).sort()).toEqual([0, 1]);
    expect(await store.claimCompletions(new Date(at.getTime() + 29_999), lease, id)).toEqual([]);
    expect(await store.claimCompletions(lease, new Date(lease.getTime() + 30_000), id)).toHaveLength(1);
    await store.acknowledgeCompletion(id, at);
    expect(await store.claimCompletions(new Date(at.getTime() + 3_600_000), lease, id)).toEqual([]);
    expect((await store.sessionsByIds([id]))[0]?.completionReportedAt).toEqual(at);
  });

  it('a terminal token is used once; a warning is recorded once per threshold and deadline', async () => {
    const created = await store.createSession(session());
    if (created.kind !== 'created') throw new Error(created.kind);
    const { id } = created.session;
    expect(await store.useTerminalToken('jti-1', id, at, at)).toBe(true);
    expect(await store.useTerminalToken('jti-1', id, at, at)).toBe(false);
    const deadline = new Date(at.getTime() + 300_000);
    expect(
      await Promise.all([
        store.recordWarnings(id, [300], deadline, at),
        store.recordWarnings(id, [300], deadline, at),
      ]),
    ).toEqual(expect.arrayContaining([[300], []]));
    expect(await store.recordWarnings(id, [300, 60], deadline, at)).toEqual([60]);
    expect(await store.recordWarnings(id, [300], new Date(deadline.getTime() + 900_000), at)).toEqual([300]);
  });
});
