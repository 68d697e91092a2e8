/**
 * A payment provider that answers every charge with a hosted-checkout redirect, as Stripe does,
 * so orders stay PENDING until a test delivers the outcome event itself.
 */
import type { ChargeRequest, PaymentProvider, RefundRequest } from '../../src/providers/types';

export function redirectProvider(): PaymentProvider & { charges: ChargeRequest[]; refunds: RefundRequest[] } {
  const charges: ChargeRequest[] = [];
  const refunds: RefundRequest[] = [];
  return {
    kind: 'STRIPE',
    charges,
    refunds,
    charge(request) {
      charges.push(request);
      return Promise.resolve({
        kind: 'redirect',
        paymentId: `cs_test_${charges.length}`,
        checkoutUrl: `https://checkout.example/${request.orderId}`,
      });
    },
    refund(request) {
      refunds.push(request);
      return Promise.resolve({ refundId: `re_${refunds.length}` });
    },
    parseWebhook: () => null,
  };
}
