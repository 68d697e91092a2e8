/**
 * Hands-on labs end to end, as a learner does them through the gateway on embedded defaults: start
 * the lab, watch `labSessionUpdated` reach READY, open the terminal through the gateway, type
 * `echo hello` and read `hello`, then type each demo lab's known solution, run every step's check,
 * and see the LAB lesson complete in progress, live. Real bubblewrap sandboxes, real subgraphs.
 */
import WebSocket from 'ws';
import { demoLabSolutions } from '@learncraft/catalog/src/seed/demoLabSolutions';
import { connect, type TestClient } from './wsClient';
import { startPlatform, type Platform } from './platform';

const SESSION_FIELDS =
  'id status statusMessage progressPercent terminalUrl steps { id title status lastOutput }';

let platform: Platform;
let token: string;
let client: TestClient;

beforeAll(async () => {
  platform = await startPlatform();
  token = await platform.login('learner@learncraft.dev', 'learner-demo-pass');
  client = connect(platform.gateway.url, token);
  // Two demo labs belong to paid courses: the learner takes the all-access plan first.
  const plans = await platform.graphql<{ plans: { id: string; code: string }[] }>('{ plans { id code } }');
  const monthly = plans.data!.plans.find((plan) => plan.code === 'all-access-monthly')!;
  const bought = await platform.graphql(
    'mutation ($input: CheckoutCreateInput!) { checkoutCreate(input: $input) { order { status } userErrors { code } } }',
    {
      input: {
        items: [{ planId: monthly.id }],
        idempotencyKey: 'labs-e2e-all-access',
        payment: { testCard: { number: '4242424242424242', expiryMonth: 12, expiryYear: 2099, cvc: '123' } },
      },
    },
    token,
  );
  expect(bought.data?.checkoutCreate).toEqual({ order: { status: 'PAID' }, userErrors: [] });
}, 120_000);
afterAll(async () => {
  await client?.dispose();
  await platform?.close();
});

/** A terminal through the gateway, with everything it printed so far. */
async function openTerminal(url: string) {
  const socket = new WebSocket(url);
  let output = '';
  socket.on('message', (data: Buffer) => (output += data.toString('utf8')));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waitFor = async (pattern: RegExp, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline)
        throw new Error(`no ${String(pattern)} in terminal output:\n${output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  let marker = 0;
  return {
    socket,
    output: () => output,
    waitFor,
    /** Types the commands and waits until the shell has run them all. */
    async type(commands: string[]) {
      const done = `__step_done_${++marker}__`;
      for (const command of commands) socket.send(`${command}\r`);
      socket.send(`echo ${done.replace(/_/g, '_')}\r`);
      await waitFor(new RegExp(`[\\r\\n]${done}\\r\\n`));
    },
  };
}

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await platform.graphql<T>(query, variables, token);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

/** A lab that failed half-way is stopped, so the next one can start (one running lab per learner). */
let stopAfter: string | undefined;
afterEach(async () => {
  if (stopAfter)
    await platform.graphql(
      'mutation ($id: ID!) { labStop(input: { sessionId: $id }) { userErrors { code } } }',
      { id: stopAfter },
      token,
    );
  stopAfter = undefined;
});

describe.each(Object.values(demoLabSolutions))('the demo lab of $courseSlug', (solution) => {
  it('is done by typing its solution into the terminal, and completes the lesson live', async () => {
    const { course } = await gql<{
      course: { id: string; modules: { lessons: { id: string; kind: string }[] }[] };
    }>('query ($slug: String!) { course(slug: $slug) { id modules { lessons { id kind } } } }', {
      slug: solution.courseSlug,
    });
    const lessonId = course.modules
      .flatMap((module) => module.lessons)
      .find((lesson) => lesson.kind === 'LAB')!.id;
    await gql('mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }', {
      id: course.id,
    });

    const started = await gql<{ labStart: { session: { id: string }; userErrors: unknown[] } }>(
      `mutation ($id: ID!) { labStart(input: { lessonId: $id }) { session { id } userErrors { code message } } }`,
      { id: lessonId },
    );
    expect(started.labStart.userErrors).toEqual([]);
    const sessionId = started.labStart.session.id;
    stopAfter = sessionId;

    // Follow the session live; a reset makes the whole provisioning visible to this subscriber.
    const updates = client.subscribe(
      `subscription ($id: ID!) { labSessionUpdated(sessionId: $id) { kind session { status progressPercent } step { id status } } }`,
      { id: sessionId },
    );
    const progressEvents = client.subscribe(
      `subscription ($id: ID!) { progressUpdated(courseId: $id) { kind lesson { id } enrollment { progressPercent } } }`,
      { id: course.id },
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // both upstream streams open
    await waitForStatus(sessionId, 'READY');
    await gql('mutation ($id: ID!) { labReset(input: { sessionId: $id }) { userErrors { code } } }', {
      id: sessionId,
    });
    const statuses: string[] = [];
    while (!statuses.includes('READY')) {
      const event = await updates.next(60_000);
      statuses.push(event.data?.labSessionUpdated.session.status);
    }
    expect(statuses.at(-1)).toBe('READY');
    expect(statuses).toContain('PROVISIONING');

    const session = await waitForStatus(sessionId, 'READY');
    const terminal = await openTerminal(session.terminalUrl!);
    terminal.socket.send('echo hello\r');
    await terminal.waitFor(/[\r\n]hello\r\n/);

    expect(session.steps).toHaveLength(solution.steps.length);
    for (const [index, step] of solution.steps.entries()) {
      const stepId = session.steps[index]!.id;
      await terminal.type(step.commands);
      const checked = await gql<{
        labStepCheck: { step: { status: string; lastOutput: string }; userErrors: unknown[] };
      }>(
        `mutation ($s: ID!, $t: ID!) { labStepCheck(input: { sessionId: $s, stepId: $t }) { step { status lastOutput } userErrors { code } } }`,
        { s: sessionId, t: stepId },
      );
      // The output is part of the comparison, so a failing check says why.
      const { status, lastOutput } = checked.labStepCheck.step;
      expect([
        step.stepKey,
        checked.labStepCheck.userErrors,
        status,
        status === 'PASSED' ? '' : lastOutput,
      ]).toEqual([step.stepKey, [], 'PASSED', '']);
    }
    terminal.socket.close();

    const ended = await gql<{ labSession: { status: string } }>(
      'query ($id: ID!) { labSession(id: $id) { status } }',
      { id: sessionId },
    );
    expect(ended.labSession.status).toBe('COMPLETED');
    // The completion reaches progress once, and the course percentage moves live.
    let completed: any;
    while (!completed) {
      const event = await progressEvents.next(30_000);
      if (event.data?.progressUpdated.kind === 'LESSON_COMPLETED') completed = event.data.progressUpdated;
    }
    expect(completed.lesson.id).toBe(lessonId);
    expect(completed.enrollment.progressPercent).toBeGreaterThan(0);
    const progress = await gql<{ course: { lesson: { viewerProgress: { status: string } } } }>(
      'query ($slug: String!, $id: ID!) { course(slug: $slug) { lesson(id: $id) { viewerProgress { status } } } }',
      { slug: solution.courseSlug, id: lessonId },
    );
    expect(progress.course.lesson.viewerProgress.status).toBe('COMPLETED');
    updates.unsubscribe();
    progressEvents.unsubscribe();
  }, 180_000);
});

async function waitForStatus(sessionId: string, status: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { labSession } = await gql<{
      labSession: {
        status: string;
        statusMessage: string | null;
        terminalUrl: string | null;
        steps: { id: string }[];
      };
    }>(`query ($id: ID!) { labSession(id: $id) { ${SESSION_FIELDS} } }`, { id: sessionId });
    if (labSession.status === status) return labSession;
    if (Date.now() > deadline || (labSession.status === 'FAILED' && status !== 'FAILED'))
      throw new Error(`session is ${labSession.status} (${labSession.statusMessage}), not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
