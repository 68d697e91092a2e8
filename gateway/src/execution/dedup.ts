/**
 * In-flight deduplication of public queries (opt-in: DEDUPLICATE_IN_FLIGHT). When a request
 * carries no credential (no `Authorization`, no cookie) and an identical query — same document,
 * operation name, variables, extensions and answer-shaping headers — is already executing, it
 * waits for that execution and is sent the same serialized answer instead of executing again: a
 * burst of identical catalog reads costs the subgraphs one execution.
 *
 * Only answers that are the same for every caller are shared: queries (never mutations or
 * subscriptions), not `rateLimit` (its figures are the caller's own), and only a complete 200
 * answer (a refusal, say a rate-limit 429, is the leader's own; the others then execute
 * themselves). A request that shared an answer was never executed, so it is not charged against
 * the rate limit and is not sent the leader's rate-limit headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import { Kind, OperationTypeNode, parse, type DocumentNode } from 'graphql';
import { BodyTooLargeError, ErrorCode, readBody, sendGraphQLError } from '@learncraft/kit';

/** Request headers that can change an answer, so they are part of the key. */
const KEY_HEADERS = [
  'accept',
  'content-type',
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-require-preflight',
  'x-apollo-operation-name',
] as const;

/** Documents whose "is this a shareable query" verdict is remembered (their texts repeat). */
const MAX_REMEMBERED_DOCUMENTS = 1_000;

/** An answer every waiting caller is sent as-is. */
interface SharedAnswer {
  contentType: string | undefined;
  body: string;
}

export interface DedupHandlerOptions<C extends BaseContext> {
  server: ApolloServer<C>;
  context: (req: IncomingMessage) => Promise<C>;
  maxBodyBytes: number;
  /** Serves every request that cannot be shared (credentials, not JSON, not POST). */
  fallback: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Called once per request that was sent another request's answer. */
  onShared?: () => void;
}

/** `/graphql` with in-flight deduplication of credential-free queries in front of Apollo Server. */
export function dedupingHandler<C extends BaseContext>(options: DedupHandlerOptions<C>) {
  const inFlight = new Map<string, Promise<SharedAnswer | null>>();
  const shareable = new Map<string, boolean>();

  const isShareableQuery = (query: string, operationName: string | undefined): boolean => {
    const cacheKey = `${operationName ?? ''}\n${query}`;
    let verdict = shareable.get(cacheKey);
    if (verdict === undefined) {
      verdict = shareableOperation(query, operationName);
      if (shareable.size >= MAX_REMEMBERED_DOCUMENTS) shareable.clear();
      shareable.set(cacheKey, verdict);
    }
    return verdict;
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!credentialFree(req)) return options.fallback(req, res);
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, options.maxBodyBytes)).toString('utf8'));
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return sendGraphQLError(res, 413, ErrorCode.PAYLOAD_TOO_LARGE, error.message);
      return sendGraphQLError(res, 400, ErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON.');
    }
    const execute = () => executeRequest(options, req, body);
    const key = keyOf(req, body, isShareableQuery);
    if (key === null) return writeResponse(res, await execute());

    const pending = inFlight.get(key);
    if (pending) {
      const shared = await pending;
      if (shared) {
        options.onShared?.();
        res.writeHead(200, shared.contentType ? { 'content-type': shared.contentType } : {});
        return void res.end(shared.body);
      }
      return writeResponse(res, await execute());
    }
    const response = execute();
    const answer = response.then(toShared, () => null);
    inFlight.set(key, answer);
    void answer.finally(() => {
      if (inFlight.get(key) === answer) inFlight.delete(key);
    });
    await writeResponse(res, await response);
  };
}

/** A shareable request's key; null when it must execute on its own. */
function keyOf(
  req: IncomingMessage,
  body: unknown,
  isShareableQuery: (query: string, operationName: string | undefined) => boolean,
): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { query, operationName, variables, extensions } = body as Record<string, unknown>;
  if (typeof query !== 'string') return null;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return null;
  if (!isShareableQuery(query, operationName ?? undefined)) return null;
  return JSON.stringify([
    query,
    operationName ?? null,
    variables ?? null,
    extensions ?? null,
    KEY_HEADERS.map((name) => req.headers[name] ?? null),
  ]);
}

/** A query that is the same for every caller: not a mutation or subscription, not `rateLimit`. */
export function shareableOperation(query: string, operationName: string | undefined): boolean {
  // Per-caller figures; a textual check is enough to keep them out (a false "no" only costs sharing).
  if (query.includes('rateLimit')) return false;
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return false; // Apollo answers the syntax error to each caller
  }
  const operations = document.definitions.filter(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation =
    operationName === undefined
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((definition) => definition.name?.value === operationName);
  return operation?.operation === OperationTypeNode.QUERY;
}

/** No credential of any kind: the answer cannot depend on who asks. */
function credentialFree(req: IncomingMessage): boolean {
  return (
    req.method === 'POST' &&
    req.headers.authorization === undefined &&
    req.headers.cookie === undefined &&
    (req.headers['content-type'] ?? '').includes('application/json')
  );
}

function executeRequest<C extends BaseContext>(
  options: DedupHandlerOptions<C>,
  req: IncomingMessage,
  body: unknown,
): Promise<HTTPGraphQLResponse> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  return options.server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: url.search, body },
    context: () => options.context(req),
  });
}

function toShared(response: HTTPGraphQLResponse): SharedAnswer | null {
  if ((response.status ?? 200) !== 200 || response.body.kind !== 'complete') return null;
  return { contentType: response.headers.get('content-type'), body: response.body.string };
}

async function writeResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') return void res.end(response.body.string);
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
