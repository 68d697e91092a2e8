/**
 * @jest-environment jsdom
 *
 * The lab terminal component: every connection asks `labSession(id)` for a fresh terminal URL and
 * connects to it (a real WebSocket server here), shows where the connection is, offers Reconnect
 * once it gave up, and cleans up on unmount. xterm.js cannot run under jsdom, so the emulator is
 * the fake terminal behind the same adapter interface.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LabSessionQuery } from '@learncraft/operations';
import LabTerminal from '../../src/pages/lesson/lab/LabTerminal';
import { mountTerminal } from '../../src/pages/lesson/lab/xtermAdapter';
import { LAB_SESSION_ID, labSession } from './fixtures';
import { FakeTerminal, startTerminalServer, type TerminalServer } from './terminalServer';

jest.mock('../../src/pages/lesson/lab/xtermAdapter', () => ({ mountTerminal: jest.fn() }));

const RETRY = { baseDelayMs: 20, maxDelayMs: 20, maxAttempts: 1 };

describe('LabTerminal', () => {
  let server: TerminalServer;
  let terminals: FakeTerminal[];

  beforeEach(async () => {
    // The component's state changes come from real sockets, at moments no act() can wrap; the
    // assertions wait for the DOM instead (findBy, waitFor), so React need not police act here.
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;
    server = await startTerminalServer();
    terminals = [];
    jest.mocked(mountTerminal).mockImplementation(() => {
      const terminal = new FakeTerminal();
      terminals.push(terminal);
      return terminal;
    });
  });
  afterEach(() => server.close());

  /** The labSession answer carrying terminal URL `token` (or none: the session is not READY). */
  const urlMock = (token: string | null): MockedResponse & { result: jest.Mock } => ({
    request: { query: LabSessionQuery, variables: { id: LAB_SESSION_ID } },
    result: jest.fn(() => ({
      data: {
        labSession: {
          ...labSession(token ? {} : { status: 'EXPIRED' }),
          terminalUrl: token && server.url(token),
        },
      },
    })),
  });

  const renderTerminal = (mocks: MockedResponse[]) =>
    render(
      <MockedProvider mocks={mocks}>
        <LabTerminal sessionId={LAB_SESSION_ID} retry={RETRY} />
      </MockedProvider>,
    );

  it('connects to the URL a fresh labSession query gives, shows the output and sends what is typed', async () => {
    const first = urlMock('t1');
    renderTerminal([first]);
    expect(screen.getByText('Connecting to your sandbox…')).toBeTruthy();
    const socket = await server.connection(0);
    expect(socket.token).toBe('t1');
    await screen.findByText('Connected to your sandbox.');
    expect(screen.getByRole('region', { name: 'Terminal' })).toBeTruthy();

    socket.send('learner@lab:~$ ');
    await waitFor(() => expect(terminals[0]!.written).toEqual(['learner@lab:~$ ']));
    terminals[0]!.type('echo hello\r');
    await waitFor(() => expect(socket.input).toEqual(['echo hello\r']));
    expect(socket.control).toEqual([{ type: 'resize', cols: 80, rows: 24 }]);
    expect(first.result).toHaveBeenCalledTimes(1);
  });

  it('queries a new URL and reconnects to it after the connection drops', async () => {
    const [first, second] = [urlMock('t1'), urlMock('t2')];
    renderTerminal([first, second]);
    (await server.connection(0)).drop();
    expect((await server.connection(1)).token).toBe('t2');
    await screen.findByText('Connected to your sandbox.');
    expect(second.result).toHaveBeenCalledTimes(1);
    expect(terminals).toHaveLength(1);
  });

  it('queries a new URL at once when the server refuses the token (4401)', async () => {
    const [first, second] = [urlMock('t1'), urlMock('t2')];
    renderTerminal([first, second]);
    (await server.connection(0)).close(4401);
    expect((await server.connection(1)).token).toBe('t2');
    await screen.findByText('Connected to your sandbox.');
    expect(second.result).toHaveBeenCalledTimes(1);
  });

  it('says the session is not running after close code 4404 and does not reconnect', async () => {
    renderTerminal([urlMock('t1'), urlMock('t2')]);
    (await server.connection(0)).close(4404);
    await screen.findByText('The terminal closed: the session is not running.');
    expect(screen.queryByRole('button', { name: 'Reconnect' })).toBeNull();
    expect(server.connections).toHaveLength(1);
  });

  it('says the session has ended after close code 1000', async () => {
    renderTerminal([urlMock('t1')]);
    (await server.connection(0)).close(1000);
    await screen.findByText('The terminal closed: the session has ended.');
  });

  it('offers Reconnect once reconnecting gave up, and connects again with a new URL when asked', async () => {
    const user = userEvent.setup();
    renderTerminal([urlMock('t1'), urlMock('t2'), urlMock('t3')]);
    (await server.connection(0)).drop();
    (await server.connection(1)).drop();
    await screen.findByText('The terminal could not reconnect.');

    await user.click(screen.getByRole('button', { name: 'Reconnect' }));
    expect((await server.connection(2)).token).toBe('t3');
    await screen.findByText('Connected to your sandbox.');
    expect(screen.queryByRole('button', { name: 'Reconnect' })).toBeNull();
  });

  it('stops when the session has no terminal URL any more', async () => {
    renderTerminal([urlMock(null)]);
    await screen.findByText('The terminal closed: the session is not running.');
    expect(server.connections).toHaveLength(0);
  });

  it('closes the connection with 1000 and disposes the emulator when it leaves the page', async () => {
    const { unmount } = renderTerminal([urlMock('t1')]);
    const socket = await server.connection(0);
    await screen.findByText('Connected to your sandbox.');
    unmount();
    expect(await socket.closed).toBe(1000);
    expect(terminals[0]!.disposed).toBe(true);
  });
});
