/**
 * POST /internal/hint-context: what the ai service gets to write a lab hint — the learner's own
 * session, the step as catalog describes it with its author hint and its latest check, and what
 * the learner recently typed in the terminal (on this replica).
 */
import { CHECK, SESSION, STOP, startHarness, type Harness } from './support/harness';
import { INTERNAL_SECRET, SHELL_LAB } from './support/catalogFixture';

describe('POST /internal/hint-context', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const hintContext = async (body: unknown, secret: string | null = INTERNAL_SECRET) => {
    const response = await fetch(`http://127.0.0.1:${h.server.port}/internal/hint-context`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-learncraft-internal': secret } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  async function typeInTerminal(sessionId: string, token: string, frames: string[]) {
    const url = (await h.gql(SESSION, { id: sessionId }, token)).data?.labSession.terminalUrl as string;
    const terminal = h.openTerminal(url);
    await new Promise((resolve) => terminal.ws.once('open', resolve));
    for (const frame of frames) terminal.ws.send(frame);
    terminal.ws.send('echo done\n');
    await terminal.waitFor('done\n');
    return terminal;
  }

  it('answers 403 without the internal secret and 400 to a body of the wrong shape', async () => {
    const body = { sessionId: 's', stepId: 'create-file', userId: 'u' };
    expect(await hintContext(body, null)).toEqual({ status: 403, body: { error: 'forbidden' } });
    expect(await hintContext({ sessionId: 's' })).toEqual({
      status: 400,
      body: {
        error: 'BAD_REQUEST',
        message: 'The body must be {"sessionId": string, "stepId": string, "userId": string}.',
      },
    });
  });

  it("a session that does not exist, or is another learner's, is 404", async () => {
    const owner = await h.learner();
    const other = await h.learner();
    const sessionId = await h.startReady(owner.token);
    for (const body of [
      { sessionId: '00000000-0000-4000-8000-000000000000', stepId: 'create-file', userId: owner.id },
      { sessionId: 'not-a-uuid', stepId: 'create-file', userId: owner.id },
      { sessionId, stepId: 'create-file', userId: other.id },
    ]) {
      expect(await hintContext(body)).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
    }
    await h.gql(STOP, { sessionId }, owner.token);
  });

  it('returns the session, the step with its instructions, hint, latest check and check command, and the typed input', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const terminal = await typeInTerminal(sessionId, learner.token, ['ls -l\n', 'cat hello.tx', 't\n']);
    const checked = await h.gql(CHECK, { sessionId, stepId: 'create-file' }, learner.token);
    expect(checked.data?.labStepCheck.step.status).toBe('FAILED');
    expect(await hintContext({ sessionId, stepId: 'create-file', userId: learner.id })).toEqual({
      status: 200,
      body: {
        session: {
          id: sessionId,
          lessonId: 'lab-shell',
          courseId: 'course-linux',
          status: 'READY',
          labTitle: 'Lab lab-shell',
        },
        step: {
          id: 'create-file',
          title: 'Create hello.txt',
          instructions: 'Create an empty file named `hello.txt`.',
          authorHint: 'The `touch` command creates a file.',
          status: 'FAILED',
          lastOutput: 'hello.txt is missing\n',
          checkCommand: SHELL_LAB.steps[0]!.checkCommand,
        },
        recentInput: 'ls -l\ncat hello.txt\necho done',
      },
    });
    const greet = await hintContext({ sessionId, stepId: 'greet', userId: learner.id });
    expect(greet.body.step).toMatchObject({
      id: 'greet',
      authorHint: null,
      status: 'PENDING',
      lastOutput: null,
    });
    expect(
      (await hintContext({ sessionId, stepId: 'no-such-step', userId: learner.id })).body.step,
    ).toBeNull();
    terminal.ws.close();
  });

  it('the typed input is forgotten once the session ends', async () => {
    const learner = await h.learner();
    const sessionId = await h.startReady(learner.token);
    const terminal = await typeInTerminal(sessionId, learner.token, ['pwd\n']);
    const body = { sessionId, stepId: 'create-file', userId: learner.id };
    expect((await hintContext(body)).body.recentInput).toBe('pwd\necho done');
    await h.gql(STOP, { sessionId }, learner.token);
    await terminal.closed;
    const after = await hintContext(body);
    expect(after.body.session.status).toBe('STOPPED');
    expect(after.body.recentInput).toBe('');
  });
});
