import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { buy, course, priceCourse, startHarness, type Harness } from './support/harness';

const TS = course('course-ts');

const until = async (condition: () => Promise<boolean> | boolean) => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the condition never held');
};

describe.each(DATABASE_FLAVOURS)('the outbox relay (%s)', (flavour) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ flavour, courses: [TS] });
    await priceCourse(h, TS.id, 4900);
  });
  afterAll(() => h.close());

  it('publishes a purchase’s events in order, with the outbox row id, asking for delivery', async () => {
    h.bus.published.length = 0;
    const learner = await h.learner();
    const { order } = await buy(h, learner.token, [{ courseId: TS.id }]);
    await until(() => h.bus.published.length >= 2);
    const rows = await h.test.db.query<{ id: string; topic: string }>(
      "SELECT id, topic FROM commerce.outbox WHERE payload->>'userId' = $1 OR payload->>'buyerId' = $1 ORDER BY sequence",
      [learner.id],
    );
    expect(h.bus.published.map((event) => [event.topic, event.options])).toEqual(
      rows.map((row) => [row.topic, { id: row.id, delivered: true }]),
    );
    expect(h.bus.published.map((event) => event.topic)).toEqual(['entitlement.changed', 'order.paid']);
    expect(h.bus.published[0]?.payload).toEqual({
      entitlementId: expect.any(String),
      userId: learner.id,
      courseIds: [TS.id],
      change: 'GRANTED',
    });
    expect(h.bus.published[1]?.payload).toEqual({
      orderId: order.id,
      buyerId: learner.id,
      total: { amount: 4900, currency: 'USD' },
    });
    await until(async () => (await h.server.store.unpublishedCount()) === 0);
  });

  it('events committed by a process that died before publishing are delivered by the next one', async () => {
    h.bus.failing = true;
    h.bus.published.length = 0;
    const learner = await h.learner();
    await buy(h, learner.token, [{ courseId: TS.id }]);
    // The commit happened; the publish failed, so the rows wait (and the failure is counted).
    await until(
      async () => (await h.count('SELECT count(*) AS n FROM commerce.outbox WHERE attempts > 0')) > 0,
    );
    expect(await h.server.store.unpublishedCount()).toBe(2);
    expect(h.bus.published).toEqual([]);
    // The process goes away; a new instance on the same database starts with the bus working.
    await h.restart(() => {
      h.bus.failing = false;
    });
    await until(() => h.bus.published.length === 2);
    expect(
      h.bus.published.map((event) => [event.topic, event.payload.userId ?? event.payload.buyerId]),
    ).toEqual([
      ['entitlement.changed', learner.id],
      ['order.paid', learner.id],
    ]);
    await until(async () => (await h.server.store.unpublishedCount()) === 0);
  });
});
