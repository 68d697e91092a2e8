/**
 * The Stripe adapter, over the official `stripe` client: a charge is a hosted Checkout Session
 * (the buyer pays on Stripe's page and the outcome arrives by webhook), a refund is a Refund of
 * the PaymentIntent, and webhooks are verified with the endpoint's signing secret.
 *
 * Ids: ChargeResult.redirect carries the Checkout Session id; payment.succeeded carries the
 * PaymentIntent id (what refunds use); payment.failed and payment.expired carry the session id,
 * which is what the service stored at the redirect. Every event names its order through the
 * session's `client_reference_id` (or `metadata.orderId`).
 */
import Stripe from 'stripe';
import { spreadAmount } from '../domain/pricing';
import {
  type ChargeRequest,
  type PaymentEvent,
  type PaymentProvider,
  PaymentProviderError,
  type RefundRequest,
  WebhookSignatureError,
} from './types';

export interface StripePaymentProviderOptions {
  secretKey: string;
  /** The webhook endpoint's signing secret (`whsec_...`). */
  webhookSecret: string;
  /** Another API origin, e.g. http://127.0.0.1:12111 for a local test server. Default: Stripe's. */
  apiUrl?: string;
  /** Per request, in ms (default 20 000). */
  timeoutMs?: number;
  /**
   * How long the hosted checkout stays open: 45 to 1440 minutes, default 60 (Stripe takes 30
   * to 1440; the expiry is counted from the quarter hour, see checkoutExpiry).
   */
  checkoutExpiryMinutes?: number;
  /** The clock for the checkout's expiry. */
  now?: () => Date;
}

/**
 * The checkout's expiry is counted from the start of the current quarter hour, not from the
 * very second: Stripe compares a replayed idempotency key's parameters, so a retry of the same
 * charge minutes later must send the same `expires_at` (it stays 45 to 60 minutes ahead).
 */
const EXPIRY_STEP_SECONDS = 15 * 60;

function checkoutExpiry(now: Date, minutes: number): number {
  const seconds = Math.floor(now.getTime() / 1000);
  return seconds - (seconds % EXPIRY_STEP_SECONDS) + minutes * 60;
}

/** Seconds a webhook's signed timestamp may be away from `now`, either way. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

function connection(apiUrl: string | undefined): Pick<Stripe.StripeConfig, 'host' | 'port' | 'protocol'> {
  if (!apiUrl) return {};
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

/** Stripe's errors as the port's: worth retrying when Stripe was unreachable, failing, or throttling. */
function providerError(error: unknown): PaymentProviderError {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 0;
    const retryable =
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeRateLimitError ||
      status === 429 ||
      status >= 500;
    return new PaymentProviderError(`Stripe refused the request: ${error.message}`, retryable);
  }
  return new PaymentProviderError(`The call to Stripe failed: ${String(error)}`, false);
}

async function calling<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw providerError(error);
  }
}

function withOrder(returnUrl: string, orderId: string): string {
  const url = new URL(returnUrl);
  url.searchParams.set('order', orderId);
  return url.toString();
}

/**
 * One Checkout line per order line. When the lines do not add up to the amount (they are list
 * prices and a coupon applies), each is sent at its share of the amount, so the session charges
 * exactly the order's total. A team plan line goes as its seats at the price per seat when that
 * is a whole number of cents.
 */
function checkoutLines(request: ChargeRequest): Stripe.Checkout.SessionCreateParams.LineItem[] {
  const lines = request.lines.length
    ? request.lines
    : [{ title: `Order ${request.orderNumber}`, amount: request.amount }];
  const listed = lines.reduce((sum, line) => sum + line.amount.amount, 0);
  const amounts =
    listed === request.amount.amount
      ? lines.map((line) => line.amount.amount)
      : spreadAmount(
          request.amount.amount,
          lines.map((line) => line.amount.amount),
        );
  return lines.map((line, i) => {
    const amount = amounts[i] ?? 0;
    const quantity = 'quantity' in line && line.quantity ? line.quantity : 1;
    // Seats go as a quantity at the price per seat when the line's amount divides evenly (no
    // coupon, or one that leaves whole cents per seat); otherwise as one line of the whole amount,
    // so the session still charges exactly the order's total.
    const perUnit = quantity > 1 && amount % quantity === 0;
    return {
      quantity: perUnit ? quantity : 1,
      price_data: {
        currency: request.amount.currency.toLowerCase(),
        unit_amount: perUnit ? amount / quantity : amount,
        product_data: { name: line.title },
      },
    };
  });
}

function orderOf(session: Stripe.Checkout.Session): string | null {
  return session.client_reference_id ?? session.metadata?.orderId ?? null;
}

function idOf(value: string | { id: string } | null): string | null {
  return typeof value === 'string' ? value : (value?.id ?? null);
}

/** The card's last four digits, when the event carries the PaymentIntent and its charge expanded. */
function cardLast4(session: Stripe.Checkout.Session): string | null {
  const intent = session.payment_intent;
  if (!intent || typeof intent === 'string') return null;
  const charge = intent.latest_charge;
  if (!charge || typeof charge === 'string') return null;
  return charge.payment_method_details?.card?.last4 ?? null;
}

function signedTimestamp(header: string): number | null {
  const part = header.split(',').find((item) => item.trim().startsWith('t='));
  const seconds = Number(part?.trim().slice(2));
  return part && Number.isInteger(seconds) ? seconds : null;
}

function toPaymentEvent(event: Stripe.Event): PaymentEvent | null {
  const occurredAt = new Date(event.created * 1000);
  const eventId = event.id;
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const session = event.data.object;
      const orderId = orderOf(session);
      const paymentId = idOf(session.payment_intent);
      if (session.payment_status !== 'paid' || !orderId || !paymentId) return null;
      const amount = { amount: session.amount_total ?? 0, currency: (session.currency ?? '').toUpperCase() };
      return {
        type: 'payment.succeeded',
        eventId,
        paymentId,
        orderId,
        amount,
        cardLast4: cardLast4(session),
        occurredAt,
      };
    }
    case 'checkout.session.async_payment_failed': {
      const orderId = orderOf(event.data.object);
      if (!orderId) return null;
      const reason = 'The payment failed.';
      return {
        type: 'payment.failed',
        eventId,
        paymentId: event.data.object.id,
        orderId,
        reason,
        occurredAt,
      };
    }
    case 'checkout.session.expired': {
      const orderId = orderOf(event.data.object);
      if (!orderId) return null;
      return { type: 'payment.expired', eventId, paymentId: event.data.object.id, orderId, occurredAt };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const paymentId = idOf(charge.payment_intent);
      // Stripe lists refunds newest first; without the list there is nothing to name (the service
      // recorded the refund when refunds.create answered).
      const refundId = charge.refunds?.data[0]?.id;
      if (!paymentId || !refundId) return null;
      return { type: 'refund.succeeded', eventId, paymentId, refundId, occurredAt };
    }
    default:
      return null;
  }
}

export function createStripePaymentProvider(options: StripePaymentProviderOptions): PaymentProvider {
  const now = options.now ?? (() => new Date());
  const expiryMinutes = Math.min(Math.max(options.checkoutExpiryMinutes ?? 60, 45), 1440);
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    ...connection(options.apiUrl),
  });

  return {
    kind: 'STRIPE',

    async charge(request) {
      if (request.testCard) {
        throw new PaymentProviderError(
          'Stripe takes the card on its own page; a test card cannot be sent.',
          false,
        );
      }
      if (!request.returnUrl) {
        throw new PaymentProviderError(
          'A Stripe checkout needs a returnUrl to send the buyer back to.',
          false,
        );
      }
      const returnUrl = withOrder(request.returnUrl, request.orderId);
      const session = await calling(() =>
        stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: checkoutLines(request),
            client_reference_id: request.orderId,
            metadata: { orderId: request.orderId, orderNumber: request.orderNumber },
            customer_email: request.buyerEmail,
            success_url: returnUrl,
            cancel_url: returnUrl,
            expires_at: checkoutExpiry(now(), expiryMinutes),
          },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      if (!session.url) throw new PaymentProviderError(`Stripe gave checkout ${session.id} no URL.`, false);
      return { kind: 'redirect', paymentId: session.id, checkoutUrl: session.url };
    },

    async refund(request: RefundRequest) {
      const refund = await calling(() =>
        stripe.refunds.create(
          {
            payment_intent: request.paymentId,
            amount: request.amount.amount,
            reason: 'requested_by_customer',
            metadata: { reason: request.reason.slice(0, 500) },
          },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      return { refundId: refund.id };
    },

    parseWebhook(rawBody, headers, at) {
      // node:http gives header names lower case; a hand-built record may not.
      const name = Object.keys(headers).find((key) => key.toLowerCase() === 'stripe-signature');
      const header = name === undefined ? undefined : headers[name];
      if (typeof header !== 'string' || header === '') {
        throw new WebhookSignatureError('The webhook has no Stripe-Signature header.');
      }
      // The SDK refuses an old timestamp; one from the future is refused here too.
      const timestamp = signedTimestamp(header);
      if (timestamp !== null && timestamp - at.getTime() / 1000 > WEBHOOK_TOLERANCE_SECONDS) {
        throw new WebhookSignatureError('The webhook is signed with a timestamp in the future.');
      }
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(
          rawBody,
          header,
          options.webhookSecret,
          WEBHOOK_TOLERANCE_SECONDS,
          undefined,
          at.getTime(),
        );
      } catch (error) {
        const reason =
          error instanceof Stripe.errors.StripeSignatureVerificationError
            ? error.message
            : 'not a Stripe event';
        throw new WebhookSignatureError(`The webhook cannot be trusted: ${reason}`);
      }
      return toPaymentEvent(event);
    },
  };
}
