/**
 * Service-to-service calls between subgraphs (never exposed through the gateway): a shared secret
 * in `x-learncraft-internal`, compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';

export const INTERNAL_HEADER = 'x-learncraft-internal';

export function internalHeaders(secret: string): Record<string, string> {
  return { [INTERNAL_HEADER]: secret };
}

export function isInternalCaller(
  headerValue: string | string[] | undefined,
  secret: string | undefined,
): boolean {
  if (!secret || typeof headerValue !== 'string') return false;
  const given = Buffer.from(headerValue);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** GET/POST JSON to another subgraph's internal route; throws on any non-2xx answer. */
export async function internalFetch<T>(
  url: string,
  secret: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs?: number } = {},
): Promise<T> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...internalHeaders(secret) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 5_000),
  });
  if (!response.ok) throw new Error(`internal call ${url} failed with HTTP ${response.status}`);
  return (await response.json()) as T;
}
