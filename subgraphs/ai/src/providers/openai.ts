/**
 * The tutor model and embedder for any OpenAI-compatible endpoint, through the `openai` package.
 * The client never retries on its own (`maxRetries: 0`): our own watchdog decides when a reply is
 * too slow (no first token, or a stall between chunks, beyond `timeoutMs`) and aborts the request,
 * and a cockatiel circuit breaker stops calling a failing provider for a while so learners get a
 * fast, honest error instead of waiting out every timeout. Every failure leaves here as a
 * ProviderError whose message is written for the learner; provider details go to the log only.
 */
import type { Logger } from '@learncraft/kit';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  RateLimitError,
} from 'openai';
import {
  buildQuizDraftMessages,
  buildReplyMessages,
  buildSummaryMessages,
  estimateTokens,
  jsonRetryMessage,
  parseQuizDraftReply,
  parseSummaryReply,
  type ChatMessage,
  type ParseResult,
} from '../domain/prompt';
import {
  ProviderError,
  type DraftQuestion,
  type Embedder,
  type GenerationResult,
  type LessonSummaryDraft,
  type ProviderFailure,
  type ReplyChunk,
  type TutorModel,
} from './types';

export interface BreakerOptions {
  /** Consecutive provider failures that open the breaker. */
  failureThreshold: number;
  /** How long it stays open before one probe request is let through. */
  halfOpenAfterMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failureThreshold: 5, halfOpenAfterMs: 30_000 };

export interface OpenAiModelOptions {
  /** The endpoint's base URL including its version path, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string;
  chatModel: string;
  /** Longest wait for the first token, and between two chunks of a stream. */
  timeoutMs: number;
  /** Sent as `max_tokens` (the field every OpenAI-compatible server understands). */
  maxOutputTokens: number;
  breaker?: Partial<BreakerOptions>;
  logger: Logger;
}

/** What the learner reads for each failure: no provider names, statuses or bodies. */
const LEARNER_MESSAGES: Record<ProviderFailure, string> = {
  PROVIDER_TIMEOUT: 'The tutor took too long to answer. Please try again.',
  PROVIDER_RATE_LIMITED: 'The tutor is busy right now. Please try again in a moment.',
  PROVIDER_UNAVAILABLE: 'The tutor is unavailable right now. Please try again later.',
  PROVIDER_ERROR: 'The tutor could not finish its reply. Please try again.',
};

function providerError(code: ProviderFailure, retryAfterSeconds: number | null = null): ProviderError {
  return new ProviderError(code, LEARNER_MESSAGES[code], retryAfterSeconds);
}

/**
 * Failures that say the provider is unhealthy and count toward opening the breaker. A 429 shows
 * a provider that is alive and pacing us, an unusable JSON reply is the model's doing, and our own
 * aborts say nothing about the provider: none of those count.
 */
const healthFailures = new WeakSet<ProviderError>();

function healthFailure(code: ProviderFailure): ProviderError {
  const error = providerError(code);
  healthFailures.add(error);
  return error;
}

/** Thrown inside the breaker when the caller aborted, so the breaker counts neither way. */
class CallerAborted extends Error {
  constructor() {
    super('aborted by the caller');
    this.name = 'CallerAborted';
  }
}

/** Seconds from `retry-after-ms`, `retry-after` (seconds or an HTTP date); null when absent. */
export function retryAfterSeconds(headers: Headers | undefined): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Maps what the `openai` client (or the network under it) threw to our closed set. */
function classify(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof APIConnectionTimeoutError) return healthFailure('PROVIDER_TIMEOUT');
  if (error instanceof APIConnectionError) return healthFailure('PROVIDER_UNAVAILABLE');
  if (error instanceof RateLimitError)
    return providerError('PROVIDER_RATE_LIMITED', retryAfterSeconds(error.headers));
  if (error instanceof APIError) {
    if (error.status !== undefined && error.status >= 500) return healthFailure('PROVIDER_UNAVAILABLE');
    // No status: an error event inside a stream that had started well.
    if (error.status === undefined) return healthFailure('PROVIDER_ERROR');
    // A 4xx other than 429: our request or our credentials are wrong, not the provider's health.
    return providerError('PROVIDER_ERROR');
  }
  // A JSON chunk that does not parse, or the connection dropping mid-stream.
  return healthFailure('PROVIDER_ERROR');
}

/** One cockatiel breaker; while its probe runs, other calls fail fast instead of queueing behind it. */
function createBreaker(options: Partial<BreakerOptions> | undefined) {
  const settings = { ...DEFAULT_BREAKER, ...options };
  const policy: CircuitBreakerPolicy = circuitBreaker(
    handleWhen((error) => error instanceof ProviderError && healthFailures.has(error)),
    { halfOpenAfter: settings.halfOpenAfterMs, breaker: new ConsecutiveBreaker(settings.failureThreshold) },
  );
  return {
    policy,
    async execute<T>(work: () => Promise<T>): Promise<T> {
      if (policy.state === CircuitState.HalfOpen) throw providerError('PROVIDER_UNAVAILABLE');
      try {
        return await policy.execute(work);
      } catch (error) {
        if (error instanceof BrokenCircuitError) throw providerError('PROVIDER_UNAVAILABLE');
        throw error;
      }
    },
  };
}

interface Completion {
  text: string;
  promptTokens: number;
  completionTokens: number;
}

export interface OpenAiTutorModel extends TutorModel {
  /** The circuit breaker's state, for health and metrics. */
  breakerState(): 'closed' | 'open' | 'half-open';
}

const STATE_NAMES: Record<CircuitState, 'closed' | 'open' | 'half-open'> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/**
 * A chat model behind an OpenAI-compatible endpoint. Replies stream; quiz drafts and summaries
 * stream too (so the same watchdog guards them) and are parsed as JSON, asking once more when the
 * first reply does not parse.
 */
export function createOpenAiModel(options: OpenAiModelOptions): OpenAiTutorModel {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    maxRetries: 0,
    // Our watchdog governs time; the client's own limit is only a backstop far beyond it.
    timeout: Math.max(options.timeoutMs * 20, 60_000),
    // The client would print raw stream data on a parse error; we log our own summary instead.
    logLevel: 'off',
  });
  const breaker = createBreaker(options.breaker);
  breaker.policy.onStateChange((state) =>
    options.logger.warn('tutor model circuit breaker changed state', { state: STATE_NAMES[state] }),
  );

  /** One streamed completion inside the breaker; `onDelta` sees each piece of text as it arrives. */
  const complete = (messages: ChatMessage[], signal: AbortSignal, onDelta: (text: string) => void) =>
    breaker.execute(async (): Promise<Completion> => {
      if (signal.aborted) throw new CallerAborted();
      const controller = new AbortController();
      const onCallerAbort = () => controller.abort();
      signal.addEventListener('abort', onCallerAbort, { once: true });
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs);
      };
      let text = '';
      let usage: { prompt_tokens: number; completion_tokens: number } | null = null;
      let finished = false;
      try {
        arm();
        const stream = await client.chat.completions.create(
          {
            model: options.chatModel,
            messages,
            stream: true,
            stream_options: { include_usage: true },
            max_tokens: options.maxOutputTokens,
          },
          { signal: controller.signal },
        );
        // The client ends the iteration quietly when we abort, so why it ended is checked after.
        for await (const chunk of stream) {
          arm();
          if (chunk.usage) usage = chunk.usage;
          // Some compatible servers omit `choices` on the final usage chunk.
          for (const choice of chunk.choices ?? []) {
            const piece = choice.delta?.content;
            if (piece) {
              text += piece;
              onDelta(piece);
            }
            if (choice.finish_reason) finished = true;
          }
        }
      } catch (error) {
        if (timedOut) {
          options.logger.warn('tutor model gave no answer in time', { timeoutMs: options.timeoutMs });
          throw healthFailure('PROVIDER_TIMEOUT');
        }
        if (signal.aborted || error instanceof APIUserAbortError) throw new CallerAborted();
        const classified = classify(error);
        options.logger.warn('tutor model request failed', {
          code: classified.code,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        throw classified;
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onCallerAbort);
      }
      if (timedOut) {
        options.logger.warn('tutor model stalled', {
          timeoutMs: options.timeoutMs,
          receivedChars: text.length,
        });
        throw healthFailure('PROVIDER_TIMEOUT');
      }
      if (signal.aborted) throw new CallerAborted();
      if (!finished) {
        options.logger.warn('tutor model stream ended without a finish reason', {
          receivedChars: text.length,
        });
        throw healthFailure('PROVIDER_ERROR');
      }
      const promptChars = messages.reduce((n, m) => n + m.content.length, 0);
      return {
        text,
        // Providers that ignore include_usage still get counted, by our estimate.
        promptTokens: usage?.prompt_tokens ?? Math.ceil(promptChars / 4),
        completionTokens: usage?.completion_tokens ?? estimateTokens(text),
      };
    });

  /** A JSON task: one completion, and one more with a correction when the reply does not parse. */
  const generateJson = async <T>(
    messages: ChatMessage[],
    parse: (text: string) => ParseResult<T>,
    signal: AbortSignal,
    task: string,
  ): Promise<GenerationResult<T>> => {
    let promptTokens = 0;
    let completionTokens = 0;
    let conversation = messages;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const completion = await completeOrAbort(conversation, signal);
      promptTokens += completion.promptTokens;
      completionTokens += completion.completionTokens;
      const parsed = parse(completion.text);
      if (parsed.ok) return { value: parsed.value, promptTokens, completionTokens };
      options.logger.warn('tutor model reply did not parse', { task, attempt, reason: parsed.reason });
      conversation = [
        ...messages,
        { role: 'assistant', content: completion.text },
        jsonRetryMessage(parsed.reason),
      ];
    }
    throw providerError('PROVIDER_ERROR');
  };

  /** For the promise-returning tasks a caller abort surfaces as the signal's own reason. */
  const completeOrAbort = async (messages: ChatMessage[], signal: AbortSignal): Promise<Completion> => {
    try {
      return await complete(messages, signal, () => {});
    } catch (error) {
      if (error instanceof CallerAborted) throw signal.reason;
      throw error;
    }
  };

  return {
    offline: false,
    model: options.chatModel,
    breakerState: () => STATE_NAMES[breaker.policy.state],

    async *streamReply(task, signal): AsyncGenerator<ReplyChunk> {
      // The completion runs inside the breaker as one promise; its deltas reach the consumer
      // through this queue, so a failure mid-stream still counts against the provider.
      const queue: ReplyChunk[] = [];
      let wake: (() => void) | null = null;
      // In an object: TypeScript does not see the callbacks below assign it.
      const state: { outcome: { failed: false } | { failed: true; error: unknown } | null } = {
        outcome: null,
      };
      const notify = () => {
        wake?.();
        wake = null;
      };
      const ownAbort = new AbortController();
      const onCallerAbort = () => ownAbort.abort(signal.reason);
      if (signal.aborted) return;
      signal.addEventListener('abort', onCallerAbort, { once: true });

      complete(buildReplyMessages(task), ownAbort.signal, (text) => {
        queue.push({ type: 'delta', text });
        notify();
      }).then(
        (completion) => {
          queue.push({
            type: 'usage',
            promptTokens: completion.promptTokens,
            completionTokens: completion.completionTokens,
          });
          state.outcome = { failed: false };
          notify();
        },
        (error: unknown) => {
          state.outcome = { failed: true, error };
          notify();
        },
      );

      try {
        for (;;) {
          const next = queue.shift();
          if (next) {
            yield next;
            continue;
          }
          const settled = state.outcome;
          if (settled) {
            if (settled.failed && !(settled.error instanceof CallerAborted)) throw settled.error;
            return;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        // The consumer stopped early (or the reply ended): stop the request if it still runs.
        signal.removeEventListener('abort', onCallerAbort);
        if (!state.outcome) ownAbort.abort();
      }
    },

    draftQuiz(task, signal): Promise<GenerationResult<DraftQuestion[]>> {
      return generateJson(
        buildQuizDraftMessages(task),
        (text) => parseQuizDraftReply(text, task),
        signal,
        'quiz draft',
      );
    },

    summarize(task, signal): Promise<GenerationResult<LessonSummaryDraft>> {
      return generateJson(buildSummaryMessages(task), parseSummaryReply, signal, 'summary');
    },
  };
}

export interface OpenAiEmbedderOptions {
  baseUrl: string;
  apiKey: string;
  model: string;
  /** Requested from the endpoint when set; otherwise the model's known native size. */
  dimensions?: number;
  /** Longest wait for one batch. */
  timeoutMs: number;
  /** Texts per request. */
  batchSize: number;
  logger?: Logger;
}

/** Native sizes of well-known embedding models, for when no dimensions are configured. */
const KNOWN_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/** An embedder behind an OpenAI-compatible `/embeddings` endpoint. */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const dimensions = options.dimensions ?? KNOWN_DIMENSIONS[options.model];
  if (dimensions === undefined) {
    // A configuration mistake found at boot, never shown to a learner.
    throw new Error(`the dimensions of embedding model "${options.model}" are unknown; configure them`);
  }
  const client = new OpenAI({
    baseURL: options.baseUrl,
    apiKey: options.apiKey,
    maxRetries: 0,
    logLevel: 'off',
  });
  const batchSize = Math.max(1, options.batchSize);

  const embedBatch = async (input: string[], signal: AbortSignal | undefined): Promise<number[][]> => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const response = await client.embeddings.create(
        {
          model: options.model,
          input,
          encoding_format: 'float',
          // Only sent when configured: older models reject the field.
          ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
        },
        { signal: combined },
      );
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      if (vectors.length !== input.length || vectors.some((v) => v.length !== dimensions)) {
        options.logger?.warn('embedding reply has the wrong shape', { expected: input.length, dimensions });
        throw providerError('PROVIDER_ERROR');
      }
      return vectors;
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      if (timeout.aborted && !signal?.aborted) throw providerError('PROVIDER_TIMEOUT');
      if (signal?.aborted) throw signal.reason;
      const classified = classify(error);
      options.logger?.warn('embedding request failed', {
        code: classified.code,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
      throw classified;
    }
  };

  return {
    id: `openai:${options.model}:${dimensions}`,
    dimensions,
    async embedDocuments(texts, signal) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        vectors.push(...(await embedBatch(texts.slice(i, i + batchSize), signal)));
      }
      return vectors;
    },
    async embedQuery(text, signal) {
      const [vector] = await embedBatch([text], signal);
      if (!vector) throw providerError('PROVIDER_ERROR');
      return vector;
    },
  };
}
