/**
 * The built-in test payment provider (embedded default): no network, no real money. A charge
 * settles or is declined at once, by the test card's number:
 * - 4242 4242 4242 4242 succeeds, as does any other number that passes checkCard;
 * - 4000 0000 0000 0002 is declined ("Your card was declined.");
 * - 4000 0000 0000 9995 is declined ("Your card has insufficient funds.").
 * - 4000 0000 0000 0341 succeeds, but a payment method saved from it declines every later charge.
 * A card checkCard refuses is declined with its message, before any payment exists (paymentId
 * null). A charge asked to save its card answers a payment method id that encodes how its later
 * charges (`chargeSaved`, a plan's renewals) end, `test_pm_ok_<uuid>` or `test_pm_decline_<uuid>`,
 * so no state is needed across restarts. Like Stripe, a repeated idempotency key returns the first call's result (remembered
 * for 24 hours, the most recent 10 000 keys; a refused call is not remembered). It has no webhook.
 */
import { randomUUID } from 'node:crypto';
import { checkCard } from '../domain/cards';
import { parseMoney } from '../domain/money';
import {
  type ChargeRequest,
  type ChargeResult,
  type PaymentProvider,
  PaymentProviderError,
  type RefundRequest,
  type RefundResult,
  type SavedChargeRequest,
  WebhookSignatureError,
} from './types';

const CARD_DECLINED = 'Your card was declined.';
const DECLINES: Record<string, string> = {
  '4000000000000002': CARD_DECLINED,
  '4000000000009995': 'Your card has insufficient funds.',
};
/** Cards that pay now but whose saved payment method declines later charges. */
const DECLINES_LATER = new Set(['4000000000000341']);
const SAVED_METHOD = /^test_pm_(ok|decline)_[0-9a-f-]{36}$/;

export interface TestPaymentProviderOptions {
  /** The clock a card's expiry is checked against. */
  now?: () => Date;
  /** How many idempotency keys are remembered (default 10 000); the oldest are forgotten first. */
  maxRememberedKeys?: number;
}

const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Results by idempotency key, bounded in count and age; insertion order is age order. */
class IdempotentResults<T> {
  private readonly results = new Map<string, { result: Promise<T>; at: number }>();

  constructor(
    private readonly maxKeys: number,
    private readonly now: () => Date,
  ) {}

  remember(key: string, run: () => T): Promise<T> {
    const at = this.now().getTime();
    const known = this.results.get(key);
    if (known && at - known.at < KEY_LIFETIME_MS) return known.result;
    this.results.delete(key);
    while (this.results.size >= this.maxKeys) {
      const oldest = this.results.keys().next().value;
      if (oldest === undefined) break;
      this.results.delete(oldest);
    }
    // The promise is kept, so a concurrent replay gets the same outcome. A refusal is not kept
    // (as Stripe saves no result for a request that failed validation): the caller may fix it.
    const result = new Promise<T>((resolve) => resolve(run()));
    this.results.set(key, { result, at });
    result.catch(() => {
      if (this.results.get(key)?.result === result) this.results.delete(key);
    });
    return result;
  }
}

function checkAmount(amount: ChargeRequest['amount']): void {
  const parsed = parseMoney(amount);
  if (!parsed.ok)
    throw new PaymentProviderError(`The test payment provider refused the amount: ${parsed.message}`, false);
}

export function createTestPaymentProvider(options: TestPaymentProviderOptions = {}): PaymentProvider {
  const now = options.now ?? (() => new Date());
  const maxKeys = options.maxRememberedKeys ?? 10_000;
  const charges = new IdempotentResults<ChargeResult>(maxKeys, now);
  const refunds = new IdempotentResults<RefundResult>(maxKeys, now);

  function settle(request: ChargeRequest): ChargeResult {
    if (!request.testCard) {
      throw new PaymentProviderError('The test payment provider needs a test card.', false);
    }
    checkAmount(request.amount);
    const card = checkCard(request.testCard, now());
    if (!card.ok) return { kind: 'declined', paymentId: null, reason: card.message };
    const paymentId = `test_pi_${randomUUID()}`;
    const decline = DECLINES[card.digits];
    if (decline) return { kind: 'declined', paymentId, reason: decline };
    if (!request.savePaymentMethod) return { kind: 'succeeded', paymentId, cardLast4: card.last4 };
    const outcome = DECLINES_LATER.has(card.digits) ? 'decline' : 'ok';
    return {
      kind: 'succeeded',
      paymentId,
      cardLast4: card.last4,
      paymentMethodId: `test_pm_${outcome}_${randomUUID()}`,
    };
  }

  function settleSaved(request: SavedChargeRequest): ChargeResult {
    const saved = SAVED_METHOD.exec(request.paymentMethodId);
    if (!saved) {
      throw new PaymentProviderError(
        `The test payment provider saved no payment method ${request.paymentMethodId}.`,
        false,
      );
    }
    checkAmount(request.amount);
    const paymentId = `test_pi_${randomUUID()}`;
    return saved[1] === 'ok'
      ? { kind: 'succeeded', paymentId, cardLast4: null }
      : { kind: 'declined', paymentId, reason: CARD_DECLINED };
  }

  function refund(request: RefundRequest): RefundResult {
    if (!request.paymentId.startsWith('test_pi_')) {
      throw new PaymentProviderError(
        `The test payment provider made no payment ${request.paymentId}.`,
        false,
      );
    }
    checkAmount(request.amount);
    return { refundId: `test_re_${randomUUID()}` };
  }

  return {
    kind: 'TEST',
    charge: (request) => charges.remember(request.idempotencyKey, () => settle(request)),
    chargeSaved: (request) => charges.remember(request.idempotencyKey, () => settleSaved(request)),
    refund: (request) => refunds.remember(request.idempotencyKey, () => refund(request)),
    parseWebhook() {
      throw new WebhookSignatureError('The test payment provider has no webhook.');
    },
  };
}
