/**
 * The pieces of the lab screen, as on the web: the session's status (with the sandbox's
 * preparation progress), its clock and expiry warnings, Stop / Reset (both destroy work, so both
 * ask first) / Extend, Start, and the steps with their checks. Every status and result is the
 * server's, as the cache holds it (see useLabSession); the wording is shared (labWording).
 */
import { useState } from 'react';
import { Text, View } from 'react-native';
import { useMutation } from '@apollo/client';
import {
  LabExtendMutation,
  LabHintRequestMutation,
  LabResetMutation,
  LabStartMutation,
  LabStepCheckMutation,
  LabStopMutation,
} from '@learncraft/operations';
import { clock } from '@learncraft/operations/format';
import {
  CONTROL_FAILURES,
  ENDED_NOTES,
  endTime,
  expiryWarning,
  STATUS_LABELS,
  STEP_STATUS,
  stepResult,
} from '@learncraft/operations/labWording';
import type { LabSessionData, ServerDeadline } from '@learncraft/operations/useLabSession';
import { tutorErrorMessage } from '@learncraft/operations/tutorErrors';
import { useSecondsUntil } from '@learncraft/operations/useSecondsUntil';
import { Markdown } from '../Markdown';
import { Body, Button, Card, Heading, Notice } from '../../ui';
import { useTheme } from '../../theme';
import type { LabContentData } from '../../screens/lesson/types';
import type { TutorThreadState } from './TutorConversation';

export function SessionStatus({ session }: { session: LabSessionData }) {
  const { colors, spacing } = useTheme();
  const provisioning = session.status === 'REQUESTED' || session.status === 'PROVISIONING';
  const note = session.statusMessage ?? ENDED_NOTES[session.status];
  return (
    <View style={{ gap: spacing.sm }}>
      <View accessibilityLiveRegion="polite" role="status">
        <Text style={{ color: colors.text, fontSize: 16 }}>
          <Text style={{ fontWeight: '700' }}>Status: {STATUS_LABELS[session.status]}</Text>
          {note ? ` — ${note}` : ''}
        </Text>
      </View>
      {provisioning && (
        <View
          accessibilityRole="progressbar"
          accessibilityLabel="Sandbox preparation"
          // aria-* rather than accessibilityValue: react-native-web passes only these on to the DOM.
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={session.progressPercent}
          style={{ gap: spacing.xs }}
        >
          <View style={{ height: 8, borderRadius: 4, backgroundColor: colors.border }}>
            <View
              style={{
                height: 8,
                borderRadius: 4,
                width: `${Math.min(100, Math.max(0, session.progressPercent))}%`,
                backgroundColor: colors.primary,
              }}
            />
          </View>
          <Body muted>{session.progressPercent}% prepared</Body>
        </View>
      )}
    </View>
  );
}

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
    <View>
      <Body>Time left: {clock(secondsLeft)}</Body>
      {/* Always there, so the change to a warning is announced. */}
      <View accessibilityLiveRegion="assertive">{warning && <Notice tone="warning">{warning}</Notice>}</View>
    </View>
  );
}

type Action = 'stop' | 'reset' | 'extend';

export function LabControls({ session }: { session: LabSessionData }) {
  const { spacing } = useTheme();
  const variables = { input: { sessionId: session.id } };
  const [stop, stopping] = useMutation(LabStopMutation, { variables });
  const [reset, resetting] = useMutation(LabResetMutation, { variables });
  const [extend, extending] = useMutation(LabExtendMutation, { variables });
  // The last action's outcome only: an old failure must not linger beside a newer success.
  const [lastAction, setLastAction] = useState<Action | null>(null);
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

  const run = (action: Action) => {
    setLastAction(action);
    void { stop, reset, extend }[action]().catch(() => undefined);
  };

  return (
    <View style={{ gap: spacing.sm }}>
      <View style={{ flexDirection: 'row', flexWrap: 'wrap', gap: spacing.sm }}>
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
        <Button
          label={extending.loading ? 'Extending…' : 'Extend'}
          variant="secondary"
          disabled={busy || !ready}
          onPress={() => run('extend')}
        />
      </View>
      <View accessibilityLiveRegion="polite">
        {extendedUntil ? <Body>Extended: the session now ends at {endTime(extendedUntil)}.</Body> : null}
      </View>
      {(userError || failed) && lastAction && (
        <Notice tone="error">{userError?.message ?? CONTROL_FAILURES[lastAction]}</Notice>
      )}
    </View>
  );
}

/** A button whose action runs only after the learner confirms it in place. */
function ConfirmAction(props: {
  label: string;
  question: string;
  confirmLabel: string;
  disabled: boolean;
  onConfirm: () => void;
}) {
  const { spacing } = useTheme();
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button
        label={props.label}
        variant="secondary"
        disabled={props.disabled}
        onPress={() => setAsking(true)}
      />
    );
  return (
    <View accessibilityRole="alert" style={{ gap: spacing.sm, width: '100%' }}>
      <Body>{props.question}</Body>
      <View style={{ flexDirection: 'row', flexWrap: 'wrap', gap: spacing.sm }}>
        <Button
          label={props.confirmLabel}
          variant="danger"
          onPress={() => {
            setAsking(false);
            props.onConfirm();
          }}
        />
        <Button label="Cancel" variant="secondary" onPress={() => setAsking(false)} />
      </View>
    </View>
  );
}

export function StartLab({
  lessonId,
  enrolled,
  again,
  onStarted,
}: {
  lessonId: string;
  enrolled: boolean;
  /** An earlier session has ended. */
  again: boolean;
  onStarted: (sessionId: string) => void;
}) {
  const { spacing } = useTheme();
  const [start, { loading, error, data }] = useMutation(LabStartMutation, {
    variables: { input: { lessonId } },
    onCompleted: (result) => {
      if (result.labStart.session) onStarted(result.labStart.session.id);
    },
  });
  const userError = data?.labStart.userErrors[0];
  return (
    <View style={{ gap: spacing.sm }}>
      <Button
        label={loading ? 'Starting…' : again ? 'Start a new session' : 'Start the lab'}
        disabled={!enrolled}
        busy={loading}
        onPress={() => void start().catch(() => undefined)}
      />
      {!enrolled && <Body muted>Enroll in this course to start the lab.</Body>}
      {(userError || error) && (
        <Notice tone="error">
          {userError?.message ?? 'The lab could not be started. Please try again.'}
          {userError?.code === 'NOT_ENROLLED' ? ' Enroll in this course to start the lab.' : ''}
        </Notice>
      )}
    </View>
  );
}

type ContentStep = LabContentData['steps'][number];
type SessionStep = LabSessionData['steps'][number];

export function LabSteps({
  steps,
  session,
  tutor = null,
}: {
  steps: LabContentData['steps'];
  session: LabSessionData | null;
  /** The screen's tutor thread, where hints appear; no Hint buttons without one. */
  tutor?: TutorThreadState | null;
}) {
  const { spacing } = useTheme();
  const states = new Map(session?.steps.map((step) => [step.id, step]));
  return (
    <View accessibilityRole="list" style={{ gap: spacing.md }}>
      {steps.map((step, index) => (
        <LabStep
          key={step.id}
          number={index + 1}
          step={step}
          state={states.get(step.id) ?? null}
          sessionId={session?.status === 'READY' ? session.id : null}
          tutor={tutor}
        />
      ))}
    </View>
  );
}

function LabStep({
  number,
  step,
  state,
  sessionId,
  tutor,
}: {
  number: number;
  step: ContentStep;
  state: SessionStep | null;
  /** The READY session to check in; null when checking is not possible now. */
  sessionId: string | null;
  tutor: TutorThreadState | null;
}) {
  const { colors, spacing } = useTheme();
  const [check, checking] = useMutation(LabStepCheckMutation);
  const status = state?.status ?? 'PENDING';
  const { symbol, label } = STEP_STATUS[status];
  const userError = checking.data?.labStepCheck.userErrors[0];
  const busy = checking.loading || status === 'CHECKING';
  const result = stepResult(number, status);
  return (
    <Card>
      <Heading level={3}>{`${symbol} ${step.title}`}</Heading>
      <Body muted>{label}</Body>
      <Markdown source={step.instructions} />
      <Button
        label={busy ? 'Checking…' : 'Check'}
        accessibilityLabel={`Check step ${number}`}
        variant="secondary"
        disabled={!sessionId || busy}
        onPress={() =>
          sessionId &&
          void check({ variables: { input: { sessionId, stepId: step.id } } }).catch(() => undefined)
        }
      />
      <View accessibilityLiveRegion="polite">{result ? <Body>{result}</Body> : null}</View>
      {(userError || checking.error) && (
        <Notice tone="error">{userError?.message ?? 'The check could not be run. Please try again.'}</Notice>
      )}
      {status !== 'PASSED' && tutor && (
        <StepHint number={number} stepId={step.id} sessionId={sessionId} tutor={tutor} />
      )}
      {state?.lastOutput ? (
        <View style={{ gap: spacing.xs }}>
          <Body muted>Output of the last check</Body>
          <Text
            selectable
            style={{
              fontFamily: 'monospace',
              fontSize: 13,
              color: colors.codeText,
              backgroundColor: colors.code,
              padding: spacing.sm,
            }}
          >
            {state.lastOutput}
          </Text>
        </View>
      ) : null}
    </Card>
  );
}

/**
 * Asks the tutor for a hint on one step, more specific each time (up to level 3); the hint is
 * written into the screen's tutor conversation as it streams.
 */
function StepHint({
  number,
  stepId,
  sessionId,
  tutor,
}: {
  number: number;
  stepId: string;
  sessionId: string | null;
  tutor: TutorThreadState;
}) {
  const [request, requesting] = useMutation(LabHintRequestMutation);
  const userError = requesting.data?.labHintRequest.userErrors[0];
  const problem = userError?.message ?? (requesting.error ? tutorErrorMessage(requesting.error) : null);

  const onHint = async () => {
    if (!sessionId) return;
    const result = await request({ variables: { input: { sessionId, stepId } } }).catch(() => undefined);
    const payload = result?.data?.labHintRequest;
    if (payload?.message)
      tutor.follow({ ...payload.message, hintLevel: payload.message.hintLevel ?? payload.level });
  };

  return (
    <>
      <Button
        label={requesting.loading ? 'Asking for a hint…' : 'Hint'}
        accessibilityLabel={`Hint for step ${number}`}
        accessibilityHint="The hint appears in the tutor conversation below the steps"
        variant="secondary"
        disabled={!sessionId || tutor.busy || requesting.loading}
        onPress={() => void onHint()}
      />
      {problem && <Notice tone="error">{problem}</Notice>}
    </>
  );
}
