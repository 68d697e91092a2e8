/**
 * A real WebSocket server on 127.0.0.1 standing in for the labs terminal endpoint: it records every
 * connection (the token in its URL, the text and binary frames it received) and lets a test send
 * output, close with a code, or drop the TCP connection (the client then sees 1006).
 *
 * `ws` is loaded by file path: under jsdom Jest resolves packages with the `browser` condition,
 * which would give ws's browser stub instead of the server.
 */
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type * as WsModule from 'ws';
import type { TerminalAdapter, TerminalSize } from '@learncraft/operations/terminal';

const ws = jest.requireActual<typeof WsModule>(join(dirname(require.resolve('ws/package.json')), 'index.js'));

export interface TerminalServerConnection {
  token: string;
  /** Text frames, in order. */
  input: string[];
  /** Binary frames decoded as JSON, in order. */
  control: unknown[];
  send(output: string): void;
  close(code: number): void;
  /** Drops the TCP connection without a closing handshake. */
  drop(): void;
  closed: Promise<number>;
}

export interface TerminalServer {
  url(token: string): string;
  connections: TerminalServerConnection[];
  /** Resolves with the nth connection (0-based) once it is open. */
  connection(index: number): Promise<TerminalServerConnection>;
  close(): Promise<void>;
}

export async function startTerminalServer(): Promise<TerminalServer> {
  const server = new ws.WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const connections: TerminalServerConnection[] = [];
  const waiting = new Map<number, (connection: TerminalServerConnection) => void>();

  server.on('connection', (socket, request) => {
    const token = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
    const connection: TerminalServerConnection = {
      token,
      input: [],
      control: [],
      send: (output) => socket.send(output),
      close: (code) => socket.close(code),
      drop: () => socket.terminate(),
      closed: new Promise((resolve) => socket.once('close', (code) => resolve(code))),
    };
    socket.on('message', (data, isBinary) => {
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString();
      if (isBinary) connection.control.push(JSON.parse(text));
      else connection.input.push(text);
    });
    connections.push(connection);
    waiting.get(connections.length - 1)?.(connection);
  });

  return {
    url: (token) => `ws://127.0.0.1:${port}/labs/terminal?token=${token}`,
    connections,
    connection: (index) =>
      connections[index]
        ? Promise.resolve(connections[index])
        : new Promise((resolve) => waiting.set(index, resolve)),
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Stands in for xterm.js: records what is written; `type` and `resize` act as the learner would. */
export class FakeTerminal implements TerminalAdapter {
  written: string[] = [];
  disposed = false;
  size: TerminalSize = { cols: 80, rows: 24 };
  private readonly inputListeners = new Set<(data: string) => void>();
  private readonly resizeListeners = new Set<(size: TerminalSize) => void>();

  write(output: string) {
    this.written.push(output);
  }
  onInput(listener: (data: string) => void) {
    this.inputListeners.add(listener);
    return { dispose: () => this.inputListeners.delete(listener) };
  }
  onResize(listener: (size: TerminalSize) => void) {
    this.resizeListeners.add(listener);
    return { dispose: () => this.resizeListeners.delete(listener) };
  }
  dispose() {
    this.disposed = true;
  }
  type(data: string) {
    for (const listener of this.inputListeners) listener(data);
  }
  resize(size: TerminalSize) {
    this.size = size;
    for (const listener of this.resizeListeners) listener(size);
  }
}
