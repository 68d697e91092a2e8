/**
 * The running session's clock and controls: time left (counting down to expiresAt, or to the
 * server's own deadline from its last EXPIRY_WARNING), the 5- and 1-minute warnings, and Stop,
 * Reset (both destroy work, so both ask first) and Extend.
 */
import { useEffect, useRef, useState } from 'react';
import { useMutation } from '@apollo/client';
import { LabExtendMutation, LabResetMutation, LabStopMutation } from '@learncraft/operations';
import { clock } from '@learncraft/operations/format';
import { useSecondsUntil } from '@learncraft/operations/useSecondsUntil';
import { CONTROL_FAILURES, endTime, expiryWarning } from '@learncraft/operations/labWording';
import type { LabSessionData, ServerDeadline } from '@learncraft/operations/useLabSession';

export function LabClock({
  session,
  deadline,
}: {
  session: LabSessionData;
  deadline: ServerDeadline | null;
}) {
  const target = deadline ? new Date(deadline.at).toISOString() : session.expiresAt;
  const secondsLeft = useSecondsUntil(target);
  const warning = session.status === 'READY' ? expiryWarning(secondsLeft) : null;
  return (
    <>
      <p className="lab-clock">
        Time left: <span role="timer">{clock(secondsLeft)}</span>
      </p>
      {/* Always in the page, so the change to a warning is announced (an inserted region may not be). */}
      <div className="lab-warning-region" aria-live="assertive">
        {warning && <p className="lab-warning">{warning}</p>}
      </div>
    </>
  );
}

export function LabControls({ session }: { session: LabSessionData }) {
  const input = { input: { sessionId: session.id } };
  const [stop, stopping] = useMutation(LabStopMutation, { variables: input });
  const [reset, resetting] = useMutation(LabResetMutation, { variables: input });
  const [extend, extending] = useMutation(LabExtendMutation, { variables: input });
  // The last action's outcome only: an old failure must not linger beside a newer success.
  const [lastAction, setLastAction] = useState<'stop' | 'reset' | 'extend' | null>(null);
  const userErrors = {
    stop: stopping.data?.labStop.userErrors[0],
    reset: resetting.data?.labReset.userErrors[0],
    extend: extending.data?.labExtend.userErrors[0],
  };
  const requestFailed = { stop: stopping.error, reset: resetting.error, extend: extending.error };
  const userError = lastAction ? userErrors[lastAction] : undefined;
  const failed = lastAction ? !!requestFailed[lastAction] : false;
  const extendedUntil =
    lastAction === 'extend' && !userError ? extending.data?.labExtend.session?.expiresAt : null;
  const busy = stopping.loading || resetting.loading || extending.loading;
  const ready = session.status === 'READY';

  const run = (action: 'stop' | 'reset' | 'extend') => {
    setLastAction(action);
    const mutate = { stop, reset, extend }[action];
    void mutate().catch(() => undefined);
  };

  return (
    <div className="lab-controls">
      <div className="lab-buttons">
        <ConfirmAction
          label="Stop"
          question="Stop the lab? Its sandbox and everything in it are deleted."
          confirmLabel="Stop lab"
          disabled={busy || session.status === 'STOPPING'}
          onConfirm={() => run('stop')}
        />
        <ConfirmAction
          label="Reset"
          question="Reset the lab? You get a fresh sandbox, and every step's result is cleared."
          confirmLabel="Reset lab"
          disabled={busy || !ready}
          onConfirm={() => run('reset')}
        />
        <button
          type="button"
          className="button secondary"
          disabled={busy || !ready}
          onClick={() => run('extend')}
        >
          {extending.loading ? 'Extending…' : 'Extend'}
        </button>
      </div>
      {/* The countdown is not announced every second, so the new end is said once here. */}
      <p className="hint" aria-live="polite">
        {extendedUntil && `Extended: the session now ends at ${endTime(extendedUntil)}.`}
      </p>
      {(userError || failed) && lastAction && (
        <p className="form-error" role="alert">
          {userError?.message ?? CONTROL_FAILURES[lastAction]}
        </p>
      )}
    </div>
  );
}

/** A button whose action runs only after the learner confirms it in place. */
function ConfirmAction({
  label,
  question,
  confirmLabel,
  disabled,
  onConfirm,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  disabled: boolean;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  // After Cancel, focus goes back where it was rather than to the top of the page.
  const refocus = useRef(false);
  useEffect(() => {
    if (asking || !refocus.current) return;
    refocus.current = false;
    trigger.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button
        ref={trigger}
        type="button"
        className="button secondary"
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  return (
    <div className="confirm" role="group" aria-label={question}>
      <p>{question}</p>
      <button
        type="button"
        className="button danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      {/* Focus goes to the harmless choice: Enter on a misplaced focus must not delete work. */}
      <button
        type="button"
        className="button secondary"
        autoFocus
        onClick={() => {
          refocus.current = true;
          setAsking(false);
        }}
      >
        Cancel
      </button>
    </div>
  );
}
