/**
 * A hands-on lab: the brief, a sandbox session with a real terminal, and the steps, each checked
 * in the sandbox. Status, provisioning progress, check results and expiry warnings arrive live
 * through `labSessionUpdated`. The lesson completes on the server when every step's check has
 * passed, so there is no "Mark as complete" here; when the session turns COMPLETED the lesson's
 * progress is fetched again.
 */
import { lazy, Suspense } from 'react';
import { useMutation } from '@apollo/client';
import { Markdown } from '../../components/Markdown';
import { TutorPanel } from '../../components/tutor/TutorPanel';
import { ProgressBar } from '../../components/ProgressBar';
import { LabStartMutation } from '@learncraft/operations';
import { ENDED_NOTES, STATUS_LABELS } from '@learncraft/operations/labWording';
import { LabClock, LabControls } from './lab/LabControls';
import { LabSteps } from './lab/LabSteps';
import { ENDED_STATUSES, useLabSession, type LabSessionData } from '@learncraft/operations/useLabSession';
import type { LabContentData, LessonPartProps } from './types';

// xterm.js is large and needed only once a sandbox is READY: its own chunk.
const LabTerminal = lazy(() => import('./lab/LabTerminal'));

export function LabLesson({
  lesson,
  content,
  enrolled,
  labsUnavailable = false,
  onCompleted,
  course,
}: LessonPartProps<LabContentData> & {
  /** The course, for the tutor panel (none without it); the running session goes with questions. */
  course?: { id: string; slug: string };
  /** The labs service did not answer the lesson query: no session is known. */
  labsUnavailable?: boolean;
  /** The session turned COMPLETED: the lesson's progress changed on the server. */
  onCompleted?: () => void;
}) {
  const { session, follow, deadline, liveUpdatesFailed } = useLabSession({
    initial: lesson.viewerLabSession,
    onCompleted,
  });
  const active = !!session && !ENDED_STATUSES.has(session.status);
  const lessonCompleted = lesson.viewerProgress?.status === 'COMPLETED' || session?.status === 'COMPLETED';

  return (
    <div className="lab-lesson">
      <p className="facts">
        <span>Sandbox image: {content.image}</span>
        <span>Time limit: {content.timeLimitMinutes} min</span>
      </p>
      <Markdown source={content.instructions} />

      <section className="lab-session" aria-labelledby="lab-session-heading">
        <h2 id="lab-session-heading">Your sandbox</h2>
        {labsUnavailable && !session && (
          <p className="notice" role="status">
            Lab sandboxes are unavailable at the moment. Please try again in a few minutes.
          </p>
        )}
        {session && <SessionStatus session={session} />}
        {active && liveUpdatesFailed && (
          <p className="form-error" role="alert">
            Live updates of this session stopped. Reload the page to see where it is.
          </p>
        )}
        {active ? (
          <>
            <LabClock session={session} deadline={deadline} />
            <LabControls session={session} />
            {session.status === 'READY' && (
              <Suspense fallback={<p className="terminal-status">Loading the terminal…</p>}>
                <LabTerminal key={session.id} sessionId={session.id} />
              </Suspense>
            )}
          </>
        ) : (
          <StartLab lessonId={lesson.id} enrolled={enrolled} again={!!session} onStarted={follow} />
        )}
      </section>

      <section aria-labelledby="lab-steps-heading">
        <h2 id="lab-steps-heading">Steps</h2>
        <LabSteps steps={content.steps} session={session} />
      </section>

      {lessonCompleted ? (
        <p className="completed-note" role="status">
          ✓ Lesson completed
        </p>
      ) : (
        <p className="hint">This lesson completes when every step&apos;s check passes.</p>
      )}
      {course && (
        <TutorPanel
          courseId={course.id}
          courseSlug={course.slug}
          lessonId={lesson.id}
          labSessionId={active ? session.id : null}
        />
      )}
    </div>
  );
}

function SessionStatus({ session }: { session: LabSessionData }) {
  const provisioning = session.status === 'REQUESTED' || session.status === 'PROVISIONING';
  const note = session.statusMessage ?? ENDED_NOTES[session.status];
  return (
    <div className="lab-status">
      <p aria-live="polite">
        <strong>Status: {STATUS_LABELS[session.status]}</strong>
        {note && <span> — {note}</span>}
      </p>
      {provisioning && <ProgressBar percent={session.progressPercent} label="Sandbox preparation" />}
    </div>
  );
}

function StartLab({
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
  const [start, { loading, error, data }] = useMutation(LabStartMutation, {
    variables: { input: { lessonId } },
    onCompleted: (result) => {
      if (result.labStart.session) onStarted(result.labStart.session.id);
    },
  });
  const userError = data?.labStart.userErrors[0];
  return (
    <div className="complete-row">
      <button
        type="button"
        className="button"
        disabled={!enrolled || loading}
        onClick={() => void start().catch(() => undefined)}
      >
        {loading ? 'Starting…' : again ? 'Start a new session' : 'Start the lab'}
      </button>
      {!enrolled && <p className="hint">Enroll in this course to start the lab.</p>}
      {(userError || error) && (
        <div className="form-error" role="alert">
          <p>{userError?.message ?? 'The lab could not be started. Please try again.'}</p>
          {userError?.code === 'NOT_ENROLLED' && <p>Enroll in this course to start the lab.</p>}
        </div>
      )}
    </div>
  );
}
