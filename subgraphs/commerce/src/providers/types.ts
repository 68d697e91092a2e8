/**
 * The PaymentProvider port: charges and refunds through a payment service, and its webhook
 * events. Adapters: the built-in test provider (embedded default: test card numbers, settles at
 * once) and Stripe over its HTTPS API (a hosted Checkout Session, settled by Stripe's webhook).
 * Amounts are integer minor units; an adapter never sees a float.
 */
import type { Money } from '../domain/money';

export type ProviderKind = 'TEST' | 'STRIPE';

/** A card typed into the test provider's form. Never stored; only its last four digits are. */
export interface TestCard {
  number: string;
  expiryMonth: number;
  expiryYear: number;
  cvc: string;
}

export interface ChargeRequest {
  orderId: string;
  orderNumber: string;
  /** What to charge: the order's total, positive. */
  amount: Money;
  /**
   * One entry per order line, for the provider's receipt and hosted page: `amount` is the line's
   * total; `quantity` the seats of a team plan line (absent: 1).
   */
  lines: { title: string; amount: Money; quantity?: number }[];
  buyerEmail: string;
  /**
   * Sent to the provider as its idempotency key (Stripe's `Idempotency-Key`), derived from the
   * order, so a retried charge of one order is one charge at the provider too.
   */
  idempotencyKey: string;
  /** Test provider: the card (required). Stripe: must be absent. */
  testCard?: TestCard;
  /** Stripe: where the hosted checkout returns the buyer to (success and cancel). */
  returnUrl?: string;
  /**
   * Keep the card for later charges (a plan's renewals): a success then carries its
   * `paymentMethodId`. Only the test provider saves one; Stripe sells a plan as one period.
   */
  savePaymentMethod?: boolean;
}

/** A charge of a saved payment method, without the buyer (a plan's renewal). */
export interface SavedChargeRequest {
  /** A ChargeResult's `paymentMethodId`. */
  paymentMethodId: string;
  amount: Money;
  /** Sent to the provider as its idempotency key: a retried renewal is one charge. */
  idempotencyKey: string;
  /** What the charge is for, e.g. "All-access monthly, LC-000042". */
  description: string;
}

export type ChargeResult =
  /** Settled now (test provider). */
  | {
      kind: 'succeeded';
      paymentId: string;
      cardLast4: string | null;
      /** The saved payment method, when the request asked to save one. */
      paymentMethodId?: string;
    }
  /** Refused now (test provider); nothing was charged. */
  | { kind: 'declined'; paymentId: string | null; reason: string }
  /** Send the buyer to `checkoutUrl`; the outcome arrives as a webhook event (Stripe). */
  | { kind: 'redirect'; paymentId: string; checkoutUrl: string };

export interface RefundRequest {
  /** The provider's id of the successful payment (ChargeResult.paymentId or the event's). */
  paymentId: string;
  amount: Money;
  reason: string;
  /** Sent to the provider as its idempotency key. */
  idempotencyKey: string;
}

export interface RefundResult {
  refundId: string;
}

/** A provider event the service acts on. Events of other types are ignored (parseWebhook: null). */
export type PaymentEvent =
  | {
      type: 'payment.succeeded';
      /** The provider's event id; a redelivery carries the same one. */
      eventId: string;
      paymentId: string;
      orderId: string;
      /** The amount the provider settled, checked against the order's total. */
      amount: Money;
      cardLast4: string | null;
      /** A payment method saved by the charge (test provider, plans): what renewals charge. */
      paymentMethodId?: string | null;
      occurredAt: Date;
    }
  | {
      type: 'payment.failed';
      eventId: string;
      paymentId: string;
      orderId: string;
      reason: string;
      occurredAt: Date;
    }
  | { type: 'payment.expired'; eventId: string; paymentId: string; orderId: string; occurredAt: Date }
  | { type: 'refund.succeeded'; eventId: string; paymentId: string; refundId: string; occurredAt: Date };

/** The webhook's signature is missing, wrong, or outside the timestamp tolerance. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

/** The provider refused a call or did not answer; `retryable` when trying again may help. */
export class PaymentProviderError extends Error {
  override readonly name = 'PaymentProviderError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface PaymentProvider {
  readonly kind: ProviderKind;
  /** May throw PaymentProviderError; declines are results, not errors. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /**
   * Charges a saved payment method at once (succeeded or declined, never a redirect). Absent:
   * the provider saves none, and plans do not renew. May throw PaymentProviderError.
   */
  chargeSaved?(request: SavedChargeRequest): Promise<ChargeResult>;
  /** May throw PaymentProviderError. */
  refund(request: RefundRequest): Promise<RefundResult>;
  /**
   * Verifies a webhook delivery (signature over the raw body, timestamp within 5 minutes of
   * `now`) and maps it to an event; null for event types the service does not act on. Throws
   * WebhookSignatureError when it cannot be trusted. The test provider has no webhook: it throws.
   */
  parseWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
    now: Date,
  ): PaymentEvent | null;
}
