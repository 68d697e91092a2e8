/**
 * The terminal endpoint (`/terminal?token=…`, reached through the gateway's `/labs/terminal`): a
 * WebSocket bridged to a shell in the session's sandbox (`runtime.attach`).
 *
 * Protocol: client -> server text frames are typed input, binary frames are control messages
 * (UTF-8 JSON `{"type":"resize","cols":N,"rows":N}`); server -> client text frames are output.
 * Closes: 4401 token invalid, expired or already used; 4404 session not running; 4429 too many
 * terminals for the session; 1000 when the session ends or the shell exits; 1001 on shutdown;
 * 1009 for a frame over 16 KiB; 1011 when the shell cannot be opened; 1013 when output backs up.
 *
 * The hub also keeps, per session, what the learner recently typed (InputTranscript) for the ai
 * service's hints. It lives in this replica's memory only: the replica serving the terminal knows
 * it, a restart forgets it, and it is dropped when the session ends.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger, PubSub, Subscription } from '@learncraft/kit';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { labTopic, type LabEventPayload } from '../domain/events';
import { InputTranscript } from '../domain/terminalInput';
import { verifyTerminalToken } from '../domain/terminalToken';
import type { LabRuntime, TerminalStream } from '../runtime/types';
import type { LabStore } from '../stores/labStore';

export const TERMINAL_CLOSE = {
  SESSION_ENDED: 1000,
  SHUTDOWN: 1001,
  OPEN_FAILED: 1011,
  BACKED_UP: 1013,
  TOKEN_INVALID: 4401,
  NOT_RUNNING: 4404,
  TOO_MANY: 4429,
} as const;

/** Largest frame a client may send (typing and pastes). */
export const MAX_TERMINAL_FRAME_BYTES = 16 * 1024;
/** Output is sent in text frames of at most this many characters. */
const OUTPUT_FRAME_CHARS = 16 * 1024;
/** Output queued for a slow client beyond this closes the terminal (1013). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Input kept while the shell is being attached; more closes the terminal (1013). */
const MAX_PENDING_BYTES = 64 * 1024;
/** Terminals one session may have open on this replica. */
export const MAX_TERMINALS_PER_SESSION = 4;
const DEFAULT_SIZE = { cols: 80, rows: 24 };
/** Sessions whose typed input is kept; beyond it the least recently typed-in is forgotten. */
const MAX_TRANSCRIPTS = 1_000;

export interface TerminalHubOptions {
  store: LabStore;
  runtime: LabRuntime;
  pubsub: PubSub;
  logger: Logger;
  now: () => Date;
  secret: string;
  /** Terminal input is learner activity (idle timeout). */
  onActivity: (sessionId: string) => void;
}

export interface TerminalHub {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Terminals open on this replica, by session (tests, metrics). */
  openCount(sessionId: string): number;
  /** Terminals open on this replica. */
  openTotal(): number;
  /** What the learner recently typed in this session's terminals on this replica; '' if nothing. */
  recentInput(sessionId: string): string;
  close(): Promise<void>;
}

interface SessionTerminals {
  sockets: Set<WebSocket>;
  watch: Promise<Subscription<LabEventPayload>>;
}

export function createTerminalHub(options: TerminalHubOptions): TerminalHub {
  const { store, runtime, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_TERMINAL_FRAME_BYTES });
  const bySession = new Map<string, SessionTerminals>();
  const transcripts = new Map<string, InputTranscript>();
  let closing = false;

  const record = (sessionId: string, text: string) => {
    const transcript = transcripts.get(sessionId) ?? new InputTranscript();
    // Re-inserted on every input, so the map's first entry is the one idle the longest.
    transcripts.delete(sessionId);
    transcripts.set(sessionId, transcript);
    transcript.feed(text);
    if (transcripts.size > MAX_TRANSCRIPTS) transcripts.delete(transcripts.keys().next().value!);
  };
  let closed: Promise<void> | undefined;

  /**
   * Follows the session's topic while it has terminals here: any status but READY (stopped,
   * expired, completed, reset — from whichever replica) closes them with 1000.
   */
  const watchSession = (sessionId: string): SessionTerminals => {
    const existing = bySession.get(sessionId);
    if (existing) return existing;
    const entry: SessionTerminals = {
      sockets: new Set(),
      watch: options.pubsub.subscribe<LabEventPayload>(labTopic(sessionId)),
    };
    bySession.set(sessionId, entry);
    void entry.watch.then(async (events) => {
      for await (const event of events) {
        if (event.status === 'READY') continue;
        // A reset starts the lab over, an end ends it: what was typed before is no longer context.
        transcripts.delete(sessionId);
        const reason =
          event.status === 'PROVISIONING' ? 'The sandbox is being reset.' : 'The lab session ended.';
        for (const ws of entry.sockets) ws.close(TERMINAL_CLOSE.SESSION_ENDED, reason);
      }
    });
    return entry;
  };

  const forget = (sessionId: string, ws: WebSocket) => {
    const entry = bySession.get(sessionId);
    if (!entry) return;
    entry.sockets.delete(ws);
    if (entry.sockets.size > 0) return;
    bySession.delete(sessionId);
    void entry.watch.then((events) => events.return?.());
  };

  async function open(ws: WebSocket, req: IncomingMessage): Promise<void> {
    // Input that arrives while the shell is being attached is kept and written once it is there.
    const pending: { data: RawData; isBinary: boolean }[] = [];
    let stream: TerminalStream | null = null;
    let sessionId: string | null = null;
    let pendingBytes = 0;
    const handle = (data: RawData, isBinary: boolean) => {
      if (!stream || !sessionId) {
        pendingBytes += rawLength(data);
        if (pendingBytes > MAX_PENDING_BYTES)
          return ws.close(TERMINAL_CLOSE.BACKED_UP, 'Too much input before the shell was ready.');
        return void pending.push({ data, isBinary });
      }
      if (isBinary) return control(stream, data);
      const text = rawText(data);
      stream.write(text);
      record(sessionId, text);
      options.onActivity(sessionId);
    };
    ws.on('message', handle);
    // ws reports protocol violations (e.g. a frame over the limit, closed 1009) as errors: an
    // unhandled one would take the process down.
    ws.on('error', (error) => logger.debug('terminal socket error', { error: error.message }));

    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
    const now = options.now();
    const check = verifyTerminalToken(options.secret, token, now);
    if (!check.ok) {
      const reason =
        check.reason === 'EXPIRED' ? 'The terminal token has expired.' : 'The terminal token is not valid.';
      return ws.close(TERMINAL_CLOSE.TOKEN_INVALID, reason);
    }
    const { payload } = check;
    const [session] = await store.sessionsByIds([payload.sessionId]);
    if (!session || session.userId !== payload.userId)
      return ws.close(TERMINAL_CLOSE.TOKEN_INVALID, 'The terminal token is not valid.');
    if (!(await store.useTerminalToken(payload.jti, session.id, payload.expiresAt, now)))
      return ws.close(TERMINAL_CLOSE.TOKEN_INVALID, 'The terminal token was already used.');
    if (session.status !== 'READY' || !session.sandboxId || closing)
      return ws.close(TERMINAL_CLOSE.NOT_RUNNING, 'The lab session is not running.');
    const entry = watchSession(session.id);
    if (entry.sockets.size >= MAX_TERMINALS_PER_SESSION) {
      forget(session.id, ws);
      return ws.close(TERMINAL_CLOSE.TOO_MANY, 'Too many terminals are open for this session.');
    }
    entry.sockets.add(ws);
    ws.once('close', () => {
      stream?.close();
      forget(session.id, ws);
    });
    await entry.watch;
    // Read again now that the watch is in place: an end in between is not missed.
    const [current] = await store.sessionsByIds([session.id]);
    if (current?.status !== 'READY' || current.sandboxId !== session.sandboxId)
      return ws.close(TERMINAL_CLOSE.NOT_RUNNING, 'The lab session is not running.');

    let attached: TerminalStream;
    try {
      attached = await runtime.attach(session.sandboxId, DEFAULT_SIZE);
    } catch (error) {
      logger.error('terminal could not be attached', { sessionId: session.id, error });
      return ws.close(TERMINAL_CLOSE.OPEN_FAILED, 'The terminal could not be opened.');
    }
    if (ws.readyState !== ws.OPEN) return attached.close();
    stream = attached;
    sessionId = session.id;
    attached.onData((data) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES)
        return ws.close(TERMINAL_CLOSE.BACKED_UP, 'The terminal output is too fast for this connection.');
      for (let start = 0; start < data.length; start += OUTPUT_FRAME_CHARS)
        ws.send(data.slice(start, start + OUTPUT_FRAME_CHARS));
    });
    attached.onExit(() => ws.close(TERMINAL_CLOSE.SESSION_ENDED, 'The shell exited.'));
    for (const message of pending.splice(0)) handle(message.data, message.isBinary);
  }

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        open(ws, req).catch((error: unknown) => {
          logger.error('terminal failed', { error });
          ws.close(TERMINAL_CLOSE.OPEN_FAILED, 'The terminal could not be opened.');
        });
      });
    },
    openCount: (sessionId) => bySession.get(sessionId)?.sockets.size ?? 0,
    openTotal: () => [...bySession.values()].reduce((total, entry) => total + entry.sockets.size, 0),
    recentInput: (sessionId) => transcripts.get(sessionId)?.text() ?? '',
    close: () =>
      (closed ??= (async () => {
        closing = true;
        // Wait (briefly) for the closing handshakes, so clients see 1001 rather than a dropped socket.
        const handshakes = [...wss.clients].map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once('close', () => resolve());
              ws.close(TERMINAL_CLOSE.SHUTDOWN, 'The lab service is shutting down.');
            }),
        );
        await Promise.race([
          Promise.all(handshakes),
          new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
        ]);
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })()),
  };
}

const rawLength = (data: RawData) =>
  Array.isArray(data) ? data.reduce((total, chunk) => total + chunk.length, 0) : data.byteLength;

const rawText = (data: RawData) =>
  (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString(
    'utf8',
  );

/** A binary frame: `{"type":"resize","cols":N,"rows":N}`; anything else is ignored. */
function control(stream: TerminalStream, data: RawData): void {
  let message: unknown;
  try {
    message = JSON.parse(rawText(data));
  } catch {
    return;
  }
  if (typeof message !== 'object' || message === null) return;
  const { type, cols, rows } = message as Record<string, unknown>;
  if (type === 'resize' && isDimension(cols, 1000) && isDimension(rows, 500)) stream.resize(cols, rows);
}

const isDimension = (value: unknown, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;
