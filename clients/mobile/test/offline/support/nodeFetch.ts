/**
 * A `fetch` over node:http for Apollo's HttpLink in the tests: jest-expo's environment replaces
 * the global fetch with React Native's, which reaches no real server. A socket closed before an
 * answer rejects, as a lost connection does on a phone.
 */
import { request } from 'node:http';

export const nodeFetch: typeof fetch = (input, init) =>
  new Promise((resolve, reject) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const outgoing = request(url, { method: init?.method ?? 'GET', headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (typeof value === 'string') responseHeaders.set(name, value);
        }
        resolve(
          new Response(Buffer.concat(chunks).toString('utf8'), {
            status: incoming.statusCode ?? 500,
            headers: responseHeaders,
          }),
        );
      });
    });
    outgoing.on('error', (error) => reject(new TypeError(`Network request failed: ${error.message}`)));
    if (typeof init?.body === 'string') outgoing.write(init.body);
    outgoing.end();
  });
