/**
 * The rules of a lab session's life: which statuses hold a sandbox, which transitions are allowed,
 * when a session expires (hard limit or idle), extensions, warnings, and when a lab is complete.
 * Pure: no I/O, every time passed in.
 */
import type { ExecResult } from '../runtime/types';

export const SESSION_STATUSES = [
  'REQUESTED',
  'PROVISIONING',
  'READY',
  'STOPPING',
  'STOPPED',
  'COMPLETED',
  'EXPIRED',
  'FAILED',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export type StepStatus = 'PENDING' | 'CHECKING' | 'PASSED' | 'FAILED';

/** A learner has at most one session in these (the database enforces it). */
export const LIVE_STATUSES = [
  'REQUESTED',
  'PROVISIONING',
  'READY',
] as const satisfies readonly SessionStatus[];
/** Sessions in these count against the node's sandbox capacity. */
export const CAPACITY_STATUSES = [...LIVE_STATUSES, 'STOPPING'] as const satisfies readonly SessionStatus[];

export const isLive = (status: SessionStatus) => (LIVE_STATUSES as readonly string[]).includes(status);
export const hasEnded = (status: SessionStatus) =>
  status === 'STOPPED' || status === 'COMPLETED' || status === 'EXPIRED' || status === 'FAILED';

const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  REQUESTED: ['PROVISIONING', 'STOPPING', 'STOPPED', 'EXPIRED', 'FAILED'],
  PROVISIONING: ['PROVISIONING', 'READY', 'STOPPING', 'STOPPED', 'EXPIRED', 'FAILED'],
  // READY -> PROVISIONING is a reset (a fresh sandbox for the same session).
  READY: ['PROVISIONING', 'STOPPING', 'COMPLETED', 'EXPIRED', 'FAILED'],
  STOPPING: ['STOPPED'],
  STOPPED: [],
  COMPLETED: [],
  EXPIRED: [],
  FAILED: [],
};

export function canTransition(from: SessionStatus, to: SessionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Minutes one labExtend adds. */
export const EXTENSION_MINUTES = 15;
/** Seconds before expiry at which EXPIRY_WARNING is sent, largest first. */
export const WARNING_THRESHOLDS_SECONDS = [300, 60] as const;
/** A REQUESTED/PROVISIONING session that has not moved for this long is failed by the sweeper. */
export const PROVISION_STALL_MS = 10 * 60_000;

const minutes = (count: number) => count * 60_000;

export interface LabTemplate {
  profile: string;
  image: string;
  setupScript: string | null;
  timeLimitMinutes: number;
  idleTimeoutMinutes: number;
}

export interface ExpiryState {
  expiresAt: Date;
  idleDeadline: Date | null;
}

/** When the session ends on its own: the hard limit, or the idle deadline if sooner. */
export function effectiveExpiry(session: ExpiryState): Date {
  return session.idleDeadline && session.idleDeadline < session.expiresAt
    ? session.idleDeadline
    : session.expiresAt;
}

/** The hard limit of a session that became ready at `startedAt`. */
export function hardExpiry(
  startedAt: Date,
  template: Pick<LabTemplate, 'timeLimitMinutes'>,
  extensions: number,
): Date {
  return new Date(startedAt.getTime() + minutes(template.timeLimitMinutes + extensions * EXTENSION_MINUTES));
}

export function idleDeadline(lastActivityAt: Date, template: Pick<LabTemplate, 'idleTimeoutMinutes'>): Date {
  return new Date(lastActivityAt.getTime() + minutes(template.idleTimeoutMinutes));
}

/**
 * The runtime's own kill time for a sandbox: past anything the subgraph could allow (provisioning,
 * the time limit, every extension), so it only ever acts when the subgraph's sweeper did not.
 */
export function sandboxKillTime(
  now: Date,
  template: Pick<LabTemplate, 'timeLimitMinutes'>,
  maxExtensions: number,
): Date {
  // Five minutes of margin for the sweeper's own period and clock skew between machines.
  return new Date(
    now.getTime() +
      PROVISION_STALL_MS +
      minutes(template.timeLimitMinutes + maxExtensions * EXTENSION_MINUTES + 5),
  );
}

export type ExpiryReason = 'TIME_LIMIT' | 'IDLE';

/** Why a live session must end now, or null. */
export function expiryDue(session: ExpiryState & { status: SessionStatus }, now: Date): ExpiryReason | null {
  if (!isLive(session.status)) return null;
  if (session.expiresAt <= now) return 'TIME_LIMIT';
  if (session.idleDeadline && session.idleDeadline <= now) return 'IDLE';
  return null;
}

export function expiryMessage(reason: ExpiryReason): string {
  return reason === 'IDLE' ? 'The session was idle for too long.' : 'The session reached its time limit.';
}

export type ExtensionDecision =
  { ok: true; extensions: number; expiresAt: Date } | { ok: false; code: 'EXTENSION_LIMIT' };

/** One more extension of 15 minutes on the hard limit, if the lab allows another. */
export function extend(
  session: { extensions: number; expiresAt: Date },
  maxExtensions: number,
): ExtensionDecision {
  if (session.extensions >= maxExtensions) return { ok: false, code: 'EXTENSION_LIMIT' };
  return {
    ok: true,
    extensions: session.extensions + 1,
    expiresAt: new Date(session.expiresAt.getTime() + minutes(EXTENSION_MINUTES)),
  };
}

/**
 * The warning thresholds a session has crossed with `secondsLeft` to go (none once expired), e.g.
 * 240 s left -> [300]; 50 s left -> [300, 60].
 */
export function warningsDue(secondsLeft: number): number[] {
  if (secondsLeft <= 0) return [];
  return WARNING_THRESHOLDS_SECONDS.filter((threshold) => secondsLeft <= threshold);
}

/** A lab is complete when it has steps and every one of them passed its last check. */
export function allStepsPassed(steps: readonly { status: StepStatus }[]): boolean {
  return steps.length > 0 && steps.every((step) => step.status === 'PASSED');
}

/** Output kept per step check. */
export const STEP_OUTPUT_MAX_BYTES = 4096;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function capUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

export interface CheckOutcome {
  status: 'PASSED' | 'FAILED';
  output: string;
}

/** A check passes on exit code 0 within the time limit; the note on a timeout is kept in the cap. */
export function checkOutcome(result: ExecResult, timeoutMs: number): CheckOutcome {
  const passed = result.exitCode === 0 && !result.timedOut;
  const note = result.timedOut ? `\n[check stopped after ${Math.round(timeoutMs / 1000)} s]` : '';
  const room = STEP_OUTPUT_MAX_BYTES - Buffer.byteLength(note, 'utf8');
  return { status: passed ? 'PASSED' : 'FAILED', output: capUtf8(result.output, room) + note };
}
