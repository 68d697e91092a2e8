/**
 * The lab's steps with their instructions and, once a session exists, each step's last check:
 * a status icon, the result (announced politely as it arrives, by the mutation or by a CHECK
 * event) and the check's output. A step is checked in the sandbox, so Check works only while the
 * session is READY. Where the page has a tutor, each step not yet passed offers a Hint: it streams
 * into the tutor panel like an answer, more specific each time it is asked for (up to level 3).
 */
import { useMutation } from '@apollo/client';
import { Markdown } from '../../../components/Markdown';
import { tutorErrorMessage } from '@learncraft/operations/tutorErrors';
import { useTutor } from '../../../components/tutor/TutorContext';
import { LabHintRequestMutation, LabStepCheckMutation } from '@learncraft/operations';
import { STEP_STATUS, stepResult } from '@learncraft/operations/labWording';
import type { LabContentData } from '../types';
import type { LabSessionData } from '@learncraft/operations/useLabSession';

type ContentStep = LabContentData['steps'][number];
type SessionStep = LabSessionData['steps'][number];

export function LabSteps({
  steps,
  session,
}: {
  steps: LabContentData['steps'];
  session: LabSessionData | null;
}) {
  const states = new Map(session?.steps.map((step) => [step.id, step]));
  return (
    <ol className="lab-steps">
      {steps.map((step, index) => (
        <LabStep
          key={step.id}
          number={index + 1}
          step={step}
          state={states.get(step.id) ?? null}
          sessionId={session?.status === 'READY' ? session.id : null}
        />
      ))}
    </ol>
  );
}

function LabStep({
  number,
  step,
  state,
  sessionId,
}: {
  number: number;
  step: ContentStep;
  state: SessionStep | null;
  /** The READY session to check in; null when checking is not possible now. */
  sessionId: string | null;
}) {
  const [check, checking] = useMutation(LabStepCheckMutation);
  const status = state?.status ?? 'PENDING';
  const { symbol, label } = STEP_STATUS[status];
  const userError = checking.data?.labStepCheck.userErrors[0];
  const busy = checking.loading || status === 'CHECKING';
  const result = stepResult(number, status);

  return (
    <li className={`lab-step step-${status.toLowerCase()}`}>
      <h3>
        <span className="step-icon" aria-hidden="true">
          {symbol}
        </span>{' '}
        {step.title} <span className="visually-hidden">({label})</span>
      </h3>
      <Markdown source={step.instructions} />
      <div className="step-check">
        <button
          type="button"
          className="button secondary"
          disabled={!sessionId || busy}
          onClick={() =>
            sessionId &&
            void check({ variables: { input: { sessionId, stepId: step.id } } }).catch(() => undefined)
          }
        >
          {busy ? 'Checking…' : 'Check'}
          <span className="visually-hidden"> step {number}</span>
        </button>
        <p className="step-result" aria-live="polite">
          {result}
        </p>
      </div>
      {(userError || checking.error) && (
        <p className="form-error" role="alert">
          {userError?.message ?? 'The check could not be run. Please try again.'}
        </p>
      )}
      {status !== 'PASSED' && <StepHint number={number} stepId={step.id} sessionId={sessionId} />}
      {state?.lastOutput && (
        <figure className="check-output">
          <figcaption>Output of the last check</figcaption>
          <pre>{state.lastOutput}</pre>
        </figure>
      )}
    </li>
  );
}

/** Asks the tutor for a hint on one step; the hint appears in the tutor panel. */
function StepHint({
  number,
  stepId,
  sessionId,
}: {
  number: number;
  stepId: string;
  sessionId: string | null;
}) {
  const tutor = useTutor();
  const [request, requesting] = useMutation(LabHintRequestMutation);
  if (!tutor) return null;
  const userError = requesting.data?.labHintRequest.userErrors[0];
  const problem = userError?.message ?? (requesting.error ? tutorErrorMessage(requesting.error) : null);

  const onHint = async () => {
    if (!sessionId) return;
    const result = await request({ variables: { input: { sessionId, stepId } } }).catch(() => undefined);
    const payload = result?.data?.labHintRequest;
    if (!payload?.message) return;
    tutor.follow({ ...payload.message, hintLevel: payload.message.hintLevel ?? payload.level });
    // The hint is written in the tutor panel below the steps: bring it into view (not focus, which
    // stays on the step; the panel's live region announces the hint).
    const panel = document.getElementById('tutor-heading');
    if (panel && 'scrollIntoView' in panel) panel.scrollIntoView({ block: 'nearest' });
  };

  return (
    <div className="step-hint">
      <button
        type="button"
        className="button secondary"
        disabled={!sessionId || tutor.busy || requesting.loading}
        onClick={() => void onHint()}
      >
        {requesting.loading ? 'Asking for a hint…' : 'Hint'}
        <span className="visually-hidden"> for step {number}</span>
      </button>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
