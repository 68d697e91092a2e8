/**
 * The video lesson: resuming at the saved position, heartbeats through the outbox (every 15 s of
 * playback, at once on pause), the transcript seeking the player, or recording the position when
 * the media cannot play, playback speed, and the downloaded file played from the device.
 */
import { act, fireEvent, render, screen } from '@testing-library/react-native';
import { VideoLesson } from '../../src/screens/lesson/VideoLesson';
import type { LessonData } from '../../src/screens/lesson/types';
import { players, type FakePlayer } from './fakeExpoVideo';
import { fakeOutbox } from './fakeOffline';
import { LESSON_ID, lesson, videoContent } from './fixtures';

jest.mock(
  '../../src/offline/OutboxContext',
  () => jest.requireActual<typeof import('./fakeOffline')>('./fakeOffline').outboxModule,
);
jest.mock(
  '../../src/offline/DownloadsContext',
  () => jest.requireActual<typeof import('./fakeOffline')>('./fakeOffline').downloadsModule,
);

const progress = (positionSeconds: number): LessonData['viewerProgress'] => ({
  status: 'IN_PROGRESS',
  positionSeconds,
  completedAt: null,
  quiz: null,
});

async function renderVideo(viewerProgress: LessonData['viewerProgress'] = progress(0)) {
  const content = videoContent();
  await render(<VideoLesson lesson={lesson(content, viewerProgress)} content={content} enrolled />);
  return players.at(-1)!;
}

async function emit(player: FakePlayer, name: string, payload?: unknown) {
  await act(() => player.emit(name, payload));
}

beforeEach(() => {
  fakeOutbox.reset();
  players.length = 0;
});

test('pausing sends a heartbeat with the position the video was paused at', async () => {
  const player = await renderVideo();
  await emit(player, 'statusChange', { status: 'readyToPlay' });
  // Position updates while paused (scrubbing) are not heartbeats.
  await emit(player, 'timeUpdate', { currentTime: 40 });
  expect(fakeOutbox.sent).toEqual([]);
  player.currentTime = 42.37;
  await emit(player, 'playingChange', { isPlaying: false });
  expect(fakeOutbox.sent).toEqual([{ kind: 'videoProgress', lessonId: LESSON_ID, positionSeconds: 42.4 }]);
});

test('while playing, a heartbeat goes out at most every 15 s', async () => {
  const now = jest.spyOn(Date, 'now');
  const player = await renderVideo();
  player.playing = true;
  now.mockReturnValue(1_000_000);
  await emit(player, 'timeUpdate', { currentTime: 10 });
  now.mockReturnValue(1_010_000);
  await emit(player, 'timeUpdate', { currentTime: 20 });
  now.mockReturnValue(1_015_000);
  await emit(player, 'timeUpdate', { currentTime: 25 });
  now.mockRestore();
  expect(fakeOutbox.sent).toEqual([
    { kind: 'videoProgress', lessonId: LESSON_ID, positionSeconds: 10 },
    { kind: 'videoProgress', lessonId: LESSON_ID, positionSeconds: 25 },
  ]);
});

test('the player resumes at the saved position once the video is ready', async () => {
  const player = await renderVideo(progress(30));
  expect(screen.getByText('Resuming at 0:30.')).toBeOnTheScreen();
  expect(player.currentTime).toBe(0);
  await emit(player, 'statusChange', { status: 'readyToPlay' });
  expect(player.currentTime).toBe(30);
});

test('choosing a transcript cue seeks the video to where the cue starts', async () => {
  const player = await renderVideo();
  await emit(player, 'statusChange', { status: 'readyToPlay' });
  await fireEvent.press(screen.getByRole('button', { name: '0:20 Pods.' }));
  expect(player.currentTime).toBe(20);
  expect(screen.getByRole('button', { name: '0:20 Pods.' })).toBeSelected();
});

test('when the video cannot load, choosing a cue records that position through the outbox', async () => {
  const player = await renderVideo();
  await emit(player, 'statusChange', { status: 'error' });
  expect(screen.getByText(/The video could not be loaded\./)).toBeOnTheScreen();
  await fireEvent.press(screen.getByRole('button', { name: '1:10 Services.' }));
  expect(player.currentTime).toBe(0);
  expect(fakeOutbox.sent).toEqual([{ kind: 'videoProgress', lessonId: LESSON_ID, positionSeconds: 70 }]);
});

test('choosing a playback speed sets the player’s rate', async () => {
  const player = await renderVideo();
  await fireEvent.press(screen.getByRole('radio', { name: '1.5×' }));
  expect(player.playbackRate).toBe(1.5);
  expect(screen.getByRole('radio', { name: '1.5×' })).toBeChecked();
});

test('a downloaded lesson plays its file from the device', async () => {
  fakeOutbox.localVideo = 'file:///documents/lessons/intro.mp4';
  const player = await renderVideo();
  expect(player.source).toEqual({ uri: 'file:///documents/lessons/intro.mp4' });
});

test('leaving the lesson saves the position reached', async () => {
  const player = await renderVideo();
  await emit(player, 'timeUpdate', { currentTime: 61 });
  await act(() => screen.unmount());
  expect(fakeOutbox.sent).toEqual([{ kind: 'videoProgress', lessonId: LESSON_ID, positionSeconds: 61 }]);
});
