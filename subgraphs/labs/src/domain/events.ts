/** The events published on a session's topic after each committed change. */
import type { SessionStatus } from './session';

export type LabEventKind = 'STATUS' | 'CHECK' | 'EXPIRY_WARNING';

export interface LabEventPayload {
  kind: LabEventKind;
  sessionId: string;
  userId: string;
  /** The status right after the change (terminals close when it is no longer READY). */
  status: SessionStatus;
  /** CHECK: the step whose check finished. */
  stepId: string | null;
  /** EXPIRY_WARNING: seconds left. */
  secondsLeft: number | null;
  /** ISO-8601 time of the change. */
  at: string;
}

/** One topic per session: a subscriber receives only the session it follows. */
export const labTopic = (sessionId: string) => `labs:session:${sessionId}`;
