/**
 * Commands and shells inside a lab pod through the exec API (a WebSocket speaking the
 * `channel.k8s.io` subprotocols: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize).
 *
 * A timed-out command is stopped twice over: it runs under `timeout -s KILL` inside the pod (closing
 * the WebSocket alone does not stop a non-TTY exec on most container runtimes), and the socket is
 * closed on our side at the deadline so the caller never waits on a slow kubelet.
 */
import { PassThrough, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Exec, V1Status } from '@kubernetes/client-node';
import type { ExecOptions, ExecResult, TerminalStream } from '../types';
import { CONTAINER_NAME } from './manifests';

export interface PodTarget {
  namespace: string;
  pod: string;
}

type ExecSocket = Awaited<ReturnType<Exec['exec']>>;

/** The exit code a status frame reports: 0 on Success, the ExitCode cause otherwise, null if none. */
export function exitCodeOf(status: V1Status): number | null {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((item) => item.reason === 'ExitCode');
  const code = Number(cause?.message);
  return cause && Number.isInteger(code) ? code : null;
}

/** The exec API ran nothing: its status is a Failure without an exit code (e.g. no such binary). */
export class ExecFailure extends Error {
  override readonly name = 'ExecFailure';
}

/** A refused WebSocket upgrade rejects with an ErrorEvent ("Unexpected server response: 404"), not an Error. */
export function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string')
    return new Error(error.message);
  return new Error(String(error));
}

/** The command line of a script: `sh -c` under an in-pod `timeout` rounded up to whole seconds. */
export function scriptCommand(script: string, timeoutMs: number): string[] {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return ['timeout', '-s', 'KILL', String(seconds), 'sh', '-c', script];
}

/** Runs `sh -c script` in the pod; stdout and stderr interleaved in arrival order, capped. */
export function runScript(
  exec: Exec,
  target: PodTarget,
  script: string,
  options: ExecOptions,
): Promise<ExecResult> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let truncated = false;
  const keep = (chunk: Buffer) => {
    const room = options.maxOutputBytes - kept;
    if (chunk.length > room) truncated = true;
    const part = chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk;
    if (part.length === 0) return;
    chunks.push(part);
    kept += part.length;
  };
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        keep(chunk);
        done();
      },
    });

  return new Promise<ExecResult>((resolve, reject) => {
    let status: V1Status | undefined;
    let socket: ExecSocket | undefined;
    let timedOut = false;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The command never ran (no `timeout` or `sh` in the image, container gone): not a result.
      if (!timedOut && status && exitCodeOf(status) === null) {
        reject(new ExecFailure(status.message ?? status.reason ?? 'the exec API reported a failure'));
        return;
      }
      resolve({
        exitCode: timedOut || !status ? null : exitCodeOf(status),
        output: Buffer.concat(chunks).toString('utf8'),
        timedOut,
        truncated,
      });
    };
    const timer = setTimeout(() => {
      timedOut = true;
      socket?.close();
      finish();
    }, options.timeoutMs);
    exec
      .exec(
        target.namespace,
        target.pod,
        CONTAINER_NAME,
        scriptCommand(script, options.timeoutMs),
        sink(),
        sink(),
        null,
        false,
        (received) => {
          status = received;
        },
      )
      .then(
        (opened) => {
          socket = opened;
          if (settled) opened.close();
          else opened.on('close', finish);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(asError(error));
        },
      );
  });
}

/**
 * The stdout of a TTY exec. The client library sends the terminal size on the resize channel for
 * any stdout stream that has `rows`, `columns` and emits `resize`, so this stream is that shape.
 */
class TerminalOutput extends Writable {
  rows: number;
  columns: number;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    size: { cols: number; rows: number },
    private readonly onText: (text: string) => void,
  ) {
    super();
    this.rows = size.rows;
    this.columns = size.cols;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void) {
    const text = this.decoder.write(chunk);
    if (text) this.onText(text);
    done();
  }

  resize(cols: number, rows: number) {
    this.columns = cols;
    this.rows = rows;
    this.emit('resize');
  }
}

const LOGIN_SHELL = [
  'sh',
  '-c',
  'cd "$HOME" 2>/dev/null; export TERM=xterm-256color; if command -v bash >/dev/null 2>&1; then exec bash -l; fi; exec sh -l',
];

/** An interactive login shell in the pod on a TTY; output before the first listener is kept. */
export async function openTerminal(
  exec: Exec,
  target: PodTarget,
  size: { cols: number; rows: number },
): Promise<TerminalStream> {
  const dataListeners = new Set<(data: string) => void>();
  const exitListeners = new Set<(exitCode: number | null) => void>();
  const early: string[] = [];
  let exited: { exitCode: number | null } | undefined;
  let status: V1Status | undefined;

  const stdin = new PassThrough();
  const stdout = new TerminalOutput(size, (text) => {
    if (dataListeners.size === 0) early.push(text);
    for (const listener of dataListeners) listener(text);
  });
  const socket = await exec
    .exec(
      target.namespace,
      target.pod,
      CONTAINER_NAME,
      LOGIN_SHELL,
      stdout,
      null,
      stdin,
      true,
      (received) => {
        status = received;
      },
    )
    .catch((error: unknown) => {
      throw asError(error);
    });
  socket.on('close', () => {
    if (exited) return;
    exited = { exitCode: status ? exitCodeOf(status) : null };
    stdin.end();
    for (const listener of exitListeners) listener(exited.exitCode);
  });

  return {
    write(data) {
      if (!exited) stdin.write(data);
    },
    resize(cols, rows) {
      if (!exited) stdout.resize(cols, rows);
    },
    onData(listener) {
      dataListeners.add(listener);
      for (const text of early.splice(0)) listener(text);
      return { dispose: () => dataListeners.delete(listener) };
    },
    onExit(listener) {
      if (exited) {
        const { exitCode } = exited;
        queueMicrotask(() => listener(exitCode));
        return { dispose: () => undefined };
      }
      exitListeners.add(listener);
      return { dispose: () => exitListeners.delete(listener) };
    },
    close() {
      // On a TTY exec the kubelet closes the PTY with the stream, which hangs up the shell and
      // its process group.
      socket.close();
    },
  };
}
