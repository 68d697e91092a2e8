/**
 * Stripe through the gateway: commerce on the Stripe adapter (the official client) against the
 * local Stripe test server; Stripe's signed webhook deliveries reach the gateway's public
 * `/webhooks/stripe`, which relays them byte for byte to commerce. Ten concurrent deliveries of
 * one success grant one entitlement; tampered, stale and unsigned deliveries change nothing; the
 * subgraph's own route refuses callers without the gateway's credential.
 */
import { randomUUID } from 'node:crypto';
import {
  startStripeTestServer,
  type SignedDelivery,
  type StripeTestServer,
} from '@learncraft/commerce/test/support/stripeServer';
import { startPlatform, type Platform } from './platform';

const SECRET_KEY = 'sk_test_gateway_e2e';
const WEBHOOK_SECRET = 'whsec_gateway_e2e';
const PAID_SLUG = 'advanced-typescript-types';

const CHECKOUT = /* GraphQL */ `
  mutation ($input: CheckoutCreateInput!) {
    checkoutCreate(input: $input) {
      order {
        id
        status
        payment {
          provider
          checkoutUrl
        }
      }
      userErrors {
        code
      }
    }
  }
`;
const ACCESS = `query ($slug: String!) { course(slug: $slug) { id price { amount } viewerAccess { reason } } }`;

describe('Stripe payments through the gateway', () => {
  let stripe: StripeTestServer;
  let platform: Platform;
  let learner: string;
  let learnerId: string;

  beforeAll(async () => {
    stripe = await startStripeTestServer({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET });
    platform = await startPlatform({
      commerceEnv: {
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: stripe.url,
      },
    });
    await platform.graphql(
      `mutation { userRegister(input: { email: "stripe-buyer@example.com", password: "a-long-test-password", displayName: "Stripe Buyer" }) { userErrors { code } } }`,
    );
    learner = await platform.login('stripe-buyer@example.com', 'a-long-test-password');
    const me = await platform.graphql(`{ me { id } }`, {}, learner);
    learnerId = me.data?.me.id;
  });
  afterAll(async () => {
    await platform?.close();
    await stripe?.close();
  });

  const webhook = (delivery: SignedDelivery, body: Buffer = delivery.body, url = platform.gateway.url) =>
    fetch(new URL('/webhooks/stripe', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...delivery.headers },
      body: new Uint8Array(body),
    });
  const count = async (sql: string, params: unknown[]) => {
    const [row] = await platform.databases.commerce.db.query<{ n: string | number }>(sql, params);
    return Number(row?.n);
  };

  async function pricedCourseId(): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const view = await platform.graphql(ACCESS, { slug: PAID_SLUG }, learner);
      if (view.data?.course.price) return view.data.course.id;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the demo price was never seeded');
  }

  it('pays a hosted checkout once from ten concurrent deliveries of the same event', async () => {
    const courseId = await pricedCourseId();
    const created = await platform.graphql(
      CHECKOUT,
      {
        input: {
          items: [{ courseId }],
          idempotencyKey: randomUUID(),
          payment: { returnUrl: 'http://127.0.0.1:4000/checkout/return' },
        },
      },
      learner,
    );
    const order = created.data?.checkoutCreate.order;
    expect(created.data?.checkoutCreate.userErrors).toEqual([]);
    expect(order.status).toBe('PENDING');
    expect(order.payment.provider).toBe('STRIPE');
    const session = [...stripe.sessions.values()].find(
      (candidate) => candidate.client_reference_id === order.id,
    )!;
    expect(order.payment.checkoutUrl).toBe(session.url);
    expect(
      (await platform.graphql(ACCESS, { slug: PAID_SLUG }, learner)).data?.course.viewerAccess.reason,
    ).toBe('PAYMENT_REQUIRED');

    const stale = stripe.completeSession(session.id, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect((await webhook(stale)).status).toBe(400);
    const delivery = stripe.completeSession(session.id);
    const tampered = Buffer.from(delivery.body.toString('utf8').replace(session.id, `${session.id}x`));
    expect((await webhook(delivery, tampered)).status).toBe(400);
    const unsigned = await fetch(new URL('/webhooks/stripe', platform.gateway.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array(delivery.body),
    });
    expect(unsigned.status).toBe(400);
    // Straight to the subgraph, without the gateway's credential: refused before the signature.
    expect((await webhook(delivery, delivery.body, platform.commerce.url)).status).toBe(401);
    expect(
      await count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learnerId]),
    ).toBe(0);

    const answers = await Promise.all(Array.from({ length: 10 }, () => webhook(delivery)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(
      await count('SELECT count(*) AS n FROM commerce.entitlements WHERE user_id = $1', [learnerId]),
    ).toBe(1);
    expect(
      await count(
        `SELECT count(*) AS n FROM commerce.outbox WHERE topic = 'entitlement.changed' AND payload->>'userId' = $1`,
        [learnerId],
      ),
    ).toBe(1);
    const after = await platform.graphql(
      `query ($id: ID!) { order(id: $id) { status paidAt receipt { number } } }`,
      { id: order.id },
      learner,
    );
    expect(after.data?.order).toMatchObject({
      status: 'PAID',
      receipt: { number: expect.stringMatching(/^LC-R-/) },
    });
    expect(
      (await platform.graphql(ACCESS, { slug: PAID_SLUG }, learner)).data?.course.viewerAccess.reason,
    ).toBe('PURCHASED');
  });
});
