/**
 * Lab hints end to end through the gateway on embedded defaults: a learner in a real (bubblewrap)
 * lab session types something wrong, runs the check, and asks for hints on the failed step. Each
 * request is more specific (levels 1, 2, 3, then 3 again), builds on the check's output, streams
 * through `tutorReply` like an answer, and never prints the step's check script.
 */
import WebSocket from 'ws';
import { demoCourses } from '@learncraft/catalog/src/seed/demoCatalog';
import { connect } from './wsClient';
import { startPlatform, type Platform } from './platform';

const COURSE = 'the-linux-command-line';

let platform: Platform;
let token: string;

beforeAll(async () => {
  platform = await startPlatform();
  token = await platform.login('learner@learncraft.dev', 'learner-demo-pass');
}, 120_000);
afterAll(async () => {
  await platform?.close();
});

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await platform.graphql<T>(query, variables, token);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

async function waitReady(sessionId: string) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const { labSession } = await gql<{
      labSession: { status: string; terminalUrl: string | null; steps: { id: string; title: string }[] };
    }>('query ($id: ID!) { labSession(id: $id) { status terminalUrl steps { id title } } }', {
      id: sessionId,
    });
    if (labSession.status === 'READY') return labSession;
    if (Date.now() > deadline) throw new Error(`the session stayed ${labSession.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function hint(sessionId: string, stepId: string) {
  const { labHintRequest } = await gql<{ labHintRequest: any }>(
    `mutation ($input: LabHintRequestInput!) { labHintRequest(input: $input) { level message { id kind hintLevel status } userErrors { code field } } }`,
    { input: { sessionId, stepId } },
  );
  if (labHintRequest.userErrors.length > 0) return { ...labHintRequest, content: null };
  const client = connect(platform.gateway.url, token);
  try {
    const subscription = client.subscribe(
      `subscription ($id: ID!) { tutorReply(messageId: $id) { delta done message { status content hintLevel kind conversation { labSession { id } } } } }`,
      { id: labHintRequest.message.id },
    );
    for (;;) {
      const event = await subscription.next(30_000);
      if (event.errors) throw new Error(JSON.stringify(event.errors));
      if (event.data!.tutorReply.done) return { ...labHintRequest, final: event.data!.tutorReply.message };
    }
  } finally {
    await client.dispose();
  }
}

it('gives a failed step hints from a nudge to the most specific, never the check script', async () => {
  const { course } = await gql<{
    course: { id: string; modules: { lessons: { id: string; kind: string }[] }[] };
  }>('query ($slug: String!) { course(slug: $slug) { id modules { lessons { id kind } } } }', {
    slug: COURSE,
  });
  const lessonId = course.modules
    .flatMap((module) => module.lessons)
    .find((lesson) => lesson.kind === 'LAB')!.id;
  await gql('mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }', {
    id: course.id,
  });
  const started = await gql<{ labStart: { session: { id: string } } }>(
    'mutation ($id: ID!) { labStart(input: { lessonId: $id }) { session { id } userErrors { code } } }',
    { id: lessonId },
  );
  const sessionId = started.labStart.session.id;
  try {
    const session = await waitReady(sessionId);
    const step = session.steps[0]!;
    const terminal = new WebSocket(session.terminalUrl!);
    await new Promise((resolve, reject) => terminal.once('open', resolve).once('error', reject));
    terminal.send('mkdir -p ~/workshop/notez\r');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const checked = await gql<{ labStepCheck: { step: { status: string; lastOutput: string } } }>(
      'mutation ($s: ID!, $t: ID!) { labStepCheck(input: { sessionId: $s, stepId: $t }) { step { status lastOutput } userErrors { code } } }',
      { s: sessionId, t: step.id },
    );
    expect(checked.labStepCheck.step.status).toBe('FAILED');

    const source = demoCourses
      .find((candidate) => candidate.slug === COURSE)!
      .modules.flatMap((module) => module.lessons)
      .find((lesson) => lesson.kind === 'LAB')!.lab!.steps[0]!;
    const hints = [];
    for (let i = 0; i < 4; i += 1) hints.push(await hint(sessionId, step.id));
    expect(hints.map((given) => [given.level, given.message.kind, given.message.hintLevel])).toEqual([
      [1, 'HINT', 1],
      [2, 'HINT', 2],
      [3, 'HINT', 3],
      [3, 'HINT', 3],
    ]);
    for (const given of hints) {
      expect(given.final.status).toBe('COMPLETE');
      expect(given.final.conversation.labSession).toEqual({ id: sessionId });
      expect(given.final.content).not.toContain(source.check.command.trim());
      expect(given.final.content.length).toBeGreaterThan(20);
    }
    expect(new Set(hints.slice(0, 3).map((given) => given.final.content)).size).toBe(3);

    const unknownStep = await hint(sessionId, 'no-such-step');
    expect(unknownStep.userErrors).toEqual([{ code: 'STEP_NOT_FOUND', field: ['input', 'stepId'] }]);
    terminal.close();
  } finally {
    await gql('mutation ($id: ID!) { labStop(input: { sessionId: $id }) { userErrors { code } } }', {
      id: sessionId,
    });
  }
  const stopped = await hint(sessionId, 'create-note');
  expect(stopped.userErrors).toEqual([{ code: 'SESSION_NOT_RUNNING', field: ['input', 'sessionId'] }]);
  const stranger = await platform.login('ada@learncraft.dev', 'ada-demo-password').catch(() => null);
  if (stranger) {
    const foreign = await platform.graphql(
      'mutation ($input: LabHintRequestInput!) { labHintRequest(input: $input) { level } }',
      { input: { sessionId, stepId: 'x' } },
      stranger,
    );
    expect(foreign.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  }
}, 240_000);
