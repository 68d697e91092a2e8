/**
 * The outbox against a real HTTP GraphQL server: progress recorded offline is stored first, sent
 * in order once the server is reachable, and leaves the device only when the server answered;
 * a quiz whose response was lost is sent again with the same key and the server counts one
 * attempt; a new outbox over the same storage (an app restart) sends what the old one kept;
 * heartbeats coalesce; UNAUTHENTICATED keeps the work for after sign-in.
 */
import { createConnectionState } from '../../src/offline/connectionState';
import { createApolloDelivery, type OutboxResult } from '../../src/offline/delivery';
import { OUTBOX_STORAGE_KEY, Outbox, type OutboxAction, type QueuedAction } from '../../src/offline/outbox';
import { testClient } from './support/client';
import { FakeGateway, startFakeGateway } from './support/fakeGateway';
import { MemoryStorage } from './support/memoryStorage';

const QUIZ: Extract<OutboxAction, { kind: 'quizSubmit' }> = {
  kind: 'quizSubmit',
  lessonId: 'quiz-1',
  answers: [{ questionId: 'q1', optionIds: ['b'] }],
};

describe('the outbox', () => {
  let gateway: FakeGateway;
  let storage: MemoryStorage;
  let connection: ReturnType<typeof createConnectionState>;
  beforeEach(async () => {
    gateway = await startFakeGateway();
    storage = new MemoryStorage();
    connection = createConnectionState();
  });
  afterEach(() => gateway.close());

  const openOutbox = (client = testClient(gateway.url)) =>
    new Outbox<OutboxResult>({ storage, deliver: createApolloDelivery(client, connection) });
  const stored = (): QueuedAction[] =>
    (JSON.parse(storage.items.get(OUTBOX_STORAGE_KEY) ?? '{"queue":[]}') as { queue: QueuedAction[] }).queue;

  it('recorded offline, the actions are kept, then delivered once each, in order, on reconnect', async () => {
    const outbox = openOutbox();
    gateway.mode = 'unreachable';
    expect(await outbox.send({ kind: 'lessonComplete', lessonId: 'reading-1' })).toEqual({
      status: 'queued',
    });
    expect(await outbox.send(QUIZ)).toEqual({ status: 'queued' });
    expect(await outbox.send({ kind: 'videoProgress', lessonId: 'video-1', positionSeconds: 42 })).toEqual({
      status: 'queued',
    });
    expect(outbox.pending.map((item) => item.kind)).toEqual([
      'lessonComplete',
      'quizSubmit',
      'videoProgress',
    ]);
    expect(stored().map((item) => item.kind)).toEqual(['lessonComplete', 'quizSubmit', 'videoProgress']);
    expect(outbox.stoppedBy).toBe('network');
    expect(connection.snapshot().lastRequestFailed).toBe(true);
    // An unreachable server received nothing.
    const triedWhileOffline = gateway.received.length;
    expect(triedWhileOffline).toBe(0);

    gateway.mode = 'up';
    expect(await outbox.flush()).toBeNull();
    expect(gateway.received.map((operation) => operation.operationName)).toEqual([
      'LessonComplete',
      'QuizSubmit',
      'VideoProgressRecord',
    ]);
    expect([
      gateway.completed.has('reading-1'),
      gateway.attempts.length,
      gateway.positions.get('video-1'),
    ]).toEqual([true, 1, 42]);
    expect(outbox.pending).toEqual([]);
    expect(stored()).toEqual([]);
    expect(connection.snapshot().lastRequestFailed).toBe(false);
    // Nothing is sent twice by a later flush.
    await outbox.flush();
    expect(gateway.received).toHaveLength(3);
  });

  it('an action is stored on the device before the server receives it', async () => {
    const outbox = openOutbox();
    const seenInStorage: string[][] = [];
    gateway.onRequest = () => seenInStorage.push(stored().map((item) => item.kind));
    const outcome = await outbox.send({ kind: 'lessonComplete', lessonId: 'reading-1' });
    expect(outcome.status).toBe('sent');
    expect(seenInStorage).toEqual([['lessonComplete']]);
    expect(stored()).toEqual([]);
  });

  it('online, send answers with the server’s payload, userErrors included', async () => {
    const outbox = openOutbox();
    const outcome = await outbox.send(QUIZ);
    expect(
      outcome.status === 'sent' && outcome.result.kind === 'quizSubmit' && outcome.result.payload.attempt,
    ).toMatchObject({ id: 'attempt-1', scorePercent: 100, passed: true });
    expect(outcome.status === 'sent' && outcome.result.payload.userErrors).toEqual([]);
    expect(outbox.quizOutcome('quiz-1')).toMatchObject({ status: 'sent' });
  });

  it('a response lost after the server applied it is resent with the same key and the server counts one attempt', async () => {
    const outbox = openOutbox();
    gateway.mode = 'loseResponses';
    expect(await outbox.send(QUIZ)).toEqual({ status: 'queued' });
    expect(gateway.attempts).toHaveLength(1);
    expect(outbox.quizOutcome('quiz-1')).toMatchObject({ status: 'pending' });

    gateway.mode = 'up';
    await outbox.flush();
    const keys = gateway.received
      .filter((operation) => operation.operationName === 'QuizSubmit')
      .map((operation) => (operation.variables.input as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(gateway.attempts).toHaveLength(1);
    const outcome = outbox.quizOutcome('quiz-1');
    expect(
      outcome?.status === 'sent' &&
        outcome.result.kind === 'quizSubmit' &&
        outcome.result.payload.attempt?.id,
    ).toBe('attempt-1');
  });

  it('two submissions of one quiz carry different keys: the second is a new attempt', async () => {
    const outbox = openOutbox();
    await outbox.send({ ...QUIZ, answers: [{ questionId: 'q1', optionIds: ['a'] }] });
    await outbox.send(QUIZ);
    expect(gateway.attempts.map((attempt) => attempt.scorePercent)).toEqual([0, 100]);
  });

  it('a new outbox over the same storage (the app restarted) sends what was queued', async () => {
    gateway.mode = 'unreachable';
    const before = openOutbox();
    await before.send({ kind: 'videoProgress', lessonId: 'video-1', positionSeconds: 75 });
    await before.send(QUIZ);
    const key = before.pending[1]?.kind === 'quizSubmit' ? before.pending[1].idempotencyKey : null;

    gateway.mode = 'up';
    const after = openOutbox(testClient(gateway.url));
    await after.ready();
    expect(after.pending.map((item) => item.kind)).toEqual(['videoProgress', 'quizSubmit']);
    expect(after.quizOutcome('quiz-1')).toMatchObject({ status: 'pending' });
    await after.flush();
    expect(gateway.positions.get('video-1')).toBe(75);
    expect(gateway.attempts.map((attempt) => attempt.key)).toEqual([key]);
    expect(after.pending).toEqual([]);
    expect(after.quizOutcome('quiz-1')).toMatchObject({ status: 'sent' });
  });

  it('heartbeats of one lesson waiting to be sent coalesce to the furthest position', async () => {
    const outbox = openOutbox();
    gateway.mode = 'unreachable';
    for (const positionSeconds of [10, 50, 30]) {
      await outbox.send({ kind: 'videoProgress', lessonId: 'video-1', positionSeconds });
    }
    await outbox.send({ kind: 'videoProgress', lessonId: 'video-2', positionSeconds: 5 });
    expect(
      outbox.pending.map((item) =>
        item.kind === 'videoProgress' ? [item.lessonId, item.positionSeconds] : null,
      ),
    ).toEqual([
      ['video-1', 50],
      ['video-2', 5],
    ]);
    gateway.mode = 'up';
    const offlineTries = gateway.received.length;
    await outbox.flush();
    expect(gateway.received.slice(offlineTries).map((operation) => operation.variables.input)).toEqual([
      { lessonId: 'video-1', positionSeconds: 50 },
      { lessonId: 'video-2', positionSeconds: 5 },
    ]);
  });

  it('UNAUTHENTICATED keeps the action queued until the learner is signed in again', async () => {
    const outbox = openOutbox();
    gateway.mode = 'unauthenticated';
    expect(await outbox.send({ kind: 'lessonComplete', lessonId: 'reading-1' })).toEqual({
      status: 'queued',
    });
    expect(outbox.stoppedBy).toBe('unauthenticated');
    // The gateway answered: the app is online, only the session is missing.
    expect(connection.online()).toBe(true);
    expect(gateway.completed.size).toBe(0);

    gateway.mode = 'up';
    await outbox.flush();
    expect(gateway.completed.has('reading-1')).toBe(true);
    expect(outbox.pending).toEqual([]);
    expect(outbox.stoppedBy).toBeNull();
  });

  it('the answer lands in the Apollo cache as the online path’s does', async () => {
    const client = testClient(gateway.url);
    const outbox = openOutbox(client);
    await outbox.send({ kind: 'videoProgress', lessonId: 'video-1', positionSeconds: 120 });
    expect(client.cache.extract()['Lesson:video-1']).toMatchObject({
      id: 'video-1',
      viewerProgress: { status: 'IN_PROGRESS', positionSeconds: 120 },
    });
    expect(client.cache.extract()['Enrollment:enrollment-1']).toMatchObject({ progressPercent: 0 });
  });
});

describe('a send that never gets an answer', () => {
  it('counts as lost after the timeout and stays queued, so one dead request cannot hold the queue', async () => {
    const storage = new MemoryStorage();
    const connection = createConnectionState();
    const hanging = { mutate: () => new Promise<never>(() => undefined) };
    const outbox = new Outbox<OutboxResult>({
      storage,
      deliver: createApolloDelivery(hanging, connection, 50),
    });
    expect(await outbox.send({ kind: 'lessonComplete', lessonId: 'reading-1' })).toEqual({
      status: 'queued',
    });
    expect(outbox.stoppedBy).toBe('network');
    expect(connection.online()).toBe(false);
  });
});

describe('several learners on one phone', () => {
  it('an action is sent only while the learner who did it is signed in', async () => {
    const gateway = await startFakeGateway();
    try {
      let owner: string | null = 'learner-a';
      const outbox = new Outbox<OutboxResult>({
        storage: new MemoryStorage(),
        deliver: createApolloDelivery(testClient(gateway.url), createConnectionState()),
        owner: () => owner,
      });
      gateway.mode = 'unreachable';
      await outbox.send({ kind: 'lessonComplete', lessonId: 'reading-1' });
      gateway.mode = 'up';
      owner = 'learner-b';
      expect(
        await outbox.send({ kind: 'videoProgress', lessonId: 'video-1', positionSeconds: 12 }),
      ).toMatchObject({
        status: 'sent',
      });
      expect(gateway.received.map((operation) => operation.operationName)).toEqual(['VideoProgressRecord']);
      expect(outbox.pending.map((item) => [item.kind, item.ownerId])).toEqual([
        ['lessonComplete', 'learner-a'],
      ]);

      owner = 'learner-a';
      await outbox.flush();
      expect(gateway.received.map((operation) => operation.operationName)).toEqual([
        'VideoProgressRecord',
        'LessonComplete',
      ]);
      expect(outbox.pending).toEqual([]);
    } finally {
      await gateway.close();
    }
  });
});
