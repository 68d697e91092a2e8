/**
 * What both clients say about a lab: the session's statuses, the note on a session that has
 * ended, each step's state, the expiry warnings, the failures of the session's controls and the
 * terminal connection's state. One wording, so the web app and the phone tell a learner the same.
 */
import type { LabSessionStatus, LabStepStatus } from './generated/graphql';
import type { ConnectionState } from './terminal';

export const STATUS_LABELS: Record<LabSessionStatus, string> = {
  REQUESTED: 'Requested',
  PROVISIONING: 'Preparing your sandbox',
  READY: 'Ready',
  STOPPING: 'Stopping',
  STOPPED: 'Stopped',
  COMPLETED: 'Completed',
  EXPIRED: 'Expired',
  FAILED: 'Failed',
};

/** What to say about a session that has ended, when the server gave no message of its own. */
export const ENDED_NOTES: Partial<Record<LabSessionStatus, string>> = {
  STOPPED: 'You stopped this session; its sandbox has been deleted.',
  COMPLETED: 'Every step passed: well done!',
  EXPIRED: 'This session ran out of time; its sandbox has been deleted.',
  FAILED: 'The sandbox could not be created or was lost.',
};

export const STEP_STATUS: Record<LabStepStatus, { symbol: string; label: string }> = {
  PENDING: { symbol: '○', label: 'Not checked yet' },
  CHECKING: { symbol: '◌', label: 'Checking' },
  PASSED: { symbol: '✓', label: 'Passed' },
  FAILED: { symbol: '✗', label: 'Failed' },
};

/** A step's last check in a sentence ('' before any). */
export function stepResult(number: number, status: LabStepStatus): string {
  if (status === 'CHECKING') return 'Checking…';
  if (status === 'PASSED') return `Step ${number} passed.`;
  if (status === 'FAILED') return `Step ${number} failed: see the output, fix it and check again.`;
  return '';
}

/** Warnings are shown from these many seconds before the end. */
export const WARN_AT_SECONDS = { first: 300, last: 60 } as const;

export function expiryWarning(secondsLeft: number): string | null {
  if (secondsLeft <= WARN_AT_SECONDS.last)
    return 'Less than 1 minute left: the sandbox will be deleted. Extend the session to keep working.';
  if (secondsLeft <= WARN_AT_SECONDS.first)
    return 'Less than 5 minutes left. Extend the session if you need more time.';
  return null;
}

export const CONTROL_FAILURES = {
  stop: 'Stopping the lab failed. Please try again.',
  reset: 'Resetting the lab failed. Please try again.',
  extend: 'Extending the lab failed. Please try again.',
} as const;

/** "12:45 PM" (in the learner's locale): when the session ends. */
export function endTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

export function describeConnection(state: ConnectionState): string {
  switch (state.kind) {
    case 'connecting':
      return 'Connecting to your sandbox…';
    case 'open':
      return 'Connected to your sandbox.';
    case 'reconnecting':
      return `The connection dropped. Reconnecting in ${Math.ceil(state.delayMs / 1000)} s…`;
    case 'closed':
      return state.reason === 'ended'
        ? 'The terminal closed: the session has ended.'
        : state.reason === 'notRunning'
          ? 'The terminal closed: the session is not running.'
          : 'The terminal could not reconnect.';
  }
}
