/**
 * A lesson's video through expo-video: the platform's own player (native controls, picture in
 * picture, HLS and MP4 alike), started at the position to resume from once the source is ready,
 * at the chosen playback speed. What the lesson needs of playback comes out as callbacks (the
 * position as it moves, pauses, the end, a source that cannot load) and `seekTo` goes in through
 * the handle, so the heartbeat rules live in the lesson, not in the player.
 */
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import { useVideoPlayer, VideoView } from 'expo-video';

export interface VideoPlayerHandle {
  /** Moves playback to a second; false when the source is not ready (nothing moved). */
  seekTo(seconds: number): boolean;
}

export interface VideoPlayerProps {
  uri: string;
  /** The saved position, applied once when the source is ready (not within 5 s of the end). */
  resumeFrom: number;
  playbackRate: number;
  accessibilityLabel: string;
  onTimeUpdate: (seconds: number, playing: boolean) => void;
  onPause: (seconds: number) => void;
  onEnd: (seconds: number) => void;
  onFailure: () => void;
  ref?: Ref<VideoPlayerHandle>;
}

/** Seconds between position updates while playing. */
const TIME_UPDATE_INTERVAL = 1;
/** A resume this close to the end would only replay the credits: the video starts over instead. */
const RESUME_MARGIN_SECONDS = 5;

export function VideoPlayer(props: VideoPlayerProps) {
  const player = useVideoPlayer({ uri: props.uri }, (created) => {
    created.timeUpdateEventInterval = TIME_UPDATE_INTERVAL;
  });
  const ready = useRef(false);
  // The latest callbacks, read by listeners subscribed once per player.
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    ready.current = false;
    const subscriptions = [
      player.addListener('statusChange', ({ status }) => {
        if (status === 'error') return latest.current.onFailure();
        if (status !== 'readyToPlay' || ready.current) return;
        ready.current = true;
        const resume = latest.current.resumeFrom;
        if (resume > 0 && resume < player.duration - RESUME_MARGIN_SECONDS) player.currentTime = resume;
      }),
      player.addListener('timeUpdate', ({ currentTime }) =>
        latest.current.onTimeUpdate(currentTime, player.playing),
      ),
      player.addListener('playingChange', ({ isPlaying }) => {
        if (!isPlaying) latest.current.onPause(player.currentTime);
      }),
      player.addListener('playToEnd', () => latest.current.onEnd(player.currentTime)),
    ];
    return () => {
      for (const subscription of subscriptions) subscription.remove();
    };
  }, [player]);

  useEffect(() => {
    player.playbackRate = props.playbackRate;
  }, [player, props.playbackRate]);

  useImperativeHandle(
    props.ref,
    () => ({
      seekTo: (seconds) => {
        if (!ready.current) return false;
        player.currentTime = seconds;
        return true;
      },
    }),
    [player],
  );

  return (
    <VideoView
      player={player}
      nativeControls
      allowsPictureInPicture
      accessibilityLabel={props.accessibilityLabel}
      style={{ width: '100%', aspectRatio: 16 / 9 }}
    />
  );
}
