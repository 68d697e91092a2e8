/**
 * The outbox relay over the kit's HTTP-push event bus (the embedded default): with
 * `delivered: true` a row stays unpublished until the subscriber acknowledged it, and the event
 * carries the row's id. Needs the kit's publish options (the access engineer's EventBus change).
 */
import { createEventBus, createLogger, sendJson } from '@learncraft/kit';
import { serveTestRoutes } from '@learncraft/kit/testing';
import { INTERNAL_SECRET, buy, course, priceCourse, startHarness, type Harness } from './support/harness';

const TS = course('course-ts');

const until = async (condition: () => Promise<boolean> | boolean) => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the condition never held');
};

describe('the outbox relay over HTTP push', () => {
  const received: { id: string; topic: string }[] = [];
  let accepting = false;
  let attempts = 0;
  let consumer: Awaited<ReturnType<typeof serveTestRoutes>>;
  let h: Harness;
  beforeAll(async () => {
    consumer = await serveTestRoutes({
      'POST /internal/events': (_req, res, body) => {
        attempts += 1;
        if (!accepting) return sendJson(res, 503, { error: 'NOT_YET' });
        received.push(JSON.parse(body.toString('utf8')) as { id: string; topic: string });
        sendJson(res, 202, { accepted: true });
      },
    });
    const events = createEventBus({
      subscriberUrls: [consumer.url],
      secret: INTERNAL_SECRET,
      logger: createLogger('commerce-test', 'silent'),
      service: 'commerce',
    });
    h = await startHarness({ courses: [TS], events });
    await priceCourse(h, TS.id, 4900);
  });
  afterAll(async () => {
    await h.close();
    await consumer.close();
  });

  it('keeps the events until the subscriber takes them, then delivers them with the outbox ids', async () => {
    const learner = await h.learner();
    await buy(h, learner.token, [{ courseId: TS.id }]);
    await until(() => attempts >= 2);
    expect(received).toEqual([]);
    expect(await h.server.store.unpublishedCount()).toBe(2);
    accepting = true;
    await until(async () => (await h.server.store.unpublishedCount()) === 0);
    const rows = await h.test.db.query<{ id: string; topic: string }>(
      'SELECT id, topic FROM commerce.outbox ORDER BY sequence',
    );
    expect(received.map((event) => [event.id, event.topic])).toEqual(rows.map((row) => [row.id, row.topic]));
  });
});
