/**
 * The lab terminal relay: a client's WebSocket to the gateway's `/labs/terminal` reaches the labs
 * subgraph's `/terminal` (which only the gateway may call), frames and close codes intact.
 */
import { parse } from 'graphql';
import WebSocket, { WebSocketServer } from 'ws';
import { startSubgraph, type RequestBase, type RunningServer } from '@learncraft/kit';
import type { RunningGateway } from '../src';
import {
  TEST_SUBGRAPH_CONFIG,
  USERS_SDL,
  composeSupergraph,
  createKeys,
  silent,
  startTestGateway,
  startUsersSubgraph,
} from './support';

const LABS_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
type Query {
  """Whether labs answer."""
  labsUp: Boolean!
}`;

let users: RunningServer;
let labs: RunningServer;
let gateway: RunningGateway;
const seenHeaders: (string | undefined)[] = [];

beforeAll(async () => {
  const keys = await createKeys();
  users = await startUsersSubgraph(keys.verifier);
  // A stand-in labs terminal: token "good" opens an echo shell, anything else closes with 4401.
  const terminals = new WebSocketServer({ noServer: true });
  labs = await startSubgraph<RequestBase>({
    name: 'labs',
    typeDefs: parse(LABS_SDL),
    resolvers: { Query: { labsUp: () => true } },
    host: '127.0.0.1',
    port: 0,
    config: TEST_SUBGRAPH_CONFIG,
    verifier: keys.verifier,
    logger: silent,
    context: (base) => base,
    upgrades: {
      '/terminal': (req, socket, head) => {
        seenHeaders.push(req.headers['x-learncraft-gateway'] as string | undefined);
        const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
        terminals.handleUpgrade(req, socket, head, (ws) => {
          if (token !== 'good') return ws.close(4401, 'The terminal token is invalid or has expired.');
          ws.on('message', (data: Buffer, binary) =>
            binary
              ? ws.send(Buffer.from(`control:${data.toString('utf8')}`), { binary: true })
              : ws.send(`$ ${data.toString('utf8')}`),
          );
        });
      },
    },
  });
  const supergraphSdl = composeSupergraph([
    { name: 'users', url: users.url, sdl: USERS_SDL },
    { name: 'labs', url: labs.url, sdl: LABS_SDL },
  ]);
  gateway = await startTestGateway(supergraphSdl, keys);
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([users?.close(), labs?.close()]);
});

const terminalUrl = (token: string) =>
  `${gateway.url.replace(/^http/, 'ws').replace(/\/graphql$/, '/labs/terminal')}?token=${token}`;

describe('the lab terminal through the gateway', () => {
  it('relays typed input and output as text, control messages as binary, with the gateway credential', async () => {
    const socket = new WebSocket(terminalUrl('good'));
    const received: { text: string; binary: boolean }[] = [];
    socket.on('message', (data: Buffer, binary) => received.push({ text: data.toString('utf8'), binary }));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('echo hello\r');
    socket.send(Buffer.from('{"type":"resize","cols":100,"rows":30}'), { binary: true });
    while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.close();
    expect(received).toEqual([
      { text: '$ echo hello\r', binary: false },
      { text: 'control:{"type":"resize","cols":100,"rows":30}', binary: true },
    ]);
    expect(seenHeaders.at(-1)).toBe('test-gateway-secret-0123456789');
  });

  it("passes the labs subgraph's refusal of a bad token on to the client", async () => {
    const socket = new WebSocket(terminalUrl('stolen'));
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      socket.once('close', (closeCode, closeReason: Buffer) =>
        resolve([closeCode, closeReason.toString('utf8')]),
      ),
    );
    expect([code, reason]).toEqual([4401, 'The terminal token is invalid or has expired.']);
  });
});
