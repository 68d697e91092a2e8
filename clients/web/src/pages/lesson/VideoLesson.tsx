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
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation } from '@apollo/client';
import { VideoProgressRecordMutation } from '../../graphql/operations';
import { clock } from '../../lib/format';
import { parseVtt } from '../../lib/vtt';
import { useVideoSource } from '../../lib/useVideoSource';
import { CompleteButton } from './CompleteButton';
import type { LessonPartProps, VideoContentData } from './types';

/** How often a heartbeat is sent while the video plays. */
export const HEARTBEAT_MS = 10_000;

export function VideoLesson({ lesson, content, enrolled }: LessonPartProps<VideoContentData>) {
  const video = useRef<HTMLVideoElement>(null);
  const saved = lesson.viewerProgress?.positionSeconds ?? 0;
  const [resumeFrom] = useState(saved);
  const [position, setPosition] = useState(saved);
  const [mediaFailed, setMediaFailed] = useState(false);
  const [record, recording] = useMutation(VideoProgressRecordMutation);
  const lastSent = useRef({ at: 0, position: saved });
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
            if (resumeFrom > 0 && resumeFrom < event.currentTarget.duration - 5)
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
