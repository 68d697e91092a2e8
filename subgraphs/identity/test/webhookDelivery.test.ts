/**
 * The webhook dispatcher against a local receiver (node:http on 127.0.0.1): signatures a receiver
 * can verify, retries with back-off on a moved clock (no wall-clock assertions), giving up,
 * timeouts, redirects, redelivery, leases after a crash, replicas, bounded concurrency and the
 * delivery-time SSRF check.
 */
import { randomUUID } from 'node:crypto';
import { DATABASE_FLAVOURS } from '@learncraft/kit/testing';
import { postWebhook } from '../src/services/webhookSender';
import {
  CREATE_ENDPOINT,
  REDELIVER,
  UPDATE_ENDPOINT,
  learningEvent,
  startReceiver,
  startWebhookHarness,
  verifySignature,
  type WebhookHarness,
} from './webhooksHarness';

jest.setTimeout(60_000);

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** An owner with an endpoint at `url` and a member whose events it receives. */
async function subscribe(h: WebhookHarness, url: string) {
  const owner = await h.person();
  const learner = await h.person();
  const organizationId = randomUUID();
  await h.organizations.add(organizationId, owner.id, 'OWNER');
  await h.organizations.add(organizationId, learner.id, 'MEMBER');
  const response = await h.gql(
    CREATE_ENDPOINT,
    { input: { organizationId, url, events: ['LESSON_COMPLETED', 'LAB_PASSED'] } },
    owner.token,
  );
  const payload = response.body.data?.webhookEndpointCreate;
  if (!payload?.endpoint) throw new Error(`endpoint not created: ${JSON.stringify(response.body)}`);
  return {
    owner,
    learner,
    organizationId,
    endpointId: payload.endpoint.id as string,
    secret: payload.signingSecret as string,
  };
}

/** Publishes a lesson completion of the learner and returns the id of its (only) delivery. */
async function queue(h: WebhookHarness, setup: Awaited<ReturnType<typeof subscribe>>) {
  const eventId = randomUUID();
  await h.publish(eventId, learningEvent({ userId: setup.learner.id }));
  const page = await h.identity.webhooks.service.store.deliveriesPage(setup.endpointId, null, {
    limit: 100,
    offset: 0,
  });
  const delivery = page.items.find((item) => item.eventId === eventId);
  if (!delivery) throw new Error('no delivery queued');
  return { eventId, deliveryId: delivery.id };
}

const deliveryOf = async (h: WebhookHarness, id: string) =>
  (await h.identity.webhooks.service.store.deliveryById(id))!;

describe('sending deliveries', () => {
  let h: WebhookHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startWebhookHarness();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await h.dispose();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.setMode('ok');
  });

  test('a delivery answered 204 is SUCCEEDED, carries the contract headers and a signature a receiver verifies', async () => {
    const setup = await subscribe(h, receiver.url);
    const { eventId, deliveryId } = await queue(h, setup);
    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(1);

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks');
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'LearnCraft-Webhooks/1',
      'learncraft-event-id': eventId,
      'learncraft-event-type': 'lesson.completed',
      'learncraft-delivery-id': deliveryId,
    });
    const signature = request!.headers['learncraft-signature'] as string;
    expect(signature).toMatch(
      new RegExp(`^t=${Math.floor(h.clock.now().getTime() / 1000)},v1=[0-9a-f]{64}$`),
    );
    expect(JSON.parse(request!.body)).toEqual({
      id: eventId,
      type: 'lesson.completed',
      createdAt: '2026-12-01T10:00:00.000Z',
      organization: { id: setup.organizationId },
      data: {
        user: { id: setup.learner.id, email: setup.learner.email, displayName: setup.learner.displayName },
        course: { id: 'course-1' },
        lesson: { id: 'lesson-1' },
        enrollment: { id: 'enrollment-1', progressPercent: 40 },
      },
    });
    const now = h.clock.now();
    expect(verifySignature(setup.secret, request!.body, signature, now)).toBe(true);
    expect(verifySignature(setup.secret, request!.body.replace('40', '41'), signature, now)).toBe(false);
    expect(verifySignature(setup.secret, request!.body, signature, new Date(now.getTime() + 301_000))).toBe(
      false,
    );
    expect(verifySignature(`${setup.secret}x`, request!.body, signature, now)).toBe(false);

    const delivery = await deliveryOf(h, deliveryId);
    expect(delivery.status).toBe('SUCCEEDED');
    expect(delivery.nextAttemptAt).toBeNull();
    expect(delivery.attempts).toEqual([
      { at: now.toISOString(), responseStatus: 204, durationMs: expect.any(Number), error: null },
    ]);
  });

  test('a receiver answering 500 is retried with back-off doubling from 1 s to the 8 s cap, then FAILED after the 60 s window', async () => {
    receiver.setMode('fail');
    const setup = await subscribe(h, receiver.url);
    const { deliveryId } = await queue(h, setup);
    const { dispatcher } = h.identity.webhooks;
    const delays: number[] = [];
    for (;;) {
      expect(await dispatcher.runOnce()).toBe(1);
      const delivery = await deliveryOf(h, deliveryId);
      if (delivery.status !== 'PENDING') break;
      const delay = delivery.nextAttemptAt!.getTime() - h.clock.now().getTime();
      delays.push(delay);
      h.clock.advance(delay - 1);
      expect(await dispatcher.runOnce()).toBe(0);
      h.clock.advance(1);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000]);
    const failed = await deliveryOf(h, deliveryId);
    expect(failed.status).toBe('FAILED');
    expect(failed.nextAttemptAt).toBeNull();
    expect(failed.attemptCount).toBe(11);
    expect(failed.attempts.map((attempt) => [attempt.responseStatus, attempt.error])).toEqual(
      Array.from({ length: 11 }, () => [500, 'HTTP 500']),
    );
    expect(receiver.received).toHaveLength(11);
    expect(new Set(receiver.received.map((r) => r.headers['learncraft-delivery-id']))).toEqual(
      new Set([deliveryId]),
    );
  });

  test('a FAILED delivery is sent again by webhookDeliveryRedeliver: same event id and body, a new signature', async () => {
    receiver.setMode('fail');
    const setup = await subscribe(h, receiver.url);
    const { eventId, deliveryId } = await queue(h, setup);
    await h.identity.webhooks.dispatcher.runOnce();
    h.clock.advance(61_000);
    h.clock.advance(0);
    await h.identity.webhooks.dispatcher.runOnce();
    expect((await deliveryOf(h, deliveryId)).status).toBe('FAILED');

    receiver.setMode('ok');
    h.clock.advance(5_000);
    const response = await h.gql(REDELIVER, { input: { deliveryId } }, setup.owner.token);
    expect(response.body.data?.webhookDeliveryRedeliver).toEqual({
      delivery: { id: deliveryId, eventId, status: 'PENDING', nextAttemptAt: h.clock.now().toISOString() },
      userErrors: [],
    });
    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(1);
    expect((await deliveryOf(h, deliveryId)).status).toBe('SUCCEEDED');
    const [first, , last] = receiver.received;
    expect(receiver.received).toHaveLength(3);
    expect(last!.body).toBe(first!.body);
    expect(last!.headers['learncraft-event-id']).toBe(eventId);
    expect(last!.headers['learncraft-signature']).not.toBe(first!.headers['learncraft-signature']);
    expect(
      verifySignature(
        setup.secret,
        last!.body,
        last!.headers['learncraft-signature'] as string,
        h.clock.now(),
      ),
    ).toBe(true);
  });

  test('a receiver that never answers is cut off after WEBHOOK_TIMEOUT_MS and the delivery is retried', async () => {
    receiver.setMode('hang');
    const setup = await subscribe(h, receiver.url);
    const { deliveryId } = await queue(h, setup);
    await h.identity.webhooks.dispatcher.runOnce();
    const hung = await deliveryOf(h, deliveryId);
    expect(hung.status).toBe('PENDING');
    expect(hung.attempts).toEqual([
      {
        at: h.clock.now().toISOString(),
        responseStatus: null,
        durationMs: expect.any(Number),
        error: 'timed out after 300 ms',
      },
    ]);
    expect(hung.nextAttemptAt).toEqual(new Date(h.clock.now().getTime() + 1_000));

    receiver.setMode('ok');
    h.clock.advance(1_000);
    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(1);
    expect((await deliveryOf(h, deliveryId)).status).toBe('SUCCEEDED');
    expect(receiver.received).toHaveLength(2);
  });

  test('a receiver that answers slowly, within the timeout, is SUCCEEDED', async () => {
    receiver.setMode('slow');
    const setup = await subscribe(h, receiver.url);
    const { deliveryId } = await queue(h, setup);
    await h.identity.webhooks.dispatcher.runOnce();
    const delivery = await deliveryOf(h, deliveryId);
    expect(delivery.status).toBe('SUCCEEDED');
    expect(delivery.attempts.map((attempt) => attempt.responseStatus)).toEqual([200]);
  });

  test('a redirect is not followed: the 302 is a failed attempt and its target is never requested', async () => {
    receiver.setMode('redirect');
    const setup = await subscribe(h, receiver.url);
    const { deliveryId } = await queue(h, setup);
    await h.identity.webhooks.dispatcher.runOnce();
    const delivery = await deliveryOf(h, deliveryId);
    expect(delivery.status).toBe('PENDING');
    expect(delivery.attempts.map((attempt) => [attempt.responseStatus, attempt.error])).toEqual([
      [302, 'HTTP 302'],
    ]);
    expect(receiver.received.map((request) => request.path)).toEqual(['/hooks']);
  });

  test('the connection goes to the address that was checked, under the URL host name (pinned DNS)', async () => {
    // Only the test resolver knows this name: the system DNS is never asked at connection time.
    h.resolver.names.set('pinned.partner.example', '127.0.0.1');
    const setup = await subscribe(h, `http://pinned.partner.example:${receiver.port}/hooks`);
    const { deliveryId } = await queue(h, setup);
    await h.identity.webhooks.dispatcher.runOnce();
    expect((await deliveryOf(h, deliveryId)).status).toBe('SUCCEEDED');
    expect(receiver.received.map((request) => request.headers.host)).toEqual([
      `pinned.partner.example:${receiver.port}`,
    ]);
  });

  test('at most 4 KiB of an answer is read', async () => {
    receiver.setMode('large');
    const result = await postWebhook({
      url: receiver.url,
      address: { address: '127.0.0.1', family: 4 },
      headers: { 'content-type': 'application/json' },
      body: '{}',
      timeoutMs: 2_000,
    });
    expect(result).toEqual({ status: 200, body: 'x'.repeat(4_096), error: null });
  });

  test('a paused endpoint keeps its pending deliveries until enabled; redelivering to it is refused with ENDPOINT_DISABLED', async () => {
    const setup = await subscribe(h, receiver.url);
    const { deliveryId } = await queue(h, setup);
    await h.gql(
      UPDATE_ENDPOINT,
      { input: { endpointId: setup.endpointId, enabled: false } },
      setup.owner.token,
    );
    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(0);
    const refused = await h.gql(REDELIVER, { input: { deliveryId } }, setup.owner.token);
    expect(refused.body.data?.webhookDeliveryRedeliver).toEqual({
      delivery: null,
      userErrors: [
        {
          code: 'ENDPOINT_DISABLED',
          message: 'The endpoint is paused: enable it before redelivering.',
          field: ['input', 'deliveryId'],
        },
      ],
    });
    expect((await deliveryOf(h, deliveryId)).attemptCount).toBe(0);
    await h.gql(
      UPDATE_ENDPOINT,
      { input: { endpointId: setup.endpointId, enabled: true } },
      setup.owner.token,
    );
    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(1);
    expect((await deliveryOf(h, deliveryId)).status).toBe('SUCCEEDED');
  });

  test('redelivering is for owners and keys with webhooks:write only', async () => {
    const setup = await subscribe(h, receiver.url);
    const { deliveryId } = await queue(h, setup);
    const member = await h.gql(REDELIVER, { input: { deliveryId } }, setup.learner.token);
    expect(member.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const reader = await h.apiKeyToken(setup.organizationId, ['webhooks:read']);
    expect(
      (await h.gql(REDELIVER, { input: { deliveryId } }, reader)).body.errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    const writer = await h.apiKeyToken(setup.organizationId, ['webhooks:write']);
    const allowed = await h.gql(REDELIVER, { input: { deliveryId } }, writer);
    expect(allowed.body.data?.webhookDeliveryRedeliver.userErrors).toEqual([]);
  });
});

describe.each(DATABASE_FLAVOURS)('leases on %s', (flavour) => {
  let h: WebhookHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startWebhookHarness({ flavour });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await h.dispose();
  });
  beforeEach(() => {
    receiver.received.length = 0;
  });

  test('a delivery claimed by a process that died mid-delivery is sent by another once its lease has passed', async () => {
    const setup = await subscribe(h, receiver.url);
    const { deliveryId } = await queue(h, setup);
    const { store } = h.identity.webhooks.service;
    const lease = h.identity.webhooks.settings.leaseMs;
    const [dead] = await store.claimDue(h.clock.now(), lease, 10);
    expect(dead?.id).toBe(deliveryId);

    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(0);
    h.clock.advance(lease - 1);
    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(0);
    h.clock.advance(1);
    expect(await h.identity.webhooks.dispatcher.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(1);

    const late = await store.recordAttempt(dead!, {
      attempt: { at: h.clock.now().toISOString(), responseStatus: 500, durationMs: 1, error: 'HTTP 500' },
      status: 'PENDING',
      nextAttemptAt: h.clock.now(),
    });
    expect(late).toBe(false);
    const delivery = await deliveryOf(h, deliveryId);
    expect(delivery.status).toBe('SUCCEEDED');
    expect(delivery.attemptCount).toBe(1);
  });

  test('two replicas polling at once send every delivery exactly once', async () => {
    const replica = await h.replica();
    const setup = await subscribe(h, receiver.url);
    const ids: string[] = [];
    for (let index = 0; index < 6; index += 1) ids.push((await queue(h, setup)).deliveryId);
    const claimed = await Promise.all([
      h.identity.webhooks.dispatcher.runOnce(),
      replica.webhooks.dispatcher.runOnce(),
    ]);
    expect(claimed[0] + claimed[1]).toBe(6);
    expect(receiver.received.map((r) => r.headers['learncraft-delivery-id']).sort()).toEqual([...ids].sort());
  });
});

describe('the delivery-time address check (private addresses not allowed)', () => {
  let h: WebhookHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startWebhookHarness({
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'false' },
    });
    receiver = await startReceiver('hang');
    h.resolver.names.set('rebind.partner.example', '93.184.215.14');
  });
  afterAll(async () => {
    await receiver.close();
    await h.dispose();
  });

  test('a host that resolves to a private address at delivery time is refused without a request', async () => {
    const setup = await subscribe(h, 'https://rebind.partner.example/hooks');
    const { deliveryId } = await queue(h, setup);
    h.resolver.names.set('rebind.partner.example', '127.0.0.1');
    await h.identity.webhooks.dispatcher.runOnce();
    const delivery = await deliveryOf(h, deliveryId);
    expect(delivery.status).toBe('PENDING');
    expect(delivery.attempts.map((attempt) => [attempt.responseStatus, attempt.error])).toEqual([
      [null, "refused: The URL's host resolves to a private, loopback or link-local address (127.0.0.1)."],
    ]);
  });
});

describe('bounded concurrency', () => {
  let h: WebhookHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startWebhookHarness({ env: { WEBHOOK_CONCURRENCY: '2', WEBHOOK_TIMEOUT_MS: '1000' } });
    receiver = await startReceiver('hang');
  });
  afterAll(async () => {
    await receiver.close();
    await h.dispose();
  });

  test('no more than WEBHOOK_CONCURRENCY deliveries are in flight at once', async () => {
    const setup = await subscribe(h, receiver.url);
    for (let index = 0; index < 5; index += 1) await queue(h, setup);
    const { dispatcher } = h.identity.webhooks;
    expect(await dispatcher.poll()).toBe(2);
    for (let waited = 0; receiver.hanging.size < 2 && waited < 100; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await dispatcher.poll()).toBe(0);
    expect(receiver.hanging.size).toBe(2);
    await dispatcher.idle();
    expect(await dispatcher.poll()).toBe(2);
    await dispatcher.idle();
    expect(receiver.received).toHaveLength(4);
  });
});

describe('the dispatcher polling by itself', () => {
  let h: WebhookHarness;
  let receiver: Receiver;
  beforeAll(async () => {
    h = await startWebhookHarness({ dispatch: true, env: { WEBHOOK_POLL_INTERVAL_MS: '20' } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await h.dispose();
  });

  test('a published lesson completion reaches the receiver signed, without anyone driving the dispatcher', async () => {
    const setup = await subscribe(h, receiver.url);
    const { eventId, deliveryId } = await queue(h, setup);
    for (let waited = 0; receiver.received.length === 0 && waited < 200; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(receiver.received.map((r) => r.headers['learncraft-event-id'])).toEqual([eventId]);
    const [request] = receiver.received;
    expect(
      verifySignature(
        setup.secret,
        request!.body,
        request!.headers['learncraft-signature'] as string,
        h.clock.now(),
      ),
    ).toBe(true);
    for (
      let waited = 0;
      (await deliveryOf(h, deliveryId)).status !== 'SUCCEEDED' && waited < 200;
      waited += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await deliveryOf(h, deliveryId)).status).toBe('SUCCEEDED');
  });
});
