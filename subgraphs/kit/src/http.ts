/**
 * Plain `node:http` plumbing shared by the gateway and the subgraphs: bounded body reading, JSON
 * replies, and an Apollo Server request handler (Apollo Server 5 ships no server integration).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from './errors';

export type HttpRoute = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<void> | void;

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`Request body exceeds ${limitBytes} bytes.`);
  }
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

export function sendGraphQLError(res: ServerResponse, status: number, code: ErrorCode, message: string) {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

export interface ApolloHandlerOptions<C extends BaseContext> {
  context: (req: IncomingMessage) => Promise<C>;
  maxBodyBytes: number;
}

/** Serves one Apollo Server over node:http (GET and POST, JSON bodies, incremental delivery). */
export function apolloHandler<C extends BaseContext>(
  server: ApolloServer<C>,
  options: ApolloHandlerOptions<C>,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: unknown;
    try {
      const raw = await readBody(req, options.maxBodyBytes);
      body = parseBody(raw, req.headers['content-type']);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendGraphQLError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, error.message);
      }
      return sendGraphQLError(res, 400, ErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON.');
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
      context: () => options.context(req).catch(withHttpStatus),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (
    contentType?.includes('application/json') ||
    contentType?.includes('application/graphql-response+json')
  ) {
    return JSON.parse(raw.toString('utf8'));
  }
  return raw.toString('utf8');
}

/** Authentication failures in context creation answer 401 instead of Apollo's default 500. */
function withHttpStatus(error: unknown): never {
  if (error instanceof GraphQLError && error.extensions.code === ErrorCode.UNAUTHENTICATED) {
    throw new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 401 } } });
  }
  throw error;
}
