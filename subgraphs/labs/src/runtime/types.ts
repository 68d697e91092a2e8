/**
 * The lab runtime port: where a learner's sandbox lives. Two adapters implement it — `local`
 * (bubblewrap on this machine, the embedded default) and `kubernetes` (one Pod per session) — and
 * one contract suite runs against both. The labs subgraph only ever talks to this interface.
 *
 * A sandbox is the learner's private, isolated environment for one lab session: a writable home
 * that survives for the session, the lab's tool profile, and limits. Interactive shells (`attach`)
 * and check scripts (`exec`) run inside it and see the same home.
 */

/** What to create. Every value is already validated by the labs subgraph. */
export interface SandboxSpec {
  /** The lab session this sandbox belongs to (labels, orphan recovery). */
  sessionId: string;
  /** The tool profile from the LAB lesson (`linux`, `node`, `kubernetes`); unknown ones are refused. */
  profile: string;
  /** Run once inside the sandbox after it is created (prepares files); null for none. */
  setupScript: string | null;
  /** Hard stop: the runtime kills everything in the sandbox at this time even if nobody asks. */
  expiresAt: Date;
}

export interface ProvisionProgress {
  /** 0 to 100. */
  percent: number;
  /** A short human sentence, e.g. "Running the setup script". */
  message: string;
}

export interface SandboxInfo {
  id: string;
  sessionId: string;
  createdAt: Date;
}

export interface ExecOptions {
  /** Killed (with everything it started) after this long; the result says `timedOut`. */
  timeoutMs: number;
  /** Output beyond this is dropped and the result says `truncated`. */
  maxOutputBytes: number;
}

export interface ExecResult {
  exitCode: number | null;
  /** stdout and stderr interleaved, as the learner would have seen them. */
  output: string;
  timedOut: boolean;
  truncated: boolean;
}

/** An interactive shell in a sandbox, attached to a PTY. */
export interface TerminalStream {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  onData(listener: (data: string) => void): { dispose(): void };
  onExit(listener: (exitCode: number | null) => void): { dispose(): void };
  /** Ends the shell (and what it started). */
  close(): void;
}

export type RuntimeAvailability = { ok: true } | { ok: false; reason: string };

export interface LabRuntime {
  readonly kind: 'local' | 'kubernetes';
  /** Whether sandboxes can be made here (e.g. bubblewrap installed); the reason says how to fix it. */
  availability(): Promise<RuntimeAvailability>;
  provision(spec: SandboxSpec, onProgress?: (progress: ProvisionProgress) => void): Promise<SandboxInfo>;
  exec(sandboxId: string, script: string, options: ExecOptions): Promise<ExecResult>;
  attach(sandboxId: string, size: { cols: number; rows: number }): Promise<TerminalStream>;
  /** Kills every process of the sandbox and removes it; a sandbox already gone is not an error. */
  destroy(sandboxId: string): Promise<void>;
  /** Every sandbox this runtime holds, including those a previous process left behind. */
  list(): Promise<SandboxInfo[]>;
  close(): Promise<void>;
}
