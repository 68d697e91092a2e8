/**
 * The learning-events outbox (topic `progress.learning`): every path that enrolls, completes a
 * lesson or completes a course writes its events in the same transaction, and the relay publishes
 * each once through a real kit EventBus to an HTTP-push consumer served here (as identity's).
 */
import { randomUUID } from 'node:crypto';
import { createEventBus, createLogger, type DomainEvent, type EventBus } from '@learncraft/kit';
import { DATABASE_FLAVOURS, serveTestRoutes, TEST_REDIS_URL } from '@learncraft/kit/testing';
import Redis from 'ioredis';
import { LEARNING_TOPIC, type LearningEvent } from '../src/domain/learningEvents';
import { CATALOG_SECRET, OTHER_COURSE, WEB_COURSE } from './support/catalogFixture';
import { COMPLETE, ENROLL, HEARTBEAT, SUBMIT, startHarness, type Harness } from './support/harness';

const PASSING_ANSWERS = [
  { questionId: 'q1', optionIds: ['q1b'] },
  { questionId: 'q2', optionIds: ['q2a', 'q2c'] },
  { questionId: 'q3', optionIds: ['q3a'] },
];

/** identity's side: a kit HTTP-push consumer of `progress.learning` (group identity-webhooks). */
interface Subscriber {
  url: string;
  received: DomainEvent<LearningEvent>[];
  /** While true the handler fails, so the bus answers 503 and the publisher must retry. */
  down: boolean;
  refused: number;
  close(): Promise<void>;
}

async function startSubscriber(): Promise<Subscriber> {
  const bus: EventBus = createEventBus({
    subscriberUrls: [],
    secret: CATALOG_SECRET,
    logger: createLogger('identity-test', 'silent'),
    service: 'identity',
  });
  const subscriber = { received: [] as DomainEvent<LearningEvent>[], down: false, refused: 0 };
  await bus.consume<LearningEvent>(LEARNING_TOPIC, 'identity-webhooks', (event) => {
    if (subscriber.down) {
      subscriber.refused += 1;
      return Promise.reject(new Error('identity is down'));
    }
    subscriber.received.push(event);
    return Promise.resolve();
  });
  const served = await serveTestRoutes(bus.routes());
  return Object.assign(subscriber, {
    url: served.url,
    close: async () => {
      await served.close();
      await bus.close();
    },
  });
}

async function waitFor<T>(read: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const RELAY_ENV = { OUTBOX_INTERVAL_MS: '50', OUTBOX_RETRY_BASE_MS: '50', OUTBOX_RETRY_MAX_MS: '200' };

describe('the learning-events outbox', () => {
  let h: Harness;
  let subscriber: Subscriber;
  let clock = new Date('2026-03-02T09:00:00.000Z');
  const tick = () => {
    clock = new Date(clock.getTime() + 60_000);
    return clock.toISOString();
  };
  const eventsOf = (enrollmentId: string) =>
    subscriber.received.filter((event) => event.payload.enrollmentId === enrollmentId);

  beforeAll(async () => {
    subscriber = await startSubscriber();
    h = await startHarness([WEB_COURSE, OTHER_COURSE], {
      now: () => clock,
      env: { ...RELAY_ENV, EVENT_SUBSCRIBER_URLS: subscriber.url },
    });
  });
  afterAll(async () => {
    await h.close();
    await subscriber.close();
  });

  it('publishes each event of every path once, with the payload of contract 4 and the row id as event id', async () => {
    const learner = await h.learner();
    const enrolledAt = tick();
    const enrollment = (await h.gql(ENROLL, { courseId: WEB_COURSE.id }, learner.token)).data?.courseEnroll
      .enrollment;
    const videoAt = tick();
    await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 100 }, learner.token);
    await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 180 }, learner.token);
    await h.gql(HEARTBEAT, { lessonId: 'web-video', positionSeconds: 190 }, learner.token);
    const readingAt = tick();
    await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    await h.gql(COMPLETE, { lessonId: 'web-reading' }, learner.token);
    const quizAt = tick();
    await h.gql(SUBMIT, { lessonId: 'web-quiz', answers: PASSING_ANSWERS }, learner.token);
    const labAt = tick();
    const body = { userId: learner.id, lessonId: 'web-lab', reference: 'session-1' };
    expect((await h.internal('/internal/lesson-completions', body)).status).toBe(200);
    expect((await h.internal('/internal/lesson-completions', body)).body.alreadyComplete).toBe(true);

    const common = { userId: learner.id, courseId: WEB_COURSE.id, enrollmentId: enrollment.id };
    const expected: LearningEvent[] = [
      { type: 'enrolled', occurredAt: enrolledAt, ...common, lessonId: null, progressPercent: 0 },
      {
        type: 'lesson.completed',
        occurredAt: videoAt,
        ...common,
        lessonId: 'web-video',
        progressPercent: 25,
      },
      {
        type: 'lesson.completed',
        occurredAt: readingAt,
        ...common,
        lessonId: 'web-reading',
        progressPercent: 50,
      },
      { type: 'lesson.completed', occurredAt: quizAt, ...common, lessonId: 'web-quiz', progressPercent: 75 },
      { type: 'lesson.completed', occurredAt: labAt, ...common, lessonId: 'web-lab', progressPercent: 100 },
      { type: 'lab.passed', occurredAt: labAt, ...common, lessonId: 'web-lab', progressPercent: 100 },
      { type: 'course.completed', occurredAt: labAt, ...common, lessonId: null, progressPercent: 100 },
    ];
    await waitFor(() => eventsOf(enrollment.id).length >= expected.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const received = eventsOf(enrollment.id);
    expect(received.map((event) => event.payload)).toEqual(expected);
    expect(received.every((event) => event.topic === LEARNING_TOPIC)).toBe(true);
    const rows = await h.test.db.query<{ id: string; published: boolean }>(
      "SELECT id, published_at IS NOT NULL AS published FROM progress.outbox WHERE payload->>'enrollmentId' = $1 ORDER BY sequence",
      [enrollment.id],
    );
    expect(rows.map((row) => row.id)).toEqual(received.map((event) => event.id));
    expect(rows.every((row) => row.published)).toBe(true);
  });

  it('an event the subscriber refused while it was down is retried and published once after it comes back', async () => {
    subscriber.down = true;
    const learner = await h.learner();
    const enrollment = (await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token)).data?.courseEnroll
      .enrollment;
    await waitFor(() => subscriber.refused >= 2);
    const [pending] = await h.test.db.query<{ attempts: number; published: boolean; last_error: string }>(
      "SELECT attempts, published_at IS NOT NULL AS published, last_error FROM progress.outbox WHERE payload->>'enrollmentId' = $1",
      [enrollment.id],
    );
    expect(pending?.published).toBe(false);
    expect(pending?.attempts).toBeGreaterThanOrEqual(1);
    expect(pending?.last_error).toContain('HTTP 503');
    subscriber.down = false;
    await waitFor(() => eventsOf(enrollment.id).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(eventsOf(enrollment.id).map((event) => event.payload.type)).toEqual(['enrolled']);
  });

  it('an event committed while no relay ran (its process died) is published by the next process', async () => {
    await h.server.outbox.stop();
    const learner = await h.learner();
    const enrollment = (await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token)).data?.courseEnroll
      .enrollment;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(eventsOf(enrollment.id)).toEqual([]);
    expect(
      await h.count(
        "SELECT count(*) AS n FROM progress.outbox WHERE published_at IS NULL AND payload->>'enrollmentId' = $1",
        [enrollment.id],
      ),
    ).toBe(1);
    await h.replica();
    await waitFor(() => eventsOf(enrollment.id).length === 1);
    expect(eventsOf(enrollment.id)[0]?.payload).toMatchObject({ type: 'enrolled', userId: learner.id });
  });

  it('no event is written when the transaction rolls back', async () => {
    const learner = await h.learner();
    const enrollment = (await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token)).data?.courseEnroll
      .enrollment;
    // The enrollment's update (the last write of the transaction, after the outbox rows) fails.
    await h.test.db.query(`
      CREATE FUNCTION progress.refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    await h.test.db.query(
      `CREATE TRIGGER refuse_update BEFORE UPDATE ON progress.enrollments FOR EACH ROW
       WHEN (NEW.id = '${enrollment.id}') EXECUTE FUNCTION progress.refuse_update()`,
    );
    try {
      const result = await h.gql(HEARTBEAT, { lessonId: 'other-video', positionSeconds: 60 }, learner.token);
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    } finally {
      await h.test.db.query('DROP TRIGGER refuse_update ON progress.enrollments');
      await h.test.db.query('DROP FUNCTION progress.refuse_update()');
    }
    const types = await h.test.db.query<{ type: string }>(
      "SELECT payload->>'type' AS type FROM progress.outbox WHERE payload->>'enrollmentId' = $1",
      [enrollment.id],
    );
    expect(types.map((row) => row.type)).toEqual(['enrolled']);
    expect(
      await h.count('SELECT count(*) AS n FROM progress.lesson_progress WHERE enrollment_id = $1', [
        enrollment.id,
      ]),
    ).toBe(0);
  });
});

for (const flavour of DATABASE_FLAVOURS) {
  describe(`two relays on ${flavour}`, () => {
    let h: Harness;
    let subscriber: Subscriber;
    beforeAll(async () => {
      subscriber = await startSubscriber();
      h = await startHarness([OTHER_COURSE], {
        flavour,
        env: { ...RELAY_ENV, EVENT_SUBSCRIBER_URLS: subscriber.url },
      });
    });
    afterAll(async () => {
      await h.close();
      await subscriber.close();
    });

    it('two replicas relaying one outbox publish every event exactly once', async () => {
      await h.replica();
      const learners = await Promise.all(Array.from({ length: 24 }, () => h.learner()));
      await Promise.all(
        learners.map((learner) => h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token)),
      );
      await waitFor(() => subscriber.received.length >= learners.length);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = subscriber.received.map((event) => event.id);
      expect(ids.length).toBe(learners.length);
      expect(new Set(ids).size).toBe(learners.length);
      expect(new Set(subscriber.received.map((event) => event.payload.userId))).toEqual(
        new Set(learners.map((learner) => learner.id)),
      );
      expect(await h.count('SELECT count(*) AS n FROM progress.outbox WHERE published_at IS NULL')).toBe(0);
    });
  });
}

describe('the learning-events outbox over Redis Streams', () => {
  const streamPrefix = `lc-test-progress-${randomUUID()}:`;
  const bus = (service: string) =>
    createEventBus({
      redisUrl: TEST_REDIS_URL,
      streamPrefix,
      subscriberUrls: [],
      logger: createLogger(`${service}-test`, 'silent'),
      service,
      blockMs: 100,
    });
  const publisher = bus('progress');
  const consumer = bus('identity');
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness([OTHER_COURSE], { events: publisher, env: RELAY_ENV });
  });
  afterAll(async () => {
    await h.close();
    await consumer.close();
    await publisher.close();
    const admin = new Redis(TEST_REDIS_URL);
    const keys = await admin.keys(`${streamPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  it('a consumer group of the stream receives the event once, with the row id as event id', async () => {
    const received: DomainEvent<LearningEvent>[] = [];
    const consuming = await consumer.consume<LearningEvent>(LEARNING_TOPIC, 'identity-webhooks', (event) => {
      received.push(event);
      return Promise.resolve();
    });
    try {
      const learner = await h.learner();
      const enrollment = (await h.gql(ENROLL, { courseId: OTHER_COURSE.id }, learner.token)).data
        ?.courseEnroll.enrollment;
      await waitFor(() => received.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [row] = await h.test.db.query<{ id: string }>(
        "SELECT id FROM progress.outbox WHERE payload->>'enrollmentId' = $1",
        [enrollment.id],
      );
      expect(received.map((event) => [event.id, event.payload.type, event.payload.userId])).toEqual([
        [row?.id, 'enrolled', learner.id],
      ]);
    } finally {
      await consuming.stop();
    }
  });
});
