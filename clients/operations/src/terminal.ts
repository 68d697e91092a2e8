/**
 * The lab terminal's wire protocol, apart from any terminal emulator so it can be tested without a
 * canvas or a layout engine, and shared by both clients: the web app puts xterm.js behind
 * TerminalAdapter, the React Native app its own scrollback view (clients/mobile Terminal).
 *
 * Client → server: text frames are typed input (exactly what the emulator reports), binary frames
 * are control messages (UTF-8 JSON, `{"type":"resize","cols":N,"rows":N}`). Server → client: text
 * frames are output. Every connection needs a fresh single-use terminal URL, so each (re)connect
 * first asks the server for one. Close codes decide what happens next: 1000 (session ended) and
 * 4404 (session not running) end the terminal; 4401 (token refused) reconnects at once with a new
 * URL; anything else is a network blip, retried with exponential back-off.
 */

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface Disposable {
  dispose(): void;
}

/** What the connection needs of a terminal emulator: xterm.js in the app, a fake in tests. */
export interface TerminalAdapter {
  write(output: string): void;
  onInput(listener: (data: string) => void): Disposable;
  onResize(listener: (size: TerminalSize) => void): Disposable;
  readonly size: TerminalSize;
}

/**
 * A socket handler, checked as a method is (bivariantly): each runtime's socket passes its own
 * event type, of which the connection reads only the fields named here.
 */
type Handler<Event> = { bivarianceHack(event: Event): void }['bivarianceHack'] | null;

/** What the connection uses of a WebSocket: the browser's and React Native's both fit. */
export interface TerminalSocket {
  binaryType: string;
  readonly readyState: number;
  send(data: string | Uint8Array): void;
  close(code?: number): void;
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number }>;
}

export const CLOSE_CODES = {
  /** The session ended (stopped, expired or completed). */
  ENDED: 1000,
  /** The token was invalid, expired or already used. */
  TOKEN_REFUSED: 4401,
  /** The session is not running. */
  NOT_RUNNING: 4404,
} as const;

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  | { kind: 'reconnecting'; attempt: number; delayMs: number }
  | {
      kind: 'closed';
      /** ended: 1000; notRunning: 4404 or no URL any more; gaveUp: retries exhausted. */
      reason: 'ended' | 'notRunning' | 'gaveUp';
    };

export interface TerminalConnectionOptions {
  terminal: TerminalAdapter;
  /** A fresh terminal URL, or null when the session is no longer READY. */
  freshUrl: () => Promise<string | null>;
  onState?: (state: ConnectionState) => void;
  /** The first retry's delay; each further retry doubles it, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Network retries in a row (without any output in between) before giving up. */
  maxAttempts?: number;
  /** 4401 refusals in a row before giving up: a server that refuses every token must not loop us. */
  maxTokenRefusals?: number;
  createSocket?: (url: string) => TerminalSocket;
}

const DEFAULTS = {
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxAttempts: 8,
  maxTokenRefusals: 3,
  createSocket: (url: string): TerminalSocket => new WebSocket(url),
};

/** WebSocket.OPEN, as a plain number (the DOM constant is typed as a literal on the instance). */
const SOCKET_OPEN: number = 1;

export class TerminalConnection {
  private readonly options: Required<Omit<TerminalConnectionOptions, 'onState'>> &
    Pick<TerminalConnectionOptions, 'onState'>;
  private socket: TerminalSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private attempts = 0;
  private tokenRefusals = 0;
  private stopped = false;
  private readonly subscriptions: Disposable[];
  private readonly encoder = new TextEncoder();

  constructor(options: TerminalConnectionOptions) {
    this.options = { ...DEFAULTS, ...options };
    const { terminal } = this.options;
    this.subscriptions = [
      terminal.onInput((data) => this.sendWhenOpen(data)),
      terminal.onResize((size) => this.sendResize(size)),
    ];
  }

  /** Opens the first connection. */
  start(): void {
    void this.connect();
  }

  /** Connects again after the connection gave up (the learner's "Reconnect"). */
  reconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    this.tokenRefusals = 0;
    const previous = this.socket;
    this.socket = null;
    previous?.close(CLOSE_CODES.ENDED);
    void this.connect();
  }

  /** Closes for good (the terminal left the page); nothing reconnects afterwards. */
  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    const socket = this.socket;
    this.socket = null;
    socket?.close(CLOSE_CODES.ENDED);
  }

  private async connect(): Promise<void> {
    if (this.attempts === 0) this.setState({ kind: 'connecting' });
    let url: string | null;
    try {
      url = await this.options.freshUrl();
    } catch {
      // The session query failed (offline): the same as a dropped connection.
      if (!this.stopped) this.retryLater();
      return;
    }
    if (this.stopped) return;
    if (!url) return this.setState({ kind: 'closed', reason: 'notRunning' });

    const socket = this.options.createSocket(url);
    this.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      this.setState({ kind: 'open' });
      // The server sizes the pseudo-terminal from this; it knows nothing until told.
      this.sendResize(this.options.terminal.size);
    };
    socket.onmessage = (event) => {
      // Binary frames from the server carry no output in this protocol.
      if (typeof event.data !== 'string') return;
      // Output means the connection works: the next blip starts the back-off afresh. Opening is
      // not enough: a refused token is only told by closing (4401) an accepted connection.
      this.attempts = 0;
      this.tokenRefusals = 0;
      this.options.terminal.write(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.afterClose(event.code);
    };
  }

  private afterClose(code: number): void {
    if (code === CLOSE_CODES.ENDED) return this.setState({ kind: 'closed', reason: 'ended' });
    if (code === CLOSE_CODES.NOT_RUNNING) return this.setState({ kind: 'closed', reason: 'notRunning' });
    if (code === CLOSE_CODES.TOKEN_REFUSED) {
      this.tokenRefusals += 1;
      if (this.tokenRefusals > this.options.maxTokenRefusals)
        return this.setState({ kind: 'closed', reason: 'gaveUp' });
      void this.connect();
      return;
    }
    this.retryLater();
  }

  private retryLater(): void {
    this.attempts += 1;
    if (this.attempts > this.options.maxAttempts) return this.setState({ kind: 'closed', reason: 'gaveUp' });
    const { baseDelayMs, maxDelayMs } = this.options;
    const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (this.attempts - 1));
    this.setState({ kind: 'reconnecting', attempt: this.attempts, delayMs });
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private sendWhenOpen(data: string | Uint8Array): void {
    // Keys typed while disconnected are dropped: replaying them later into a new shell could run
    // half-typed commands the learner has already given up on.
    if (this.socket?.readyState === SOCKET_OPEN) this.socket.send(data);
  }

  private sendResize({ cols, rows }: TerminalSize): void {
    this.sendWhenOpen(this.encoder.encode(JSON.stringify({ type: 'resize', cols, rows })));
  }

  private setState(state: ConnectionState): void {
    this.options.onState?.(state);
  }
}
