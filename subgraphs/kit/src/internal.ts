/**
 * Service credentials. Subgraphs trust no network position, loopback included:
 * - the gateway proves itself with a shared secret in `x-learncraft-gateway` on every operation
 *   (HTTP and the WebSocket upgrade), and forwards the client's address in
 *   `x-learncraft-client-address`, which a subgraph believes only next to that secret;
 * - sibling services and operator tooling (schema introspection, `_service`) use another secret in
 *   `x-learncraft-internal`, on routes the gateway never serves.
 * Both are compared in constant time and, on embedded defaults, generated into the data directory.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { z } from 'zod';
import { sendJson, type HttpRoute } from './http';
import type { Logger } from './logger';

export const INTERNAL_HEADER = 'x-learncraft-internal';
export const GATEWAY_HEADER = 'x-learncraft-gateway';
export const CLIENT_ADDRESS_HEADER = 'x-learncraft-client-address';

/** File names of the generated secrets inside the data directory. */
export const SECRET_FILES = { gateway: 'gateway-secret', internal: 'internal-api-secret' } as const;

/**
 * The configured secret, else the one generated into `<dataDir>/<file>` (created on first use,
 * mode 0600), so every process of one `npm start` shares it without configuration.
 */
export function secretFromDataDir(configured: string | undefined, dataDir: string, file: string): string {
  if (configured) return configured;
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Written aside and linked into place: readers never see a half-written file, and when two
    // processes of one start race, the first link wins and both read the same secret.
    const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('base64url'), { mode: 0o600 });
    try {
      linkSync(draft, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(draft);
    }
  }
  return readFileSync(path, 'utf8').trim();
}

export function gatewayHeaders(secret: string): Record<string, string> {
  return { [GATEWAY_HEADER]: secret };
}

export function isGatewayCaller(headerValue: string | string[] | undefined, secret: string): boolean {
  return isSecretMatch(headerValue, secret);
}

export function internalHeaders(secret: string): Record<string, string> {
  return { [INTERNAL_HEADER]: secret };
}

export function isInternalCaller(
  headerValue: string | string[] | undefined,
  secret: string | undefined,
): boolean {
  return isSecretMatch(headerValue, secret);
}

function isSecretMatch(headerValue: string | string[] | undefined, secret: string | undefined): boolean {
  if (!secret || typeof headerValue !== 'string') return false;
  const given = Buffer.from(headerValue);
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface InternalRequestInit {
  method?: 'GET' | 'POST';
  body?: unknown;
  timeoutMs?: number;
}

/**
 * GET/POST JSON to another subgraph's internal route and return the status with the parsed body
 * (null when the answer is not JSON), for callers whose outcome depends on the status (a 404 or
 * 409 with a reason). Throws only when no answer arrives (refused, timed out).
 */
export async function internalRequest(
  url: string,
  secret: string,
  init: InternalRequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json', ...internalHeaders(secret) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(init.timeoutMs ?? 5_000),
  });
  const body: unknown = await response.json().catch(() => null);
  return { status: response.status, body };
}

/** GET/POST JSON to another subgraph's internal route; throws on any non-2xx answer. */
export async function internalFetch<T>(
  url: string,
  secret: string,
  init: InternalRequestInit = {},
): Promise<T> {
  const { status, body } = await internalRequest(url, secret, init);
  if (status < 200 || status > 299) throw new Error(`internal call ${url} failed with HTTP ${status}`);
  return body as T;
}

/**
 * An internal route with a JSON body: 403 `{"error": "forbidden"}` without the internal secret;
 * 400 when the body is not JSON or fails `schema`, answered with `invalid()` or by default
 * `{"error": "BAD_REQUEST", "message": "The body must be <shape>."}`; otherwise `handle` with the
 * parsed body.
 */
export function internalJsonRoute<T>(
  options: { secret: string | undefined; schema: z.ZodType<T>; shape: string; invalid?: () => unknown },
  handle: (body: T, res: ServerResponse) => Promise<void>,
): HttpRoute {
  const invalid =
    options.invalid ?? (() => ({ error: 'BAD_REQUEST', message: `The body must be ${options.shape}.` }));
  return async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (!isInternalCaller(req.headers[INTERNAL_HEADER], options.secret))
      return sendJson(res, 403, { error: 'forbidden' });
    const parsed = options.schema.safeParse(parseJsonBody(body));
    if (!parsed.success) return sendJson(res, 400, invalid());
    await handle(parsed.data, res);
  };
}

/** The JSON value of a request body, or undefined when it is not JSON. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * One call to a sibling's internal JSON route: POST with the internal secret, HTTP 200 required,
 * the answer checked against a schema. Failures are plain Errors naming the service and route
 * (logged with the schema issues for a wrong shape); the calling service maps them.
 */
export interface InternalCallOptions {
  /** The sibling's name, for messages: `catalog`, `progress`, `identity`. */
  service: string;
  /** e.g. http://127.0.0.1:4002 */
  baseUrl: string;
  secret: string;
  logger: Logger;
  timeoutMs?: number;
}

export async function postInternal<T>(
  options: InternalCallOptions,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<T> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  let answer: { status: number; body: unknown };
  try {
    answer = await internalRequest(url, options.secret, {
      method: 'POST',
      body,
      timeoutMs: options.timeoutMs ?? 5_000,
    });
  } catch (error) {
    throw new Error(`${options.service} did not answer POST ${path}: ${String(error)}`);
  }
  if (answer.status !== 200)
    throw new Error(`${options.service} answered POST ${path} with HTTP ${answer.status}`);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success) {
    options.logger.error(`${options.service} answered an unexpected shape`, {
      path,
      issues: parsed.error.issues.slice(0, 5),
    });
    throw new Error(`${options.service} answered POST ${path} with an unexpected shape`);
  }
  return parsed.data;
}
