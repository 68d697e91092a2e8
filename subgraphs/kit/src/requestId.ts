/**
 * One id per incoming request, carried through its async work (AsyncLocalStorage) into every log
 * line and, from the gateway, to the subgraphs in `x-request-id`. The gateway keeps a well-formed
 * id its client sent and makes one otherwise; a subgraph keeps the id only from the gateway.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Short, printable, no spaces or quotes: safe in a log line and a header. */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

const store = new AsyncLocalStorage<{ requestId: string }>();

/** The id of the request whose work is running now, if any. */
export function currentRequestId(): string | undefined {
  return store.getStore()?.requestId;
}

/** The id sent in `header` when it is well-formed, otherwise a new one. */
export function acceptRequestId(header: string | string[] | undefined): string {
  const sent = Array.isArray(header) ? header[0] : header;
  return sent && WELL_FORMED.test(sent) ? sent : randomUUID();
}

/**
 * Runs `work` as the request `req` (its id echoed in the response's `x-request-id`). `trusted`
 * says whether the sender's id may be kept: the gateway trusts clients' ids (they only label
 * logs), a subgraph trusts only the gateway's.
 */
export function runWithRequestId<T>(
  req: IncomingMessage,
  res: ServerResponse,
  trusted: boolean,
  work: () => T,
): T {
  const requestId = trusted ? acceptRequestId(req.headers[REQUEST_ID_HEADER]) : randomUUID();
  if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, requestId);
  return store.run({ requestId }, work);
}

/** The headers the gateway adds to a subgraph fetch so the subgraph logs the same request id. */
export function requestIdHeaders(): Record<string, string> {
  const requestId = currentRequestId();
  return requestId ? { [REQUEST_ID_HEADER]: requestId } : {};
}
