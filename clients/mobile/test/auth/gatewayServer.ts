/**
 * A real HTTP server on 127.0.0.1 standing in for the gateway in the session tests: it records
 * every GraphQL request it receives (operation, variables, bearer token) and answers each with the
 * test's `answer` function. An answer may be held back until the test releases it, so a test can
 * make two requests fail at the same moment.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  operationName: string;
  variables: Record<string, unknown>;
  /** The bearer token of the Authorization header, or null without one. */
  token: string | null;
}

export interface Answer {
  body: unknown;
  status?: number;
  /** Sends the answer only once this settles. */
  after?: Promise<unknown>;
}

export interface FakeGateway {
  url: string;
  received: ReceivedRequest[];
  /** Sets how the server answers from now on. */
  answer: (respond: (request: ReceivedRequest) => Answer) => void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const received: ReceivedRequest[] = [];
  let respond: (request: ReceivedRequest) => Answer = () => ({ status: 500, body: {} });
  const server = createServer((request, response) => {
    void readBody(request).then(async (text) => {
      const body = JSON.parse(text) as { operationName: string; variables?: Record<string, unknown> };
      const authorization = request.headers.authorization;
      const call: ReceivedRequest = {
        operationName: body.operationName,
        variables: body.variables ?? {},
        token: authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : null,
      };
      received.push(call);
      const answer = respond(call);
      await answer.after;
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    received,
    answer: (next) => {
      respond = next;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
