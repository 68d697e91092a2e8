/**
 * Payment webhooks through the gateway: only the gateway faces the internet, so Stripe posts to
 * the gateway's `/webhooks/stripe` and the gateway relays the raw body, byte for byte (the
 * signature is over those bytes), with Stripe's signature header and the gateway's credential to
 * the commerce subgraph's route of the same path. Commerce verifies the signature and answers;
 * its status (2xx, 400 for an untrusted delivery, 5xx so Stripe retries) goes back unchanged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, GATEWAY_HEADER, readBody, sendJson, type Logger } from '@learncraft/kit';

export const WEBHOOK_PATHS = ['/webhooks/stripe'] as const;

/** Stripe's events are a few KiB; a megabyte leaves room and bounds the work. */
const MAX_WEBHOOK_BYTES = 1024 * 1024;
const RELAYED_HEADERS = ['content-type', 'stripe-signature'] as const;

export interface WebhookProxyOptions {
  /** The commerce subgraph's GraphQL URL (http://host:port/graphql). */
  commerceUrl: string;
  gatewaySecret: string;
  logger: Logger;
  timeoutMs: number;
}

export function webhookProxy(options: WebhookProxyOptions) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'Use POST.' }, { allow: 'POST' });
    let body: Buffer;
    try {
      body = await readBody(req, MAX_WEBHOOK_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJson(res, 413, { error: error.message });
      throw error;
    }
    const target = new URL(path, options.commerceUrl);
    const headers: Record<string, string> = { [GATEWAY_HEADER]: options.gatewaySecret };
    for (const name of RELAYED_HEADERS) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let upstream: Response;
    try {
      upstream = await fetch(target, {
        method: 'POST',
        headers,
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      options.logger.warn('webhook relay failed', { path, reason: String(error) });
      // 503: the provider retries the delivery later.
      return sendJson(res, 503, { error: 'Payments are unavailable; retry later.' });
    }
    const text = await upstream.text();
    res.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json; charset=utf-8',
    });
    res.end(text);
  };
}
