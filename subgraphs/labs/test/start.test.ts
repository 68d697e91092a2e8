import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { errorCodes, START, startHarness, type Harness } from './support/harness';

describe.each(DATABASE_FLAVOURS)('labStart on %s', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour });
  });
  afterAll(() => h.close());
  afterEach(() => {
    h.runtime.unavailableReason = null;
  });

  const sessionsOf = (userId: string) =>
    h.count('SELECT count(*) AS n FROM labs.lab_sessions WHERE user_id = $1', [userId]);

  it('an enrolled learner starts a lab: REQUESTED at once, then READY with every step PENDING', async () => {
    const learner = await h.learner();
    const started = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    expect(started.errors).toBeUndefined();
    const session = started.data?.labStart.session;
    expect(started.data?.labStart.userErrors).toEqual([]);
    expect(session).toMatchObject({
      status: 'REQUESTED',
      progressPercent: 0,
      statusMessage: 'Waiting for a sandbox',
      startedAt: null,
      terminalUrl: null,
      lesson: { id: 'lab-shell' },
      learner: { id: learner.id },
      steps: [
        {
          id: 'create-file',
          title: 'Create hello.txt',
          status: 'PENDING',
          lastOutput: null,
          checkedAt: null,
        },
        { id: 'greet', title: 'Write a greeting', status: 'PENDING', lastOutput: null, checkedAt: null },
      ],
    });
    await h.server.labs.idle();
    const again = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    const ready = again.data?.labStart.session;
    expect(ready).toMatchObject({
      id: session.id,
      status: 'READY',
      progressPercent: 100,
      statusMessage: 'The sandbox is ready.',
    });
    // The hard limit runs from READY: 30 minutes; the idle timeout (10 minutes) comes first.
    expect(Date.parse(ready.expiresAt) - Date.parse(ready.startedAt)).toBe(10 * 60_000);
    expect(ready.terminalUrl).toMatch(/^ws:\/\/127\.0\.0\.1:4000\/labs\/terminal\?token=v1\.[\w-]+\.[\w-]+$/);
    expect(h.runtime.provisioned.at(-1)).toMatchObject({
      sessionId: session.id,
      profile: 'linux',
      setupScript: 'echo prepared > setup.log',
    });
    expect(await sessionsOf(learner.id)).toBe(1);
  });

  it.each([
    ['an unknown lesson', 'lesson-nope', 'LESSON_NOT_FOUND', 'Lesson lesson-nope was not found.'],
    ['a lesson of an unpublished course', 'lab-draft', 'LESSON_NOT_FOUND', 'Lesson lab-draft was not found.'],
    ['a reading', 'reading-1', 'NOT_A_LAB', 'Lesson reading-1 is a READING lesson, not a lab.'],
    [
      'a lab of a course the learner is not enrolled in',
      'lab-elsewhere',
      'NOT_ENROLLED',
      'Enroll in the course before starting its labs.',
    ],
  ])('starting %s (%s) is %s and writes nothing', async (_label, lessonId, code, message) => {
    const learner = await h.learner();
    const result = await h.gql(START, { lessonId }, learner.token);
    expect(result.data?.labStart).toEqual({
      session: null,
      userErrors: [{ code, message, field: ['input', 'lessonId'] }],
    });
    expect(await sessionsOf(learner.id)).toBe(0);
  });

  it('a second lab while one runs is SESSION_LIMIT; the same lab returns the running session', async () => {
    const learner = await h.learner();
    const first = (await h.gql(START, { lessonId: 'lab-shell' }, learner.token)).data?.labStart.session;
    const same = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    expect(same.data?.labStart.session.id).toBe(first.id);
    const other = await h.gql(START, { lessonId: 'lab-other' }, learner.token);
    expect(other.data?.labStart).toEqual({
      session: null,
      userErrors: [
        {
          code: 'SESSION_LIMIT',
          message: 'Another lab of yours is running; stop it before starting this one.',
          field: ['input', 'lessonId'],
        },
      ],
    });
    await h.server.labs.idle();
    expect(await sessionsOf(learner.id)).toBe(1);
  });

  it('concurrent starts of one learner make one session', async () => {
    const learner = await h.learner();
    const results = await Promise.all(
      ['lab-shell', 'lab-shell', 'lab-shell', 'lab-other', 'lab-other'].map((lessonId) =>
        h.gql(START, { lessonId }, learner.token),
      ),
    );
    await h.server.labs.idle();
    const ids = new Set(results.flatMap((result) => result.data?.labStart.session?.id ?? []));
    const codes = results.flatMap((result) =>
      result.data?.labStart.userErrors.map((e: { code: string }) => e.code),
    );
    expect(ids.size).toBe(1);
    expect(codes.every((code) => code === 'SESSION_LIMIT')).toBe(true);
    expect(await sessionsOf(learner.id)).toBe(1);
    expect(
      await h.count("SELECT count(*) AS n FROM labs.lab_sessions WHERE user_id = $1 AND status = 'READY'", [
        learner.id,
      ]),
    ).toBe(1);
  });

  it('a runtime that cannot run sandboxes is RUNTIME_UNAVAILABLE with its reason', async () => {
    const learner = await h.learner();
    h.runtime.unavailableReason =
      'bubblewrap (bwrap) is not installed; install it with apt-get install bubblewrap.';
    const result = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    expect(result.data?.labStart).toEqual({
      session: null,
      userErrors: [
        {
          code: 'RUNTIME_UNAVAILABLE',
          message:
            'Labs cannot run here: bubblewrap (bwrap) is not installed; install it with apt-get install bubblewrap.',
          field: ['input', 'lessonId'],
        },
      ],
    });
    expect(await sessionsOf(learner.id)).toBe(0);
  });

  it('a setup script that fails leaves the session FAILED and its sandbox removed', async () => {
    const learner = await h.learner();
    const id = (await h.gql(START, { lessonId: 'lab-broken-setup' }, learner.token)).data?.labStart.session
      .id;
    await h.server.labs.idle();
    const [row] = await h.test.db.query<{
      status: string;
      status_message: string;
      sandbox_id: string | null;
    }>('SELECT status, status_message, sandbox_id FROM labs.lab_sessions WHERE id = $1', [id]);
    expect(row).toEqual({
      status: 'FAILED',
      status_message: 'The sandbox could not be created; start the lab again.',
      sandbox_id: null,
    });
    expect((await h.runtime.list()).filter((sandbox) => sandbox.sessionId === id)).toEqual([]);
  });

  it('an anonymous caller is UNAUTHENTICATED', async () => {
    expect(errorCodes(await h.gql(START, { lessonId: 'lab-shell' }))).toEqual(['UNAUTHENTICATED']);
  });
});

describe('labStart at capacity', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { LAB_MAX_SANDBOXES: '1' } });
  });
  afterAll(() => h.close());

  it('when the node holds LAB_MAX_SANDBOXES sandboxes, another learner gets CAPACITY', async () => {
    const first = await h.learner();
    const second = await h.learner();
    await h.startReady(first.token);
    const result = await h.gql(START, { lessonId: 'lab-shell' }, second.token);
    expect(result.data?.labStart).toEqual({
      session: null,
      userErrors: [
        {
          code: 'CAPACITY',
          message: 'Every sandbox of this machine is in use; try again in a few minutes.',
          field: ['input', 'lessonId'],
        },
      ],
    });
  });
});
