/**
 * @jest-environment jsdom
 *
 * The lab terminal's protocol against a real WebSocket server, with jsdom's WebSocket client and a
 * fake terminal in place of xterm.js: typed input as text frames, resize control messages as
 * binary JSON, output written to the terminal, and what each close code leads to (a fresh URL for
 * every reconnect, back-off after a drop, no reconnect once the session has ended).
 */
import { waitFor } from '@testing-library/react';
import { TerminalConnection, type ConnectionState } from '@learncraft/operations/terminal';
import { FakeTerminal, startTerminalServer, type TerminalServer } from './terminalServer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('TerminalConnection', () => {
  let server: TerminalServer;
  let terminal: FakeTerminal;
  let states: ConnectionState[];
  let connection: TerminalConnection | undefined;
  /** Hands out t1, t2, ... as single-use tokens, like the labSession query does. */
  let freshUrl: jest.Mock<Promise<string | null>, []>;

  beforeEach(async () => {
    server = await startTerminalServer();
    terminal = new FakeTerminal();
    states = [];
    let issued = 0;
    freshUrl = jest.fn(() => Promise.resolve(server.url(`t${++issued}`)));
  });
  afterEach(async () => {
    connection?.close();
    connection = undefined;
    await server.close();
  });

  const connect = (
    options: { baseDelayMs?: number; maxAttempts?: number; maxTokenRefusals?: number } = {},
  ) => {
    connection = new TerminalConnection({
      terminal,
      freshUrl,
      onState: (state) => states.push(state),
      baseDelayMs: 20,
      maxDelayMs: 80,
      ...options,
    });
    connection.start();
    return connection;
  };
  const kinds = () => states.map((state) => state.kind);

  it('sends the terminal size as a binary resize message on connecting and typed input as text frames', async () => {
    terminal.size = { cols: 100, rows: 30 };
    connect();
    const socket = await server.connection(0);
    await waitFor(() => expect(kinds()).toEqual(['connecting', 'open']));
    await waitFor(() => expect(socket.control).toEqual([{ type: 'resize', cols: 100, rows: 30 }]));

    terminal.type('echo hello');
    terminal.type('\r');
    await waitFor(() => expect(socket.input).toEqual(['echo hello', '\r']));
    expect(socket.token).toBe('t1');
    expect(socket.control).toEqual([{ type: 'resize', cols: 100, rows: 30 }]);
  });

  it('writes the text frames the server sends to the terminal, in order', async () => {
    connect();
    const socket = await server.connection(0);
    socket.send('$ ');
    socket.send('hello\r\n');
    await waitFor(() => expect(terminal.written).toEqual(['$ ', 'hello\r\n']));
  });

  it('sends a resize message each time the terminal is resized', async () => {
    connect();
    const socket = await server.connection(0);
    await waitFor(() => expect(socket.control).toHaveLength(1));
    terminal.resize({ cols: 40, rows: 20 });
    terminal.resize({ cols: 41, rows: 20 });
    await waitFor(() =>
      expect(socket.control).toEqual([
        { type: 'resize', cols: 80, rows: 24 },
        { type: 'resize', cols: 40, rows: 20 },
        { type: 'resize', cols: 41, rows: 20 },
      ]),
    );
    expect(socket.input).toEqual([]);
  });

  it('reconnects after the connection drops (1006) with a fresh URL after a back-off', async () => {
    connect();
    (await server.connection(0)).drop();
    const second = await server.connection(1);
    expect(second.token).toBe('t2');
    await waitFor(() =>
      expect(states).toEqual([
        { kind: 'connecting' },
        { kind: 'open' },
        { kind: 'reconnecting', attempt: 1, delayMs: 20 },
        { kind: 'open' },
      ]),
    );
    expect(freshUrl).toHaveBeenCalledTimes(2);
    terminal.type('ls\r');
    await waitFor(() => expect(second.input).toEqual(['ls\r']));
  });

  it('also reconnects after any other close code, such as 1011 from a restarting server', async () => {
    connect();
    (await server.connection(0)).close(1011);
    expect((await server.connection(1)).token).toBe('t2');
    expect(states[2]).toEqual({ kind: 'reconnecting', attempt: 1, delayMs: 20 });
  });

  it('doubles the delay on every failed reconnect up to the maximum and gives up after the last attempt', async () => {
    connect({ maxAttempts: 4 });
    for (let index = 0; index < 5; index += 1) (await server.connection(index)).drop();
    await waitFor(() => expect(states.at(-1)).toEqual({ kind: 'closed', reason: 'gaveUp' }));
    expect(states.filter((state) => state.kind === 'reconnecting')).toEqual([
      { kind: 'reconnecting', attempt: 1, delayMs: 20 },
      { kind: 'reconnecting', attempt: 2, delayMs: 40 },
      { kind: 'reconnecting', attempt: 3, delayMs: 80 },
      { kind: 'reconnecting', attempt: 4, delayMs: 80 },
    ]);
    expect(server.connections.map((socket) => socket.token)).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  it('starts the back-off afresh once the new connection has shown output', async () => {
    connect();
    (await server.connection(0)).drop();
    const second = await server.connection(1);
    second.send('$ ');
    await waitFor(() => expect(terminal.written).toEqual(['$ ']));
    second.drop();
    await server.connection(2);
    expect(states.filter((state) => state.kind === 'reconnecting')).toEqual([
      { kind: 'reconnecting', attempt: 1, delayMs: 20 },
      { kind: 'reconnecting', attempt: 1, delayMs: 20 },
    ]);
  });

  it('asks for a fresh URL and reconnects at once when the server refuses the token (4401)', async () => {
    connect();
    (await server.connection(0)).close(4401);
    const second = await server.connection(1);
    expect(second.token).toBe('t2');
    // No back-off: nothing is wrong with the network, only the token was spent.
    await waitFor(() => expect(kinds()).toEqual(['connecting', 'open', 'connecting', 'open']));
  });

  it('gives up when the server refuses every token rather than asking forever', async () => {
    connect({ maxTokenRefusals: 2 });
    for (let index = 0; index < 3; index += 1) {
      const socket = await server.connection(index);
      // Accepted and closed at once: a browser cannot see an HTTP status, only a close code.
      socket.close(4401);
    }
    await waitFor(() => expect(states.at(-1)).toEqual({ kind: 'closed', reason: 'gaveUp' }));
    await sleep(100);
    expect(server.connections).toHaveLength(3);
  });

  it.each([
    [1000, 'ended'],
    [4404, 'notRunning'],
  ])('does not reconnect after close code %i (%s)', async (code, reason) => {
    connect();
    (await server.connection(0)).close(code);
    await waitFor(() => expect(states.at(-1)).toEqual({ kind: 'closed', reason }));
    await sleep(100);
    expect(server.connections).toHaveLength(1);
    expect(freshUrl).toHaveBeenCalledTimes(1);
  });

  it('stops when the session no longer has a terminal URL (it is not READY any more)', async () => {
    connect();
    (await server.connection(0)).drop();
    freshUrl.mockResolvedValueOnce(null);
    await waitFor(() => expect(states.at(-1)).toEqual({ kind: 'closed', reason: 'notRunning' }));
    expect(server.connections).toHaveLength(1);
  });

  it('retries with back-off when asking for a fresh URL fails', async () => {
    freshUrl.mockRejectedValueOnce(new Error('offline'));
    connect();
    const socket = await server.connection(0);
    expect(socket.token).toBe('t1');
    expect(states.slice(0, 2)).toEqual([
      { kind: 'connecting' },
      { kind: 'reconnecting', attempt: 1, delayMs: 20 },
    ]);
  });

  it('drops keys typed while disconnected instead of replaying them into the next shell', async () => {
    // Long enough a pause to type into (waitFor polls every 50 ms).
    connect({ baseDelayMs: 400 });
    (await server.connection(0)).drop();
    await waitFor(() => expect(kinds()).toContain('reconnecting'));
    terminal.type('rm -rf half-typed');
    const second = await server.connection(1);
    await waitFor(() => expect(kinds().at(-1)).toBe('open'));
    terminal.type('pwd\r');
    await waitFor(() => expect(second.input).toEqual(['pwd\r']));
    expect(server.connections[0]!.input).toEqual([]);
  });

  it('closes with 1000 and never reconnects once closed by the page', async () => {
    const current = connect();
    const socket = await server.connection(0);
    await waitFor(() => expect(kinds()).toEqual(['connecting', 'open']));
    current.close();
    expect(await socket.closed).toBe(1000);
    await sleep(100);
    expect(server.connections).toHaveLength(1);
    expect(kinds()).toEqual(['connecting', 'open']);
    terminal.type('ignored');
    expect(socket.input).toEqual([]);
  });

  it('connects again from the start when the learner asks after it gave up', async () => {
    const current = connect({ maxAttempts: 1 });
    (await server.connection(0)).drop();
    (await server.connection(1)).drop();
    await waitFor(() => expect(states.at(-1)).toEqual({ kind: 'closed', reason: 'gaveUp' }));
    current.reconnect();
    expect((await server.connection(2)).token).toBe('t3');
    await waitFor(() => expect(states.slice(-2)).toEqual([{ kind: 'connecting' }, { kind: 'open' }]));
  });
});
