import { createTestPaymentProvider } from '../src/providers/testProvider';
import { type ChargeRequest, PaymentProviderError, WebhookSignatureError } from '../src/providers/types';

const NOW = new Date('2026-06-15T12:00:00.000Z');
const card = (number: string) => ({ number, expiryMonth: 12, expiryYear: 2030, cvc: '123' });

function chargeRequest(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    orderId: 'order-1',
    orderNumber: 'LC-000001',
    amount: { amount: 4900, currency: 'USD' },
    lines: [{ title: 'TypeScript fundamentals', amount: { amount: 4900, currency: 'USD' } }],
    buyerEmail: 'learner@learncraft.dev',
    idempotencyKey: 'charge-order-1',
    testCard: card('4242 4242 4242 4242'),
    ...overrides,
  };
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('the test payment provider', () => {
  const provider = () => createTestPaymentProvider({ now: () => NOW });

  it('is of kind TEST', () => {
    expect(provider().kind).toBe('TEST');
  });

  it('settles a charge with 4242 4242 4242 4242 at once, with a test_pi_ payment id and the last four digits', async () => {
    const result = await provider().charge(chargeRequest());
    expect(result).toEqual({ kind: 'succeeded', paymentId: expect.any(String), cardLast4: '4242' });
    expect(result.kind === 'succeeded' && result.paymentId).toMatch(new RegExp(`^test_pi_${UUID}$`));
  });

  it('settles any other Luhn-valid card', async () => {
    expect(await provider().charge(chargeRequest({ testCard: card('5555-5555-5555-4444') }))).toMatchObject({
      kind: 'succeeded',
      cardLast4: '4444',
    });
  });

  it('declines 4000 0000 0000 0002 with "Your card was declined."', async () => {
    const result = await provider().charge(chargeRequest({ testCard: card('4000 0000 0000 0002') }));
    expect(result).toEqual({
      kind: 'declined',
      paymentId: expect.stringMatching(/^test_pi_/),
      reason: 'Your card was declined.',
    });
  });

  it('declines 4000 0000 0000 9995 with "Your card has insufficient funds."', async () => {
    expect(await provider().charge(chargeRequest({ testCard: card('4000000000009995') }))).toEqual({
      kind: 'declined',
      paymentId: expect.stringMatching(/^test_pi_/),
      reason: 'Your card has insufficient funds.',
    });
  });

  it('declines a card checkCard refuses with its message, before any payment exists', async () => {
    expect(await provider().charge(chargeRequest({ testCard: card('4242 4242 4242 4241') }))).toEqual({
      kind: 'declined',
      paymentId: null,
      reason: 'The card number is not valid.',
    });
    expect(
      await provider().charge(chargeRequest({ testCard: { ...card('4242424242424242'), expiryYear: 2025 } })),
    ).toEqual({ kind: 'declined', paymentId: null, reason: 'The card has expired.' });
  });

  it('checks the expiry against its clock', async () => {
    const later = createTestPaymentProvider({ now: () => new Date('2031-01-01T00:00:00.000Z') });
    expect(await later.charge(chargeRequest())).toEqual({
      kind: 'declined',
      paymentId: null,
      reason: 'The card has expired.',
    });
  });

  it('refuses a charge without a test card as a non-retryable PaymentProviderError', async () => {
    const charging = provider().charge(chargeRequest({ testCard: undefined }));
    await expect(charging).rejects.toEqual(
      new PaymentProviderError('The test payment provider needs a test card.', false),
    );
    await expect(charging).rejects.toMatchObject({ retryable: false, name: 'PaymentProviderError' });
  });

  it('refuses an amount that is not positive whole minor units', async () => {
    await expect(
      provider().charge(chargeRequest({ amount: { amount: 0, currency: 'USD' } })),
    ).rejects.toMatchObject({
      retryable: false,
      message:
        'The test payment provider refused the amount: The amount must be a whole number of minor units from 1 to 99999999.',
    });
  });

  it('answers a repeated idempotency key with the first result, and a new key with a new payment', async () => {
    const testProvider = provider();
    const first = await testProvider.charge(chargeRequest());
    const replay = await testProvider.charge(chargeRequest({ testCard: card('4000 0000 0000 0002') }));
    const concurrent = await Promise.all(
      [1, 2].map(() => testProvider.charge(chargeRequest({ idempotencyKey: 'k2' }))),
    );
    const other = await testProvider.charge(chargeRequest({ idempotencyKey: 'charge-order-2' }));
    expect(replay).toEqual(first);
    expect(concurrent[0]).toEqual(concurrent[1]);
    expect(
      other.kind === 'succeeded' && first.kind === 'succeeded' && other.paymentId !== first.paymentId,
    ).toBe(true);
  });

  it('does not remember a refused call, so the same key may be used once the request is fixed', async () => {
    const testProvider = provider();
    await expect(testProvider.charge(chargeRequest({ testCard: undefined }))).rejects.toThrow(
      PaymentProviderError,
    );
    expect(await testProvider.charge(chargeRequest())).toMatchObject({ kind: 'succeeded' });
  });

  it('forgets the oldest keys beyond its bound, and keys older than a day', async () => {
    let now = NOW;
    const testProvider = createTestPaymentProvider({ now: () => now, maxRememberedKeys: 2 });
    const first = await testProvider.charge(chargeRequest({ idempotencyKey: 'a' }));
    await testProvider.charge(chargeRequest({ idempotencyKey: 'b' }));
    await testProvider.charge(chargeRequest({ idempotencyKey: 'c' }));
    expect(await testProvider.charge(chargeRequest({ idempotencyKey: 'a' }))).not.toEqual(first);
    const remembered = await testProvider.charge(chargeRequest({ idempotencyKey: 'd' }));
    now = new Date(NOW.getTime() + 24 * 60 * 60 * 1000 - 1);
    expect(await testProvider.charge(chargeRequest({ idempotencyKey: 'd' }))).toEqual(remembered);
    now = new Date(NOW.getTime() + 24 * 60 * 60 * 1000);
    expect(await testProvider.charge(chargeRequest({ idempotencyKey: 'd' }))).not.toEqual(remembered);
  });

  it('refunds a test payment with a test_re_ refund id, the same one for a repeated key', async () => {
    const testProvider = provider();
    const request = {
      paymentId: 'test_pi_1',
      amount: { amount: 4900, currency: 'USD' },
      reason: 'Changed my mind',
      idempotencyKey: 'refund-1',
    };
    const refund = await testProvider.refund(request);
    expect(refund.refundId).toMatch(new RegExp(`^test_re_${UUID}$`));
    expect(await testProvider.refund(request)).toEqual(refund);
    expect(await testProvider.refund({ ...request, idempotencyKey: 'refund-2' })).not.toEqual(refund);
  });

  it('refuses to refund a payment it did not make', async () => {
    await expect(
      provider().refund({
        paymentId: 'pi_live_1',
        amount: { amount: 100, currency: 'USD' },
        reason: '',
        idempotencyKey: 'r',
      }),
    ).rejects.toEqual(
      new PaymentProviderError('The test payment provider made no payment pi_live_1.', false),
    );
  });

  it('has no webhook: parseWebhook throws WebhookSignatureError', () => {
    expect(() => provider().parseWebhook(Buffer.from('{}'), {}, NOW)).toThrow(
      new WebhookSignatureError('The test payment provider has no webhook.'),
    );
  });
});
