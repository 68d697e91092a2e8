import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import {
  CHECK,
  errorCodes,
  EXTEND,
  RESET,
  SESSION,
  SESSION_FIELDS,
  STOP,
  startHarness,
  type Harness,
} from './support/harness';

describe.each(DATABASE_FLAVOURS)('lab session lifecycle on %s', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour });
  });
  afterAll(() => h.close());

  const sandboxOf = async (sessionId: string) =>
    (
      await h.test.db.query<{ sandbox_id: string | null }>(
        'SELECT sandbox_id FROM labs.lab_sessions WHERE id = $1',
        [sessionId],
      )
    )[0]?.sandbox_id ?? null;

  it('labStop kills the sandbox and leaves the session STOPPED; stopping again is SESSION_ENDED', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const sandboxId = await sandboxOf(sessionId);
    const stopped = await h.gql(STOP, { sessionId }, learner.token);
    expect(stopped.data?.labStop).toMatchObject({
      session: { id: sessionId, status: 'STOPPED', statusMessage: 'Stopped.', terminalUrl: null },
      userErrors: [],
    });
    expect(h.runtime.destroyed).toContain(sandboxId);
    expect((await h.runtime.list()).map((sandbox) => sandbox.id)).not.toContain(sandboxId);
    expect(await sandboxOf(sessionId)).toBeNull();
    expect((await h.gql(STOP, { sessionId }, learner.token)).data?.labStop).toEqual({
      session: null,
      userErrors: [
        {
          code: 'SESSION_ENDED',
          message: 'This lab session has ended; start the lab again.',
          field: ['input', 'sessionId'],
        },
      ],
    });
    // The learner may start again: a new session.
    const again = await h.startReady(learner.token);
    expect(again).not.toBe(sessionId);
  });

  it('a session stopped while provisioning never becomes READY, and the late sandbox is destroyed', async () => {
    const learner = await h.learner();
    const hold = h.runtime.hold();
    const started = await h.gql(
      'mutation { labStart(input: { lessonId: "lab-other" }) { session { id } } }',
      {},
      learner.token,
    );
    const sessionId = started.data?.labStart.session.id;
    await hold.reached;
    expect((await h.gql(STOP, { sessionId }, learner.token)).data?.labStop.session.status).toBe('STOPPED');
    hold.release();
    await h.server.labs.idle();
    expect((await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.status).toBe('STOPPED');
    expect((await h.runtime.list()).filter((sandbox) => sandbox.sessionId === sessionId)).toEqual([]);
  });

  it('labReset gives the same session a fresh sandbox and clears the step results', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const before = await sandboxOf(sessionId);
    await h.runtime.exec(before!, 'touch hello.txt', { timeoutMs: 5_000, maxOutputBytes: 100 });
    await h.gql(CHECK, { sessionId, stepId: 'create-file' }, learner.token);
    const startedAt = (await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession.startedAt;
    const reset = await h.gql(RESET, { sessionId }, learner.token);
    expect(reset.data?.labReset).toMatchObject({
      session: {
        id: sessionId,
        status: 'PROVISIONING',
        progressPercent: 0,
        statusMessage: 'Resetting the sandbox.',
      },
      userErrors: [],
    });
    expect(
      reset.data?.labReset.session.steps.map((step: { status: string; lastOutput: null }) => [
        step.status,
        step.lastOutput,
      ]),
    ).toEqual([
      ['PENDING', null],
      ['PENDING', null],
    ]);
    await h.server.labs.idle();
    const after = await sandboxOf(sessionId);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(h.runtime.destroyed).toContain(before);
    const session = (await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession;
    expect(session).toMatchObject({ status: 'READY', startedAt });
    // The fresh sandbox has no hello.txt: the check fails again.
    expect(
      (await h.gql(CHECK, { sessionId, stepId: 'create-file' }, learner.token)).data?.labStepCheck.step
        .status,
    ).toBe('FAILED');
  });

  it('labExtend adds 15 minutes up to LAB_MAX_EXTENSIONS (2), then EXTENSION_LIMIT', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const hardLimit = async () =>
      (
        await h.test.db.query<{ expires_at: Date; extensions: number }>(
          'SELECT expires_at, extensions FROM labs.lab_sessions WHERE id = $1',
          [sessionId],
        )
      )[0]!;
    const initial = await hardLimit();
    expect((await h.gql(EXTEND, { sessionId }, learner.token)).data?.labExtend.userErrors).toEqual([]);
    expect((await h.gql(EXTEND, { sessionId }, learner.token)).data?.labExtend.userErrors).toEqual([]);
    const extended = await hardLimit();
    expect(extended.extensions).toBe(2);
    expect(extended.expires_at.getTime() - initial.expires_at.getTime()).toBe(30 * 60_000);
    expect((await h.gql(EXTEND, { sessionId }, learner.token)).data?.labExtend).toEqual({
      session: null,
      userErrors: [
        {
          code: 'EXTENSION_LIMIT',
          message: 'This session has used all 2 extensions.',
          field: ['input', 'sessionId'],
        },
      ],
    });
    expect((await hardLimit()).extensions).toBe(2);
    await h.gql(STOP, { sessionId }, learner.token);
    expect((await h.gql(EXTEND, { sessionId }, learner.token)).data?.labExtend.userErrors[0].code).toBe(
      'SESSION_ENDED',
    );
    expect((await h.gql(RESET, { sessionId }, learner.token)).data?.labReset.userErrors[0].code).toBe(
      'SESSION_ENDED',
    );
  });

  it('labSession is visible to its learner and ADMINs only; others and unknown ids get null', async () => {
    const owner = await h.learner();
    const stranger = await h.learner();
    const admin = await h.learner({ roles: ['ADMIN'] });
    const sessionId = await h.startReady(owner.token);
    expect((await h.gql(SESSION, { id: sessionId }, stranger.token)).data).toEqual({ labSession: null });
    expect((await h.gql(SESSION, { id: randomUUID() }, owner.token)).data).toEqual({ labSession: null });
    expect((await h.gql(SESSION, { id: 'not-a-uuid' }, owner.token)).data).toEqual({ labSession: null });
    const seenByAdmin = (await h.gql(SESSION, { id: sessionId }, admin.token)).data?.labSession;
    // The ADMIN sees the session, but never gets a terminal into the learner's sandbox.
    expect(seenByAdmin).toMatchObject({
      id: sessionId,
      status: 'READY',
      terminalUrl: null,
      learner: { id: owner.id },
    });
    for (const mutation of [STOP, RESET, EXTEND]) {
      expect(errorCodes(await h.gql(mutation, { sessionId }, stranger.token))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await h.gql(mutation, { sessionId }, admin.token))).toEqual(['FORBIDDEN']);
    }
    expect((await h.gql(SESSION, { id: sessionId }, owner.token)).data?.labSession.status).toBe('READY');
    expect(errorCodes(await h.gql(SESSION, { id: sessionId }))).toEqual(['UNAUTHENTICATED']);
  });

  it('User.labSessions pages newest first with totalCount; another user is FORBIDDEN', async () => {
    const learner = await h.learner();
    const first = await h.startReady(learner.token);
    await h.gql(STOP, { sessionId: first }, learner.token);
    h.clock.offsetMs += 1_000;
    const second = await h.startReady(learner.token, 'lab-other');
    const query = /* GraphQL */ `
      query ($representations: [_Any!]!, $first: Int, $after: String) {
        _entities(representations: $representations) {
          ... on User {
            labSessions(first: $first, after: $after) {
              totalCount
              pageInfo {
                hasNextPage
                endCursor
              }
              edges {
                node {
                  id
                  lesson {
                    id
                  }
                }
              }
            }
          }
        }
      }
    `;
    const representations = [{ __typename: 'User', id: learner.id }];
    const page = (await h.gql(query, { representations, first: 1 }, learner.token)).data?._entities[0]
      .labSessions;
    expect(page).toMatchObject({
      totalCount: 2,
      pageInfo: { hasNextPage: true },
      edges: [{ node: { id: second, lesson: { id: 'lab-other' } } }],
    });
    const next = (
      await h.gql(query, { representations, first: 1, after: page.pageInfo.endCursor }, learner.token)
    ).data?._entities[0].labSessions;
    expect(next).toMatchObject({
      totalCount: 2,
      pageInfo: { hasNextPage: false },
      edges: [{ node: { id: first } }],
    });
    const stranger = await h.learner();
    expect(errorCodes(await h.gql(query, { representations, first: 1 }, stranger.token))).toEqual([
      'FORBIDDEN',
    ]);
  });

  it("Lesson.viewerLabSession is the viewer's latest session of the lesson; LabSession references resolve for the owner only", async () => {
    const learner = await h.learner();
    const other = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const query = /* GraphQL */ `
      query ($representations: [_Any!]!) {
        _entities(representations: $representations) {
          ... on Lesson { id viewerLabSession { id status } }
          ... on LabSession { ${SESSION_FIELDS} }
        }
      }
    `;
    const representations = [
      { __typename: 'Lesson', id: 'lab-shell' },
      { __typename: 'Lesson', id: 'reading-1' },
      { __typename: 'LabSession', id: sessionId },
    ];
    const mine = (await h.gql(query, { representations }, learner.token)).data?._entities;
    expect(mine[0]).toEqual({ id: 'lab-shell', viewerLabSession: { id: sessionId, status: 'READY' } });
    expect(mine[1]).toEqual({ id: 'reading-1', viewerLabSession: null });
    expect(mine[2]).toMatchObject({ id: sessionId, status: 'READY' });
    const theirs = (await h.gql(query, { representations }, other.token)).data?._entities;
    expect(theirs).toEqual([
      { id: 'lab-shell', viewerLabSession: null },
      { id: 'reading-1', viewerLabSession: null },
      null,
    ]);
    await h.gql(STOP, { sessionId }, learner.token);
  });

  it('operations without the gateway credential are refused', async () => {
    const response = await fetch(h.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(401);
  });
});
