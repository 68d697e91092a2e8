/**
 * A video lesson. The player resumes from the saved position and reports the position to
 * `videoProgressRecord` every 10 s of playback and at once on pause, seek and end (the server keeps
 * the furthest position and completes the lesson at 90 %).
 *
 * MP4/WebM sources play directly; HLS playlists through hls.js (see useVideoSource).
 *
 * The transcript doubles as chapter navigation: choosing a line seeks the video there. When the
 * video cannot load (offline, blocked host), the transcript stays usable and choosing a line moves
 * the learner's position through the same reporting path, so progress keeps working without media.
 *
 * `startAt` (the lesson URL's `?t=83`, as a tutor citation of the transcript links it) starts the
 * video at that second instead of the saved position, and seeks there again when it changes.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation } from '@apollo/client';
import { VideoProgressRecordMutation } from '@learncraft/operations';
import { clock } from '@learncraft/operations/format';
import { parseVtt } from '@learncraft/operations/vtt';
import { useVideoSource } from '../../lib/useVideoSource';
import { CompleteButton } from './CompleteButton';
import type { LessonPartProps, VideoContentData } from './types';

/** How often a heartbeat is sent while the video plays. */
export const HEARTBEAT_MS = 10_000;

export function VideoLesson({
  lesson,
  content,
  enrolled,
  startAt = null,
}: LessonPartProps<VideoContentData> & {
  /** A second to start at (from the URL), over the saved position. */
  startAt?: number | null;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const saved = lesson.viewerProgress?.positionSeconds ?? 0;
  const [resumeFrom] = useState(startAt === null ? saved : 0);
  const [position, setPosition] = useState(startAt ?? saved);
  // A start the media was not ready for yet: applied once its metadata loads.
  const pendingStart = useRef<number | null>(null);
  const [mediaFailed, setMediaFailed] = useState(false);
  const [record, recording] = useMutation(VideoProgressRecordMutation);
  // A start from the URL is where the learner was sent, not where they got to: not reported.
  const lastSent = useRef({ at: 0, position: startAt ?? saved });
  const cues = useMemo(() => parseVtt(content.transcriptVtt ?? ''), [content.transcriptVtt]);
  const onMediaFailure = useCallback(() => setMediaFailed(true), []);
  useVideoSource(video, content.url, onMediaFailure);

  const report = useCallback(
    (at: number, force: boolean) => {
      if (!enrolled || !Number.isFinite(at)) return;
      const positionSeconds = Math.round(Math.min(Math.max(at, 0), content.durationSeconds) * 10) / 10;
      const now = Date.now();
      if (!force && now - lastSent.current.at < HEARTBEAT_MS) return;
      if (positionSeconds === lastSent.current.position) return;
      lastSent.current = { at: now, position: positionSeconds };
      void record({ variables: { input: { lessonId: lesson.id, positionSeconds } } }).catch(() => undefined);
    },
    [enrolled, content.durationSeconds, lesson.id, record],
  );

  // Leaving the lesson while it plays still saves where the learner got to.
  const positionRef = useRef(position);
  positionRef.current = position;
  useEffect(() => () => report(positionRef.current, true), [report]);

  useEffect(() => {
    if (startAt === null) return;
    const seconds = Math.min(Math.max(startAt, 0), content.durationSeconds);
    setPosition(seconds);
    lastSent.current = { ...lastSent.current, position: seconds };
    const element = video.current;
    if (!element) return;
    // Before its metadata the element keeps this as its start position (and says so as currentTime);
    // hls.js attaching can reset it, so it is applied again on loadedmetadata.
    if (element.readyState < HTMLMediaElement.HAVE_METADATA) pendingStart.current = seconds;
    element.currentTime = seconds;
  }, [startAt, content.durationSeconds]);

  const seekTo = (seconds: number) => {
    setPosition(seconds);
    const element = video.current;
    if (element && !mediaFailed && element.readyState >= HTMLMediaElement.HAVE_METADATA)
      element.currentTime = seconds;
    else report(seconds, true);
  };

  const activeCue = cues.findIndex((cue) => position >= cue.start && position < cue.end);
  const savedPosition = lesson.viewerProgress?.positionSeconds ?? 0;
  const userError = recording.data?.videoProgressRecord.userErrors[0];

  return (
    <div className="video-lesson">
      <div className="player">
        <video
          ref={video}
          controls
          preload="metadata"
          playsInline
          aria-describedby="transcript-heading"
          onLoadedMetadata={(event) => {
            if (pendingStart.current !== null) {
              event.currentTarget.currentTime = pendingStart.current;
              pendingStart.current = null;
            } else if (resumeFrom > 0 && resumeFrom < event.currentTarget.duration - 5)
              event.currentTarget.currentTime = resumeFrom;
          }}
          onTimeUpdate={(event) => {
            setPosition(event.currentTarget.currentTime);
            if (!event.currentTarget.paused) report(event.currentTarget.currentTime, false);
          }}
          onPause={(event) => report(event.currentTarget.currentTime, true)}
          onSeeked={(event) => report(event.currentTarget.currentTime, true)}
          onEnded={(event) => report(event.currentTarget.currentTime, true)}
          onError={onMediaFailure}
        />
        {mediaFailed && (
          <p className="media-error" role="status">
            The video could not be loaded. The transcript below has everything that is said in it — choose a
            line to move your position there.
          </p>
        )}
      </div>
      <p className="video-status" aria-live="polite">
        {startAt !== null && <span>Starting at {clock(startAt)}. </span>}
        {resumeFrom > 0 && <span>Resuming at {clock(resumeFrom)}. </span>}
        {enrolled && <span>Saved position: {clock(savedPosition)}</span>}
        {userError && <span className="form-error"> {userError.message}</span>}
      </p>
      <CompleteButton lesson={lesson} enrolled={enrolled} label="Mark as watched" />
      <section aria-labelledby="transcript-heading" className="transcript">
        <h2 id="transcript-heading">Transcript</h2>
        {cues.length === 0 ? (
          <p>No transcript is available for this video.</p>
        ) : (
          <ol>
            {cues.map((cue, index) => (
              <li key={`${cue.start}-${index}`}>
                <button
                  type="button"
                  className="cue"
                  aria-current={index === activeCue ? 'true' : undefined}
                  onClick={() => seekTo(cue.start)}
                >
                  <time>{clock(cue.start)}</time> <span>{cue.text}</span>
                </button>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
