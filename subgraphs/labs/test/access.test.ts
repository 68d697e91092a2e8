/**
 * Course access (commerce) in labs: labStart is refused before anything is provisioned without
 * access; a refunded learner's running session is stopped on their next action, which is refused.
 */
import { announceEntitlementChanged, serveFakeCommerce, type FakeCommerce } from '@learncraft/kit/testing';
import { COURSE_ID, INTERNAL_SECRET } from './support/catalogFixture';
import { CHECK, EXTEND, RESET, SESSION, START, startHarness, type Harness } from './support/harness';

const paymentRequired = (field: string[]) => ({
  code: 'PAYMENT_REQUIRED',
  message: 'This course is paid: buy it or subscribe to a plan to take it.',
  field,
});

describe('course access in labs', () => {
  let h: Harness;
  let commerce: FakeCommerce;
  beforeAll(async () => {
    commerce = await serveFakeCommerce({ secret: INTERNAL_SECRET, paid: [COURSE_ID] });
    h = await startHarness({ env: { COMMERCE_INTERNAL_URL: commerce.url } });
  });
  afterAll(async () => {
    await h.close();
    await commerce.close();
  });
  afterEach(() => {
    commerce.failWith = null;
  });

  const sessionsOf = (userId: string) =>
    h.count('SELECT count(*) AS n FROM labs.lab_sessions WHERE user_id = $1', [userId]);

  it('an enrolled learner without access cannot start a lab, and nothing is provisioned', async () => {
    const learner = await h.learner();
    const provisioned = h.runtime.provisioned.length;
    const result = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    expect(result.data?.labStart).toEqual({
      session: null,
      userErrors: [paymentRequired(['input', 'lessonId'])],
    });
    expect(await sessionsOf(learner.id)).toBe(0);
    expect(h.runtime.provisioned.length).toBe(provisioned);
  });

  it('a learner with access starts the lab', async () => {
    const learner = await h.learner();
    commerce.grant(learner.id, COURSE_ID);
    const sessionId = await h.startReady(learner.token);
    expect(await sessionsOf(learner.id)).toBe(1);
    const extended = await h.gql(EXTEND, { sessionId }, learner.token);
    expect(extended.data?.labExtend.userErrors).toEqual([]);
  });

  it('after a refund (entitlement.changed) the next step check is refused and the session is stopped', async () => {
    const learner = await h.learner();
    commerce.grant(learner.id, COURSE_ID);
    const sessionId = await h.startReady(learner.token);
    commerce.revoke(learner.id, COURSE_ID);
    await announceEntitlementChanged(h.server.url, INTERNAL_SECRET, {
      userId: learner.id,
      change: 'REVOKED',
    });

    const checked = await h.gql(CHECK, { sessionId, stepId: 'create-file' }, learner.token);
    expect(checked.data?.labStepCheck).toEqual({
      session: null,
      step: null,
      userErrors: [paymentRequired(['input', 'sessionId'])],
    });
    const session = (await h.gql(SESSION, { id: sessionId }, learner.token)).data?.labSession;
    expect(session).toMatchObject({ status: 'STOPPED', statusMessage: 'Stopped.' });
    const steps = await h.count(
      "SELECT count(*) AS n FROM labs.lab_step_states WHERE session_id = $1 AND status <> 'PENDING'",
      [sessionId],
    );
    expect(steps).toBe(0);
  });

  it('labReset and labExtend are refused the same way once access is gone', async () => {
    const learner = await h.learner();
    commerce.grant(learner.id, COURSE_ID);
    const sessionId = await h.startReady(learner.token);
    commerce.revoke(learner.id, COURSE_ID);
    await announceEntitlementChanged(h.server.url, INTERNAL_SECRET, { userId: learner.id });
    const extended = await h.gql(EXTEND, { sessionId }, learner.token);
    expect(extended.data?.labExtend.userErrors).toEqual([paymentRequired(['input', 'sessionId'])]);
    // The first refusal stopped the session; a reset of an ended session is SESSION_ENDED.
    const reset = await h.gql(RESET, { sessionId }, learner.token);
    expect(reset.data?.labReset.userErrors.map((error: { code: string }) => error.code)).toEqual([
      'SESSION_ENDED',
    ]);
  });

  it('a purchase announced by entitlement.changed is seen by the next labStart', async () => {
    const learner = await h.learner();
    const refused = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    expect(refused.data?.labStart.userErrors).toEqual([paymentRequired(['input', 'lessonId'])]);
    commerce.grant(learner.id, COURSE_ID);
    await announceEntitlementChanged(h.server.url, INTERNAL_SECRET, {
      userId: learner.id,
      courseIds: [COURSE_ID],
    });
    const started = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    expect(started.data?.labStart.userErrors).toEqual([]);
    await h.server.labs.idle();
  });

  it('when commerce cannot answer, labStart is ACCESS_UNAVAILABLE and nothing is provisioned', async () => {
    const learner = await h.learner();
    commerce.failWith = 500;
    const result = await h.gql(START, { lessonId: 'lab-shell' }, learner.token);
    expect(result.data?.labStart).toEqual({
      session: null,
      userErrors: [
        {
          code: 'ACCESS_UNAVAILABLE',
          message: 'Course access cannot be checked right now; please try again shortly.',
          field: ['input', 'lessonId'],
        },
      ],
    });
    expect(await sessionsOf(learner.id)).toBe(0);
  });
});
