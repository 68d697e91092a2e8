/**
 * A video lesson. The player resumes from the saved position (or starts where a tutor citation
 * sent the learner) and reports the position through the outbox every 15 s of playback and at
 * once on pause, at the end and on leaving, so positions reached offline are kept and sent when
 * the connection returns (the server keeps the furthest and completes the lesson at 90 %). A
 * downloaded lesson plays its file from the device.
 *
 * The transcript doubles as chapter navigation: choosing a line seeks the video there. When the
 * video cannot load (offline without a download, a blocked host), the transcript stays usable and
 * choosing a line records that position through the same path, as on the web.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Pressable, Text, View } from 'react-native';
import { clock } from '@learncraft/operations/format';
import { parseVtt } from '@learncraft/operations/vtt';
import { useDownloads } from '../../offline/DownloadsContext';
import { useOutbox } from '../../offline/OutboxContext';
import { CompleteButton } from '../../components/learning/CompleteButton';
import { Transcript } from '../../components/Transcript';
import { VideoPlayer, type VideoPlayerHandle } from '../../components/VideoPlayer';
import { Body, Notice } from '../../ui';
import { MIN_TOUCH, useTheme } from '../../theme';
import type { LessonPartProps, VideoContentData } from './types';

/** How often a heartbeat is sent while the video plays. */
export const HEARTBEAT_MS = 15_000;

export const PLAYBACK_RATES = [0.75, 1, 1.25, 1.5, 2] as const;

export function VideoLesson({
  lesson,
  content,
  enrolled,
  startAt = null,
}: LessonPartProps<VideoContentData> & {
  /** A second to start at (a tutor citation of the transcript), over the saved position. */
  startAt?: number | null;
}) {
  const { spacing } = useTheme();
  const outbox = useOutbox();
  const downloads = useDownloads();
  const player = useRef<VideoPlayerHandle>(null);
  const saved = lesson.viewerProgress?.positionSeconds ?? 0;
  const [resumeFrom] = useState(startAt ?? saved);
  const [position, setPosition] = useState(startAt ?? saved);
  const [rate, setRate] = useState(1);
  const [mediaFailed, setMediaFailed] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // A start from a citation is where the learner was sent, not where they got to: not reported.
  const lastSent = useRef({ at: 0, position: startAt ?? saved });
  const cues = useMemo(() => parseVtt(content.transcriptVtt ?? ''), [content.transcriptVtt]);
  const uri = downloads.localVideoUri(lesson.id) ?? content.url;

  const report = useCallback(
    (at: number, force: boolean) => {
      if (!enrolled || !Number.isFinite(at)) return;
      const positionSeconds = Math.round(Math.min(Math.max(at, 0), content.durationSeconds) * 10) / 10;
      const now = Date.now();
      if (!force && now - lastSent.current.at < HEARTBEAT_MS) return;
      if (positionSeconds === lastSent.current.position) return;
      lastSent.current = { at: now, position: positionSeconds };
      outbox.send({ kind: 'videoProgress', lessonId: lesson.id, positionSeconds }).then(
        (outcome) =>
          setProblem(
            outcome.status === 'sent'
              ? (outcome.result.userErrors[0]?.message ?? null)
              : outcome.status === 'refused'
                ? outcome.message
                : null,
          ),
        () => undefined,
      );
    },
    [enrolled, content.durationSeconds, lesson.id, outbox],
  );

  // Leaving the lesson while it plays still saves where the learner got to.
  const positionRef = useRef(position);
  positionRef.current = position;
  const reportRef = useRef(report);
  reportRef.current = report;
  useEffect(() => () => reportRef.current(positionRef.current, true), []);

  const seekTo = (seconds: number) => {
    setPosition(seconds);
    const moved = !mediaFailed && (player.current?.seekTo(seconds) ?? false);
    if (!moved) report(seconds, true);
  };

  const activeCue = cues.findIndex((cue) => position >= cue.start && position < cue.end);

  return (
    <View style={{ gap: spacing.md }}>
      <VideoPlayer
        ref={player}
        uri={uri}
        resumeFrom={resumeFrom}
        playbackRate={rate}
        accessibilityLabel={`Video: ${lesson.title}`}
        onTimeUpdate={(seconds, playing) => {
          setPosition(seconds);
          if (playing) report(seconds, false);
        }}
        onPause={(seconds) => report(seconds, true)}
        onEnd={(seconds) => report(seconds, true)}
        onFailure={() => setMediaFailed(true)}
      />
      {mediaFailed && (
        <Notice tone="warning">
          The video could not be loaded. The transcript below has everything that is said in it — choose a
          line to move your position there.
        </Notice>
      )}
      <SpeedChooser rate={rate} onChange={setRate} />
      <View accessibilityLiveRegion="polite">
        {startAt !== null && <Body muted>Starting at {clock(startAt)}.</Body>}
        {startAt === null && resumeFrom > 0 && <Body muted>Resuming at {clock(resumeFrom)}.</Body>}
        {enrolled && <Body muted>Saved position: {clock(saved)}</Body>}
      </View>
      {problem && <Notice tone="error">{problem}</Notice>}
      <CompleteButton lesson={lesson} enrolled={enrolled} label="Mark as watched" />
      <Transcript cues={cues} activeIndex={activeCue} onChoose={seekTo} />
    </View>
  );
}

function SpeedChooser({ rate, onChange }: { rate: number; onChange: (rate: number) => void }) {
  const { colors, spacing } = useTheme();
  return (
    <View accessibilityRole="radiogroup" accessibilityLabel="Playback speed" style={{ gap: spacing.xs }}>
      <Text style={{ color: colors.text, fontSize: 15, fontWeight: '600' }}>Playback speed</Text>
      <View style={{ flexDirection: 'row', flexWrap: 'wrap', gap: spacing.xs }}>
        {PLAYBACK_RATES.map((option) => {
          const selected = option === rate;
          return (
            <Pressable
              key={option}
              accessibilityRole="radio"
              accessibilityLabel={`${option}×`}
              aria-checked={selected}
              onPress={() => onChange(option)}
              style={{
                minWidth: MIN_TOUCH,
                minHeight: MIN_TOUCH,
                paddingHorizontal: spacing.sm,
                alignItems: 'center',
                justifyContent: 'center',
                borderRadius: 8,
                borderWidth: 1,
                borderColor: selected ? colors.primary : colors.border,
                backgroundColor: selected ? colors.primary : colors.surface,
              }}
            >
              <Text
                style={{ color: selected ? colors.onPrimary : colors.text, fontSize: 15, fontWeight: '600' }}
              >
                {option}×
              </Text>
            </Pressable>
          );
        })}
      </View>
    </View>
  );
}
