/**
 * The Stripe webhook route, `POST /webhooks/stripe`. The gateway proxies Stripe's public
 * deliveries here with its credential, so only the gateway may call it; the raw body (at most
 * 1 MB) is verified by the provider. Answers: 400 for a bad signature (Stripe does not retry),
 * 200 once the event is applied or ignored, 500 on an internal failure so Stripe delivers again.
 */
import { GATEWAY_HEADER, isGatewayCaller, sendJson, type HttpRoute, type Logger } from '@learncraft/kit';
import { WebhookSignatureError, type PaymentProvider } from './providers/types';
import type { PaymentService } from './services/payments';

export const STRIPE_WEBHOOK_ROUTE = 'POST /webhooks/stripe';
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookDeps {
  provider: PaymentProvider;
  payments: PaymentService;
  gatewaySecret: string;
  logger: Logger;
  now: () => Date;
}

export function webhookRoutes(deps: WebhookDeps): Record<string, HttpRoute> {
  return {
    [STRIPE_WEBHOOK_ROUTE]: async (req, res, body) => {
      if (!isGatewayCaller(req.headers[GATEWAY_HEADER], deps.gatewaySecret))
        return sendJson(res, 401, { error: 'unauthorized' });
      if (body.length > MAX_WEBHOOK_BYTES) return sendJson(res, 413, { error: 'PAYLOAD_TOO_LARGE' });
      let event;
      try {
        event = deps.provider.parseWebhook(body, req.headers, deps.now());
      } catch (error) {
        if (error instanceof WebhookSignatureError) return sendJson(res, 400, { error: 'INVALID_SIGNATURE' });
        deps.logger.error('webhook could not be read', { error });
        return sendJson(res, 500, { error: 'INTERNAL' });
      }
      if (!event) return sendJson(res, 200, { received: true, outcome: 'IGNORED' });
      try {
        const outcome = await deps.payments.confirm(event);
        sendJson(res, 200, { received: true, outcome });
      } catch (error) {
        deps.logger.error('webhook event could not be applied; Stripe will retry', {
          eventId: event.eventId,
          error,
        });
        sendJson(res, 500, { error: 'INTERNAL' });
      }
    },
  };
}
