/**
 * One webhook POST: to the address checked just before (pinned with a custom `lookup`, so DNS
 * cannot change under it), never following redirects, ended after `timeoutMs` whatever stage it
 * is in, reading at most 4 KiB of the answer.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { pinnedLookup } from './webhookAddresses';

export const RESPONSE_BODY_LIMIT = 4_096;

export interface SendResult {
  /** The HTTP status; null when no answer came. */
  status: number | null;
  /** Up to RESPONSE_BODY_LIMIT bytes of the answer, as text. */
  body: string;
  /** Why no usable answer came (timed out, refused); null when a status arrived. */
  error: string | null;
}

export function postWebhook(options: {
  url: string;
  address: LookupAddress;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}): Promise<SendResult> {
  const url = new URL(options.url);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let status: number | null = null;
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({
        status,
        body: Buffer.concat(chunks).toString('utf8'),
        error: status === null ? error : null,
      });
    };
    const req = request(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
      lookup: pinnedLookup(options.address),
      agent: false,
    });
    const timer = setTimeout(() => finish(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    req.on('response', (response: IncomingMessage) => {
      status = response.statusCode ?? null;
      response.on('data', (chunk: Buffer) => {
        const room = RESPONSE_BODY_LIMIT - received;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        received += chunk.length;
        if (received >= RESPONSE_BODY_LIMIT) finish(null);
      });
      response.on('end', () => finish(null));
      response.on('error', () => finish(null));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish(error.code ? `${error.code}: ${error.message}` : error.message),
    );
    req.end(options.body);
  });
}
