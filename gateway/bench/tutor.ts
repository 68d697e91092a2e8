/**
 * `npm run bench:ai` (first half): the tutor's streaming path through the graph. A local
 * OpenAI-compatible test server (in this process) is the model; the platform runs as `npm start`
 * runs it — each subgraph and the gateway its own process, embedded stores, on 127.0.0.1 ports of
 * its own and a temporary data directory. Prints
 *  - time to first token straight from the provider (the `openai` client on the test server)
 *    versus through the gateway (tutorAsk over HTTP, then tutorReply over graphql-ws), p50/p95,
 *    and the difference: the graph's overhead;
 *  - tokens per second delivered to 100 concurrent subscribers, each following its own reply.
 * Bounded in count and time; stops by itself; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '@learncraft/kit';
import { createOpenAiModel } from '@learncraft/ai/src/providers/openai';
import type { AnswerTask } from '@learncraft/ai/src/providers/types';
import { startOpenAiTestServer } from '@learncraft/ai/test/support/openaiServer';
import { connect, type TestClient } from '../test/e2e/wsClient';

const REPO = resolve(__dirname, '../..');
const SERVICES = ['gateway', 'identity', 'catalog', 'progress', 'labs', 'ai', 'commerce'] as const;

const TTFT_SAMPLES = 60;
const SUBSCRIBERS = 100;
const SOCKETS = 5;
const REPLY_WORDS = 100;
/** A real model streams some tens of tokens per second; the test server is paced like one. */
const TOKEN_DELAY_MS = 20;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** `npm start` with the model pointed at the test server; resolves once it says it is ready. */
async function startPlatform(modelUrl: string) {
  const ports = Object.fromEntries(
    await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const)),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'learncraft-bench-ai-'));
  const child = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), ['gateway/src/platform/start.ts'], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/(_URL|_PORT|^PORT)$/.test(name)),
      ),
      ...Object.fromEntries(SERVICES.map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])])),
      DATA_DIR: dataDir,
      LEARNCRAFT_SKIP_WEB_BUILD: '1',
      LOG_LEVEL: 'warn',
      OPENAI_BASE_URL: modelUrl,
      OPENAI_API_KEY: 'bench',
      AI_REQUESTS_PER_MINUTE: '1000',
      AI_DAILY_TOKEN_BUDGET: '10000000',
      AI_ANSWER_CACHE_SECONDS: '0',
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 300_000;
  while (!/LearnCraft is ready/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`npm start did not become ready:\n${output}`);
    await new Promise((done) => setTimeout(done, 200));
  }
  // The seeded catalog is indexed in the background after start.
  while (
    !/learncraft_ai_index_ready 1/.test(
      await fetch(`http://127.0.0.1:${ports.ai}/metrics`).then((r) => r.text()),
    )
  ) {
    if (Date.now() > deadline) throw new Error('the tutor index was not built in time');
    await new Promise((done) => setTimeout(done, 200));
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
  return {
    gatewayUrl,
    async graphql<T = any>(
      query: string,
      variables: Record<string, unknown> = {},
      token?: string,
    ): Promise<{ data: T }> {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as { data: T };
    },
    async close() {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
      await new Promise((done) => child.once('exit', done));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const ASK = `mutation ($input: TutorAskInput!) { tutorAsk(input: $input) { message { id } userErrors { code } } }`;
const REPLY = `subscription ($id: ID!) { tutorReply(messageId: $id) { delta done } }`;

async function main() {
  const provider = await startOpenAiTestServer();
  const words = Array.from({ length: REPLY_WORDS }, (_, i) => `word${i}`).join(' ');
  provider.setDefault({ kind: 'reply', text: `A Pod is the smallest unit [1]. ${words}`, chunking: 'word' });
  const platform = await startPlatform(provider.url);
  const clients: TestClient[] = [];
  try {
    const login = await platform.graphql(
      'mutation { sessionCreate(input: { email: "learner@learncraft.dev", password: "learner-demo-pass" }) { session { accessToken } } }',
    );
    const token = login.data.sessionCreate.session.accessToken as string;
    const course = await platform.graphql<any>(`{ course(slug: "kubernetes-basics") { id } }`);
    const courseId = course.data.course.id as string;
    await platform.graphql(
      `mutation ($id: ID!) { courseEnroll(input: { courseId: $id }) { userErrors { code } } }`,
      { id: courseId },
      token,
    );

    // Straight from the provider: the same client the tutor uses, on the same passages.
    const direct = createOpenAiModel({
      baseUrl: provider.url,
      apiKey: 'bench',
      chatModel: 'bench',
      timeoutMs: 10_000,
      maxOutputTokens: 800,
      logger: createLogger('bench', 'warn'),
    });
    // The same amount of course text the tutor sends with a question.
    const passages = Array.from({ length: 5 }, (_, index) => ({
      ref: index + 1,
      lessonId: `lesson-${index}`,
      lessonTitle: 'Pods and Containers',
      source: 'READING' as const,
      heading: null,
      text: 'A Pod wraps one or more containers that are always scheduled together on the same node. '.repeat(
        8,
      ),
      startSeconds: null,
    }));
    const task: AnswerTask = {
      kind: 'answer',
      courseTitle: 'Kubernetes Basics',
      lessonTitle: null,
      question: 'What is a pod?',
      history: [],
      passages,
      withholdQuizAnswers: false,
    };
    const directTtft: number[] = [];
    for (let i = 0; i < TTFT_SAMPLES; i += 1) {
      const started = performance.now();
      const controller = new AbortController();
      for await (const chunk of direct.streamReply(task, controller.signal)) {
        if (chunk.type === 'delta') {
          directTtft.push(performance.now() - started);
          controller.abort();
          break;
        }
      }
    }

    // Through the gateway: ask over HTTP, follow over an already open graphql-ws connection.
    const client = connect(platform.gatewayUrl, token);
    clients.push(client);
    await client.connected;
    const graphTtft: number[] = [];
    const askMs: number[] = [];
    for (let i = 0; i < TTFT_SAMPLES; i += 1) {
      const started = performance.now();
      const asked = await platform.graphql<any>(
        ASK,
        { input: { courseId, question: `What is a pod? (${i})` } },
        token,
      );
      askMs.push(performance.now() - started);
      const subscription = client.subscribe(REPLY, { id: asked.data.tutorAsk.message.id });
      await subscription.next(30_000);
      graphTtft.push(performance.now() - started);
      await subscription.ended;
    }
    const overhead = percentile(graphTtft, 50) - percentile(directTtft, 50);
    console.log('time to first token (test model server, first chunk at once)');
    console.log(
      `  straight from the provider   p50 ${ms(percentile(directTtft, 50))}  p95 ${ms(percentile(directTtft, 95))}`,
    );
    console.log(
      `  through the gateway          p50 ${ms(percentile(graphTtft, 50))}  p95 ${ms(percentile(graphTtft, 95))}`,
    );
    console.log(
      `    of which tutorAsk answered p50 ${ms(percentile(askMs, 50))}  p95 ${ms(percentile(askMs, 95))}`,
    );
    console.log(`  graph overhead               p50 ${ms(overhead)} (target <= 20 ms)`);

    // 100 concurrent subscribers, each following its own paced reply.
    provider.setDefault({ kind: 'reply', text: words, chunking: 'word', delayMs: TOKEN_DELAY_MS });
    for (let i = 1; i < SOCKETS; i += 1) {
      const extra = connect(platform.gatewayUrl, token);
      clients.push(extra);
      await extra.connected;
    }
    // Each subscriber asks, then follows its own reply at once, all at the same time.
    const deliveries: { at: number; tokens: number }[] = [];
    const runs = await Promise.all(
      Array.from({ length: SUBSCRIBERS }, async (_, i) => {
        const asked = await platform.graphql<any>(
          ASK,
          { input: { courseId, question: `Concurrent question ${i}?` } },
          token,
        );
        const subscription = clients[i % SOCKETS]!.subscribe(REPLY, { id: asked.data.tutorAsk.message.id });
        let tokens = 0;
        let firstAt = Number.NaN;
        for (;;) {
          const event = await subscription.next(60_000);
          const reply = event.data?.tutorReply as { delta: string; done: boolean } | undefined;
          if (!reply || reply.done) return { tokens, firstAt, doneAt: performance.now() };
          if (Number.isNaN(firstAt)) firstAt = performance.now();
          const count = reply.delta.split(/\s+/).filter(Boolean).length;
          tokens += count;
          deliveries.push({ at: performance.now(), tokens: count });
        }
      }),
    );
    const delivered = runs.reduce((sum, run) => sum + run.tokens, 0);
    const seconds =
      (Math.max(...runs.map((run) => run.doneAt)) - Math.min(...runs.map((run) => run.firstAt))) / 1000;
    const completions = runs.map((run) => run.doneAt - run.firstAt);
    // The busiest second: how many tokens the gateway delivered while the most replies streamed.
    deliveries.sort((a, b) => a.at - b.at);
    let peak = 0;
    for (let start = 0, end = 0, inWindow = 0; end < deliveries.length; end += 1) {
      inWindow += deliveries[end]!.tokens;
      while (deliveries[end]!.at - deliveries[start]!.at > 1_000) inWindow -= deliveries[start++]!.tokens;
      peak = Math.max(peak, inWindow);
    }
    console.log(
      `${SUBSCRIBERS} concurrent subscribers, ${REPLY_WORDS}-token replies paced at ${1000 / TOKEN_DELAY_MS} tokens/s each`,
    );
    console.log(
      `  delivered ${delivered} of ${REPLY_WORDS * SUBSCRIBERS} tokens; busiest second ${peak} tokens/s; ${Math.round(delivered / seconds)} tokens/s over the ${seconds.toFixed(2)} s from first to last`,
    );
    console.log(
      `  per reply, first token to final event: p50 ${ms(percentile(completions, 50))}, p99 ${ms(percentile(completions, 99))}`,
    );
    console.log(
      `  (ideal: ${REPLY_WORDS * SUBSCRIBERS} tokens in ${((REPLY_WORDS * TOKEN_DELAY_MS) / 1000).toFixed(1)} s)`,
    );
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await platform.close();
    await provider.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
