/**
 * A local OpenAI-compatible server for tests and benchmarks: `POST /v1/chat/completions`
 * (streamed as server-sent events, or one JSON body) and `POST /v1/embeddings`, on 127.0.0.1 at a
 * random port. Each test scripts the next replies or faults; anything unscripted gets the default
 * reply. It records every request it received, and whether the client hung up before the reply
 * ended, so tests can assert what the adapter sent and that it aborted.
 *
 * It speaks only the subset of the API the adapter uses; the real `openai` client talks to it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedUsage {
  promptTokens: number;
  completionTokens: number;
}

/** A normal reply. */
export interface ReplyStep {
  kind: 'reply';
  /** The reply text; with `echo`, ignored. */
  text?: string;
  /** Reply with text derived from the request (see `echoText`) instead of `text`. */
  echo?: boolean;
  /** How the text is cut into stream chunks: 'word' (a word and its following space) or N characters. */
  chunking?: 'word' | number;
  /** Pause before each chunk (the first one too), in ms. */
  delayMs?: number;
  /** Pause before the first chunk instead of `delayMs` (time to first token), in ms. */
  firstDelayMs?: number;
  /** Usage to report; default: characters / 4 of prompt and reply. null: report none. */
  usage?: ScriptedUsage | null;
  /** finish_reason of the last chunk. */
  finishReason?: 'stop' | 'length';
}

export type FaultStep =
  /** HTTP 429 with an OpenAI-style error body, and `retry-after` when given. */
  | { kind: 'rateLimit'; retryAfterSeconds?: number }
  /** An HTTP error status (default 500) with an error body. */
  | { kind: 'httpError'; status?: number }
  /** Streams `text` (chunked like a reply), then an `error` data event, then ends. */
  | { kind: 'errorEvent'; text?: string; chunking?: 'word' | number }
  /** Streams `text`, then destroys the socket without finishing the response. */
  | { kind: 'reset'; text?: string; chunking?: 'word' | number }
  /** Streams `text`, then sends nothing for `stallMs` (default 30 s) before ending abruptly. */
  | { kind: 'stall'; text?: string; chunking?: 'word' | number; stallMs?: number }
  /** Streams `text`, then a data line that is not JSON. Non-streaming: a body that is not JSON. */
  | { kind: 'invalidJson'; text?: string };

export type ServerStep = ReplyStep | FaultStep;

export interface RecordedRequest {
  method: string;
  path: string;
  /** The `authorization` header as sent. */
  authorization: string | null;
  /** The parsed JSON body (null when it was not JSON). */
  body: ChatCompletionRequestBody | EmbeddingRequestBody | null;
  /** Resolves when the exchange ends: 'finished' when we ended the reply, 'aborted' when the client hung up first. */
  closed: Promise<'finished' | 'aborted'>;
}

export interface ChatCompletionRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

export interface EmbeddingRequestBody {
  model: string;
  input: string | string[];
  dimensions?: number;
  [key: string]: unknown;
}

export interface OpenAiTestServer {
  /** Base URL including `/v1`, as the `openai` client's `baseURL`. */
  url: string;
  /** Queues steps for the next chat completion requests, one step per request, in order. */
  script(...steps: ServerStep[]): void;
  /** Queues faults for the next embeddings requests: rateLimit, httpError, invalidJson, or stall (no answer for stallMs). */
  scriptEmbeddings(...steps: FaultStep[]): void;
  /** The reply for chat requests when nothing is scripted. Default: `{ kind: 'reply', echo: true }`. */
  setDefault(step: ServerStep): void;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Chat completion requests only, as their bodies. */
  chatRequests(): ChatCompletionRequestBody[];
  /** Closes open connections and stops listening. */
  close(): Promise<void>;
}

/** Dimensions of the embeddings when the request does not ask for a size. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 16;

/**
 * The echo reply: the last user message's final line (usually the question), cited as [1], so
 * end-to-end tests see a reply that depends on what they asked.
 */
export function echoText(body: ChatCompletionRequestBody): string {
  const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
  const lines = (lastUser?.content ?? '').trim().split('\n');
  const last = (lines[lines.length - 1] ?? '').slice(0, 200);
  return `Echo: ${last} [1]`;
}

/**
 * A deterministic embedding: hashed word counts folded into `dimensions` and normalised, so texts
 * sharing words are close — enough for retrieval tests to rank sensibly.
 */
export function testEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619);
    const index = (hash >>> 0) % dimensions;
    vector[index] = (vector[index] ?? 0) + 1;
  }
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}

function chunkText(text: string, chunking: 'word' | number = 'word'): string[] {
  if (text === '') return [];
  if (chunking === 'word') return text.match(/\S+\s*|\s+/g) ?? [text];
  const size = Math.max(1, chunking);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function errorBody(message: string, type: string, code: string | null) {
  return { error: { message, type, param: null, code } };
}

export async function startOpenAiTestServer(): Promise<OpenAiTestServer> {
  const chatQueue: ServerStep[] = [];
  const embeddingQueue: FaultStep[] = [];
  let defaultStep: ServerStep = { kind: 'reply', echo: true };
  const requests: RecordedRequest[] = [];
  let completionCounter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse, record: RecordedRequest) => {
    const raw = await readBody(req);
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = null;
    }
    if (req.url === '/v1/chat/completions' && req.method === 'POST') {
      const body = parsed as ChatCompletionRequestBody | null;
      record.body = body;
      if (!body || !Array.isArray(body.messages)) {
        sendJson(res, 400, errorBody('messages is required', 'invalid_request_error', null));
        return;
      }
      await chatCompletion(body, chatQueue.shift() ?? defaultStep, res);
      return;
    }
    if (req.url === '/v1/embeddings' && req.method === 'POST') {
      const body = parsed as EmbeddingRequestBody | null;
      record.body = body;
      const step = embeddingQueue.shift();
      if (step && faultResponse(step, res)) return;
      if (step?.kind === 'stall') {
        await holdOpen(res, step.stallMs);
        return;
      }
      if (!body || body.input === undefined) {
        sendJson(res, 400, errorBody('input is required', 'invalid_request_error', null));
        return;
      }
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      const dimensions = body.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
      sendJson(res, 200, {
        object: 'list',
        model: body.model,
        data: inputs.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: testEmbedding(text, dimensions),
        })),
        usage: {
          prompt_tokens: Math.ceil(inputs.join(' ').length / 4),
          total_tokens: Math.ceil(inputs.join(' ').length / 4),
        },
      });
      return;
    }
    sendJson(res, 404, errorBody('not found', 'invalid_request_error', null));
  };

  /** Answers the HTTP-level faults; false for the stream faults, which only chat handles. */
  const faultResponse = (step: ServerStep, res: ServerResponse): boolean => {
    if (step.kind === 'rateLimit') {
      const headers: Record<string, string> =
        step.retryAfterSeconds === undefined ? {} : { 'retry-after': String(step.retryAfterSeconds) };
      sendJson(
        res,
        429,
        errorBody('Rate limit reached for requests', 'requests', 'rate_limit_exceeded'),
        headers,
      );
      return true;
    }
    if (step.kind === 'httpError') {
      sendJson(res, step.status ?? 500, errorBody('The server had an error', 'server_error', null));
      return true;
    }
    if (step.kind === 'invalidJson') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "broken", ');
      return true;
    }
    return false;
  };

  const chatCompletion = async (body: ChatCompletionRequestBody, step: ServerStep, res: ServerResponse) => {
    const id = `chatcmpl-test-${++completionCounter}`;
    const created = Math.floor(Date.now() / 1000);
    const promptChars = body.messages.reduce((n, m) => n + String(m.content).length, 0);

    if (!body.stream) {
      if (faultResponse(step, res)) return;
      if (step.kind !== 'reply') {
        // Stream faults have no non-streaming form; the closest is a broken connection.
        res.socket?.destroy();
        return;
      }
      const text = step.echo ? echoText(body) : (step.text ?? '');
      const usage = step.usage === undefined ? defaultUsage(promptChars, text) : step.usage;
      if (step.delayMs) await sleep(step.delayMs);
      sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: text, refusal: null },
            finish_reason: step.finishReason ?? 'stop',
            logprobs: null,
          },
        ],
        ...(usage ? { usage: usageBody(usage) } : {}),
      });
      return;
    }

    if (faultResponse(step, res)) return;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
    const text =
      step.kind === 'reply' && step.echo ? echoText(body) : 'text' in step ? (step.text ?? '') : '';
    const chunking = 'chunking' in step ? step.chunking : undefined;
    const delayMs = step.kind === 'reply' ? (step.delayMs ?? 0) : 0;
    const firstDelayMs = step.kind === 'reply' ? (step.firstDelayMs ?? delayMs) : 0;

    for (const [index, piece] of chunkText(text, chunking).entries()) {
      const pause = index === 0 ? firstDelayMs : delayMs;
      if (pause > 0) await sleep(pause);
      if (res.destroyed) return;
      send(chunk(index === 0 ? { role: 'assistant', content: piece } : { content: piece }));
    }

    switch (step.kind) {
      case 'reply': {
        send(chunk({}, step.finishReason ?? 'stop'));
        const usage = step.usage === undefined ? defaultUsage(promptChars, text) : step.usage;
        if (usage && body.stream_options?.include_usage) {
          send({
            id,
            object: 'chat.completion.chunk',
            created,
            model: body.model,
            choices: [],
            usage: usageBody(usage),
          });
        }
        res.end('data: [DONE]\n\n');
        return;
      }
      case 'errorEvent':
        send({ error: { message: 'The model produced invalid content', type: 'server_error', code: null } });
        res.end();
        return;
      case 'reset':
        // Let the chunks already written leave first, so the client sees them before the reset.
        await new Promise<void>((resolve) => res.write('', () => resolve()));
        await sleep(20);
        res.socket?.destroy();
        return;
      case 'stall':
        await holdOpen(res, step.stallMs);
        return;
      case 'invalidJson':
        res.write('data: {"id": "broken", "choices": [\n\n');
        res.end();
        return;
      default:
        res.end();
    }
  };

  const server = createServer((req, res) => {
    let settle: (how: 'finished' | 'aborted') => void = () => {};
    const closed = new Promise<'finished' | 'aborted'>((resolve) => (settle = resolve));
    res.once('finish', () => settle('finished'));
    res.once('close', () => settle(res.writableFinished ? 'finished' : 'aborted'));
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authorization: req.headers.authorization ?? null,
      body: null,
      closed,
    };
    requests.push(record);
    handle(req, res, record).catch(() => res.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    script: (...steps) => chatQueue.push(...steps),
    scriptEmbeddings: (...steps) => embeddingQueue.push(...steps),
    setDefault: (step) => {
      defaultStep = step;
    },
    requests,
    chatRequests: () =>
      requests
        .filter((r) => r.path === '/v1/chat/completions' && r.body !== null)
        .map((r) => r.body as ChatCompletionRequestBody),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends nothing for `stallMs` (or until the client hangs up), then drops the connection. */
async function holdOpen(res: ServerResponse, stallMs = 30_000): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, stallMs);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  res.socket?.destroy();
}

function defaultUsage(promptChars: number, text: string): ScriptedUsage {
  return { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil(text.length / 4) };
}

function usageBody(usage: ScriptedUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}
