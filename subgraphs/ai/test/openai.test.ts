import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@learncraft/kit';
import { QUIZ_RULE } from '../src/domain/prompt';
import {
  createOpenAiEmbedder,
  createOpenAiModel,
  retryAfterSeconds,
  type OpenAiModelOptions,
} from '../src/providers/openai';
import { ProviderError, type AnswerTask, type ReplyChunk, type TutorModel } from '../src/providers/types';
import { startOpenAiTestServer, testEmbedding, type OpenAiTestServer } from './support/openaiServer';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

const task: AnswerTask = {
  kind: 'answer',
  courseTitle: 'Kubernetes Fundamentals',
  lessonTitle: 'Pods and Containers',
  question: 'What is a Pod?',
  history: [],
  passages: [
    {
      ref: 1,
      lessonId: 'pods',
      lessonTitle: 'Pods and Containers',
      source: 'TRANSCRIPT',
      heading: null,
      text: 'In this lesson we look at the Pod, the smallest deployable unit in Kubernetes.',
      startSeconds: 0,
    },
  ],
  withholdQuizAnswers: true,
};

let server: OpenAiTestServer;
beforeEach(async () => {
  server = await startOpenAiTestServer();
});
afterEach(() => server.close());

function model(overrides: Partial<OpenAiModelOptions> = {}) {
  return createOpenAiModel({
    baseUrl: server.url,
    apiKey: 'sk-test',
    chatModel: 'gpt-test',
    // Generous: the first request of a cold, loaded test run can take seconds. Stall tests set their own.
    timeoutMs: 10_000,
    maxOutputTokens: 300,
    logger: silent,
    ...overrides,
  });
}

/** Collects a stream; a thrown error is returned beside the chunks received before it. */
async function collect(m: TutorModel, signal = new AbortController().signal) {
  const chunks: ReplyChunk[] = [];
  try {
    for await (const chunk of m.streamReply(task, signal)) chunks.push(chunk);
    return { chunks, error: null };
  } catch (error) {
    return { chunks, error: error instanceof ProviderError ? error : null, raw: error };
  }
}

const deltas = (chunks: ReplyChunk[]) => chunks.flatMap((c) => (c.type === 'delta' ? [c.text] : []));

describe('OpenAI-compatible tutor model: streaming', () => {
  it('streams the deltas in order and ends with the usage the provider reported', async () => {
    server.script({
      kind: 'reply',
      text: 'A Pod is the smallest unit [1].',
      usage: { promptTokens: 120, completionTokens: 9 },
    });
    const { chunks, error } = await collect(model());
    expect(error).toBeNull();
    expect(deltas(chunks)).toEqual(['A ', 'Pod ', 'is ', 'the ', 'smallest ', 'unit ', '[1].']);
    expect(chunks[chunks.length - 1]).toEqual({ type: 'usage', promptTokens: 120, completionTokens: 9 });
  });

  it('sends the chat model, a streaming request with usage, the token cap and the built prompt', async () => {
    await collect(model());
    const [body] = server.chatRequests();
    expect(body).toMatchObject({
      model: 'gpt-test',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 300,
    });
    expect(server.requests[0]?.authorization).toBe('Bearer sk-test');
    expect(body?.messages[0]?.content).toContain(QUIZ_RULE);
    expect(body?.messages[1]?.content).toContain(
      '<passage ref="1" lesson="Pods and Containers" source="TRANSCRIPT" at="0:00">',
    );
  });

  it('estimates usage when the provider reports none', async () => {
    server.script({ kind: 'reply', text: 'abcdefgh', usage: null });
    const { chunks } = await collect(model());
    const usage = chunks[chunks.length - 1];
    expect(usage?.type).toBe('usage');
    expect(usage).toMatchObject({ completionTokens: 2 });
  });

  it('fails with PROVIDER_ERROR after the deltas already given when an error event arrives mid-stream', async () => {
    server.script({ kind: 'errorEvent', text: 'A Pod is' });
    const { chunks, error } = await collect(model());
    expect(deltas(chunks)).toEqual(['A ', 'Pod ', 'is']);
    expect(error?.code).toBe('PROVIDER_ERROR');
    expect(error?.message).toBe('The tutor could not finish its reply. Please try again.');
  });

  it('fails with PROVIDER_ERROR when the connection drops mid-stream', async () => {
    server.script({ kind: 'reset', text: 'A Pod' });
    const { chunks, error } = await collect(model());
    // How much arrives before the reset is up to the network stack; none of it may be lost or reordered.
    expect(['A ', 'Pod'].slice(0, deltas(chunks).length)).toEqual(deltas(chunks));
    expect(error?.code).toBe('PROVIDER_ERROR');
  });

  it('fails with PROVIDER_ERROR when a chunk is not JSON', async () => {
    server.script({ kind: 'invalidJson', text: 'A Pod' });
    const { error } = await collect(model());
    expect(error?.code).toBe('PROVIDER_ERROR');
  });

  it('maps 429 to PROVIDER_RATE_LIMITED with the retry-after seconds', async () => {
    server.script({ kind: 'rateLimit', retryAfterSeconds: 7 });
    const { chunks, error } = await collect(model());
    expect(chunks).toEqual([]);
    expect(error?.code).toBe('PROVIDER_RATE_LIMITED');
    expect(error?.retryAfterSeconds).toBe(7);
    expect(error?.message).toBe('The tutor is busy right now. Please try again in a moment.');
  });

  it('maps a 500 to PROVIDER_UNAVAILABLE without the provider details in the message', async () => {
    server.script({ kind: 'httpError', status: 500 });
    const { error } = await collect(model());
    expect(error?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error?.message).toBe('The tutor is unavailable right now. Please try again later.');
  });

  it('times out a stall between chunks with PROVIDER_TIMEOUT and aborts the request', async () => {
    server.script({ kind: 'stall', text: 'A Pod', stallMs: 20_000 });
    const { chunks, error } = await collect(model({ timeoutMs: 1_500 }));
    expect(deltas(chunks)).toEqual(['A ', 'Pod']);
    expect(error?.code).toBe('PROVIDER_TIMEOUT');
    await expect(server.requests[0]?.closed).resolves.toBe('aborted');
  });

  it('times out a missing first token with PROVIDER_TIMEOUT', async () => {
    server.script({ kind: 'stall', stallMs: 20_000 });
    const { chunks, error } = await collect(model({ timeoutMs: 1_500 }));
    expect(chunks).toEqual([]);
    expect(error?.code).toBe('PROVIDER_TIMEOUT');
    await expect(server.requests[0]?.closed).resolves.toBe('aborted');
  });

  it('maps a refused connection to PROVIDER_UNAVAILABLE', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const { error } = await collect(model({ baseUrl: `http://127.0.0.1:${closedPort}/v1` }));
    expect(error?.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('stops quietly and aborts the request when the caller aborts', async () => {
    server.script({ kind: 'reply', text: 'one two three four five six', delayMs: 50 });
    const controller = new AbortController();
    const chunks: ReplyChunk[] = [];
    for await (const chunk of model().streamReply(task, controller.signal)) {
      chunks.push(chunk);
      if (chunks.length === 2) controller.abort();
    }
    expect(deltas(chunks).slice(0, 2)).toEqual(['one ', 'two ']);
    expect(chunks.some((c) => c.type === 'usage')).toBe(false);
    await expect(server.requests[0]?.closed).resolves.toBe('aborted');
  });

  it('aborts the request when the consumer stops reading', async () => {
    server.script({ kind: 'reply', text: 'one two three four five six', delayMs: 50 });
    for await (const chunk of model().streamReply(task, new AbortController().signal)) {
      expect(chunk).toEqual({ type: 'delta', text: 'one ' });
      break;
    }
    await expect(server.requests[0]?.closed).resolves.toBe('aborted');
  });
});

describe('retry-after', () => {
  it('reads milliseconds, seconds or an HTTP date, and null when absent or unreadable', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(2);
    expect(retryAfterSeconds(new Headers({ 'retry-after': '9' }))).toBe(9);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const fromDate = retryAfterSeconds(new Headers({ 'retry-after': inAMinute }));
    expect(fromDate).toBeGreaterThanOrEqual(58);
    expect(fromDate).toBeLessThanOrEqual(60);
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterSeconds(new Headers())).toBeNull();
    expect(retryAfterSeconds(undefined)).toBeNull();
  });
});

describe('OpenAI-compatible tutor model: circuit breaker', () => {
  it('opens after consecutive failures, fails fast without calling the provider, then recovers', async () => {
    // Open for a second: long enough that a slow machine cannot reach half-open before the fast-fail check.
    const m = model({ breaker: { failureThreshold: 2, halfOpenAfterMs: 1_000 } });
    server.script({ kind: 'httpError' }, { kind: 'httpError' });
    expect((await collect(m)).error?.code).toBe('PROVIDER_UNAVAILABLE');
    expect((await collect(m)).error?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(m.breakerState()).toBe('open');

    const fast = await collect(m);
    expect(fast.error?.code).toBe('PROVIDER_UNAVAILABLE');
    expect(server.requests).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    server.script({ kind: 'reply', text: 'Back again.' });
    const recovered = await collect(m);
    expect(recovered.error).toBeNull();
    expect(deltas(recovered.chunks)).toEqual(['Back ', 'again.']);
    expect(m.breakerState()).toBe('closed');
  });

  it('counts timeouts and broken streams but not rate limits or caller aborts', async () => {
    const m = model({ timeoutMs: 2_000, breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 } });
    server.script({ kind: 'rateLimit' }, { kind: 'rateLimit' }, { kind: 'rateLimit' });
    for (let i = 0; i < 3; i++) expect((await collect(m)).error?.code).toBe('PROVIDER_RATE_LIMITED');
    const aborted = new AbortController();
    aborted.abort();
    expect((await collect(m, aborted.signal)).error).toBeNull();
    expect(m.breakerState()).toBe('closed');

    server.script({ kind: 'stall', stallMs: 20_000 }, { kind: 'errorEvent', text: 'x' });
    expect((await collect(m)).error?.code).toBe('PROVIDER_TIMEOUT');
    expect((await collect(m)).error?.code).toBe('PROVIDER_ERROR');
    expect(m.breakerState()).toBe('open');
  });
});

describe('OpenAI-compatible tutor model: quiz drafts and summaries', () => {
  const draftTask = { lessonTitle: 'Pods and Containers', count: 1, passages: task.passages };
  const goodDraft = JSON.stringify({
    questions: [
      {
        prompt: 'What is the smallest deployable unit in Kubernetes?',
        multiple: false,
        options: [
          { label: 'A Pod', correct: true },
          { label: 'A Node', correct: false },
          { label: 'A Service', correct: false },
        ],
        explanation: 'The Pod is the smallest deployable unit.',
        sourceRef: 1,
      },
    ],
  });

  it('parses the JSON draft and reports the summed usage', async () => {
    server.script({ kind: 'reply', text: goodDraft, usage: { promptTokens: 50, completionTokens: 40 } });
    const result = await model().draftQuiz(draftTask, new AbortController().signal);
    expect(result.value).toEqual([
      {
        prompt: 'What is the smallest deployable unit in Kubernetes?',
        multiple: false,
        options: [
          { label: 'A Pod', correct: true },
          { label: 'A Node', correct: false },
          { label: 'A Service', correct: false },
        ],
        explanation: 'The Pod is the smallest deployable unit.',
        sourceRef: 1,
      },
    ]);
    expect(result.promptTokens).toBe(50);
    expect(result.completionTokens).toBe(40);
  });

  it('asks once more after a reply that is not JSON, and uses the second reply', async () => {
    server.script(
      { kind: 'reply', text: 'Sure, here you go!', usage: { promptTokens: 10, completionTokens: 5 } },
      { kind: 'reply', text: goodDraft, usage: { promptTokens: 20, completionTokens: 40 } },
    );
    const result = await model().draftQuiz(draftTask, new AbortController().signal);
    expect(result.value).toHaveLength(1);
    expect(result.promptTokens).toBe(30);
    const retry = server.chatRequests()[1]?.messages ?? [];
    expect(retry.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(retry[3]?.content).toContain('Your reply could not be used (the reply is not JSON).');
  });

  it('rejects a second malformed reply with PROVIDER_ERROR', async () => {
    server.script({ kind: 'reply', text: 'nope' }, { kind: 'reply', text: '{"questions": "nope"}' });
    await expect(model().draftQuiz(draftTask, new AbortController().signal)).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: 'The tutor could not finish its reply. Please try again.',
    });
    expect(server.chatRequests()).toHaveLength(2);
  });

  it('parses a summary', async () => {
    server.script({
      kind: 'reply',
      text: '{"summary": "Pods group containers.", "keyPoints": ["Pods are ephemeral"]}',
    });
    const result = await model().summarize(
      { lessonTitle: 'Pods', passages: task.passages },
      new AbortController().signal,
    );
    expect(result.value).toEqual({ summary: 'Pods group containers.', keyPoints: ['Pods are ephemeral'] });
  });

  it('rejects a malformed summary with PROVIDER_ERROR', async () => {
    server.script({ kind: 'reply', text: '{"summary": 3}' }, { kind: 'reply', text: '{"keyPoints": []}' });
    await expect(
      model().summarize({ lessonTitle: 'Pods', passages: task.passages }, new AbortController().signal),
    ).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
  });
});

describe('OpenAI-compatible embedder', () => {
  const embedder = (batchSize = 2) =>
    createOpenAiEmbedder({
      baseUrl: server.url,
      apiKey: 'sk-test',
      model: 'embed-test',
      dimensions: 8,
      timeoutMs: 10_000,
      batchSize,
    });

  it('names its vector space by model and dimensions', () => {
    expect(embedder().id).toBe('openai:embed-test:8');
    expect(
      createOpenAiEmbedder({
        baseUrl: server.url,
        apiKey: 'k',
        model: 'text-embedding-3-small',
        timeoutMs: 1,
        batchSize: 1,
      }).id,
    ).toBe('openai:text-embedding-3-small:1536');
  });

  it('embeds documents in batches, in input order', async () => {
    const texts = ['pods', 'nodes', 'services', 'deployments', 'volumes'];
    const vectors = await embedder().embedDocuments(texts);
    expect(vectors).toEqual(texts.map((t) => testEmbedding(t, 8)));
    const bodies = server.requests.map((r) => r.body);
    expect(bodies).toEqual([
      { model: 'embed-test', input: ['pods', 'nodes'], encoding_format: 'float', dimensions: 8 },
      { model: 'embed-test', input: ['services', 'deployments'], encoding_format: 'float', dimensions: 8 },
      { model: 'embed-test', input: ['volumes'], encoding_format: 'float', dimensions: 8 },
    ]);
  });

  it('embeds a query', async () => {
    expect(await embedder().embedQuery('what is a pod')).toEqual(testEmbedding('what is a pod', 8));
  });

  it('maps embedding failures to the closed set', async () => {
    server.scriptEmbeddings(
      { kind: 'rateLimit', retryAfterSeconds: 3 },
      { kind: 'httpError', status: 503 },
      { kind: 'invalidJson' },
    );
    await expect(embedder().embedQuery('x')).rejects.toMatchObject({
      code: 'PROVIDER_RATE_LIMITED',
      retryAfterSeconds: 3,
    });
    await expect(embedder().embedQuery('x')).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    await expect(embedder().embedQuery('x')).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
  });

  it('times out a batch that gets no answer with PROVIDER_TIMEOUT and aborts it', async () => {
    server.scriptEmbeddings({ kind: 'stall', stallMs: 20_000 });
    const slow = createOpenAiEmbedder({
      baseUrl: server.url,
      apiKey: 'k',
      model: 'embed-test',
      dimensions: 8,
      timeoutMs: 1_500,
      batchSize: 2,
    });
    await expect(slow.embedQuery('x')).rejects.toMatchObject({ code: 'PROVIDER_TIMEOUT' });
    await expect(server.requests[0]?.closed).resolves.toBe('aborted');
  });

  it('rejects vectors of the wrong size with PROVIDER_ERROR', async () => {
    const wrong = createOpenAiEmbedder({
      baseUrl: server.url,
      apiKey: 'k',
      model: 'text-embedding-3-small',
      timeoutMs: 10_000,
      batchSize: 4,
    });
    // The test server answers with its default size, not 1536.
    await expect(wrong.embedQuery('x')).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
  });
});
