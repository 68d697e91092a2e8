/**
 * A fetch over node:http for tests that talk to a real local server. jest-expo loads Expo's
 * runtime, which replaces the global fetch with expo/fetch, whose native module is a mock there
 * (every answer reads as `undefined`), and it keeps no usable copy of Node's. This speaks real
 * HTTP with what the session and Apollo's HttpLink read of an answer: status, headers, text/json.
 */
import { request } from 'node:http';

interface NodeFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function nodeFetch(url: string, init: NodeFetchInit = {}) {
  const { status, headers, text } = await new Promise<{
    status: number;
    headers: Record<string, string>;
    text: string;
  }>((resolve, reject) => {
    const outgoing = request(url, { method: init.method ?? 'GET', headers: init.headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: Object.fromEntries(
            Object.entries(incoming.headers).map(([name, value]) => [name, String(value)]),
          ),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
  return {
    ok: status >= 200 && status < 300,
    status,
    headers: { get: (name: string) => headers[name.toLowerCase()] ?? null },
    text: () => Promise.resolve(text),
    json: () => Promise.resolve(JSON.parse(text) as unknown),
  };
}

/** Installs the node:http fetch for the current test file. */
export function useNodeFetch(): void {
  const expoFetch = globalThis.fetch;
  beforeAll(() => {
    Object.defineProperty(globalThis, 'fetch', { value: nodeFetch, configurable: true, writable: true });
  });
  afterAll(() => {
    Object.defineProperty(globalThis, 'fetch', { value: expoFetch, configurable: true, writable: true });
  });
}
