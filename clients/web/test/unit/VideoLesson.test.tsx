/**
 * @jest-environment jsdom
 *
 * The video lesson's progress reporting: a heartbeat at most every 10 s while playing, an
 * immediate report on pause, seek and end, positions clamped to the lesson's duration, and the
 * transcript as a way to move the position when the media cannot load. The <video> element's
 * playback state is stubbed and its events fired by hand; time is Jest's fake clock.
 */
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { VideoProgressRecordMutation } from '@learncraft/operations';
import { HEARTBEAT_MS, VideoLesson } from '../../src/pages/lesson/VideoLesson';
import { LESSON_ID, lesson, videoContent } from './fixtures';
import type { VideoContentData } from '../../src/pages/lesson/types';

const hls = {
  supported: true,
  instances: [] as {
    handlers: Map<string, (event: string, data: { fatal: boolean }) => void>;
    loadSource: jest.Mock;
    attachMedia: jest.Mock;
    destroy: jest.Mock;
  }[],
};
jest.mock('hls.js', () => {
  class FakeHls {
    static Events = { ERROR: 'hlsError' };
    static isSupported = () => hls.supported;
    handlers = new Map<string, (event: string, data: { fatal: boolean }) => void>();
    loadSource = jest.fn();
    attachMedia = jest.fn();
    destroy = jest.fn();
    constructor() {
      hls.instances.push(this);
    }
    on(event: string, handler: (event: string, data: { fatal: boolean }) => void) {
      this.handlers.set(event, handler);
    }
  }
  return { __esModule: true, default: FakeHls };
});

interface Media {
  currentTime: number;
  paused: boolean;
  readyState: number;
  duration: number;
}

let reports: number[];
let userErrors: { code: string; message: string }[];

const recordMock: MockedResponse = {
  request: { query: VideoProgressRecordMutation },
  variableMatcher: () => true,
  maxUsageCount: Number.POSITIVE_INFINITY,
  result: (variables: Record<string, any>) => {
    expect(Object.keys(variables.input as object)).toEqual(['lessonId', 'positionSeconds']);
    expect(variables.input.lessonId).toBe(LESSON_ID);
    reports.push(variables.input.positionSeconds as number);
    return {
      data: {
        videoProgressRecord: {
          __typename: 'VideoProgressRecordPayload',
          lessonProgress: null,
          enrollment: null,
          userErrors: userErrors.map((e) => ({ __typename: 'UserError', ...e })),
        },
      },
    };
  },
};

/** Lets the clock run (and Apollo deliver its mocked answers) inside React's act. */
const later = (ms = 0) => act(async () => void (await jest.advanceTimersByTimeAsync(ms)));

function renderVideo({
  content = videoContent(),
  saved = 0,
  enrolled = true,
  startAt = null as number | null,
} = {}) {
  const progress = saved
    ? { status: 'IN_PROGRESS' as const, positionSeconds: saved, completedAt: null, quiz: null }
    : null;
  const view = render(
    <MockedProvider mocks={[recordMock]}>
      <VideoLesson
        lesson={lesson(content, progress)}
        content={content}
        enrolled={enrolled}
        startAt={startAt}
      />
    </MockedProvider>,
  );
  const restart = (at: number | null) =>
    view.rerender(
      <MockedProvider mocks={[recordMock]}>
        <VideoLesson lesson={lesson(content, progress)} content={content} enrolled={enrolled} startAt={at} />
      </MockedProvider>,
    );
  const video = view.container.querySelector('video')!;
  const media: Media = {
    currentTime: saved,
    paused: true,
    readyState: HTMLMediaElement.HAVE_NOTHING,
    duration: Number.NaN,
  };
  Object.defineProperties(video, {
    currentTime: {
      get: () => media.currentTime,
      set: (value: number) => void (media.currentTime = value),
      configurable: true,
    },
    paused: { get: () => media.paused, configurable: true },
    readyState: { get: () => media.readyState, configurable: true },
    duration: { get: () => media.duration, configurable: true },
  });
  /** The browser's regular `timeupdate` while playing at `at` seconds. */
  const tick = (at: number) => {
    media.paused = false;
    media.currentTime = at;
    fireEvent.timeUpdate(video);
  };
  return { ...view, video, media, tick, restart };
}

beforeEach(() => {
  jest.useFakeTimers({ now: Date.parse('2030-01-01T12:00:00.000Z') });
  reports = [];
  userErrors = [];
  hls.supported = true;
  hls.instances = [];
});

afterEach(() => {
  jest.useRealTimers();
});

describe('VideoLesson progress reporting', () => {
  it('reports when playback starts, then at most once every 10 s while playing', async () => {
    const { tick } = renderVideo();
    tick(0.5);
    await later(4_000);
    tick(4.5);
    await later(HEARTBEAT_MS - 4_000 - 1);
    tick(10.49);
    await later(0);
    expect(reports).toEqual([0.5]);

    await later(1);
    tick(10.5);
    await later(0);
    expect(reports).toEqual([0.5, 10.5]);

    await later(HEARTBEAT_MS);
    tick(20.54);
    await later(0);
    expect(reports).toEqual([0.5, 10.5, 20.5]);
  });

  it('does not report time updates while the video is paused', async () => {
    const { video, media } = renderVideo();
    media.currentTime = 42;
    fireEvent.timeUpdate(video);
    await later(HEARTBEAT_MS * 3);
    expect(reports).toEqual([]);
  });

  it('reports at once on pause, seek and end, even right after a heartbeat', async () => {
    const { video, media, tick } = renderVideo();
    tick(3);
    await later(1_000);
    media.paused = true;
    media.currentTime = 4;
    fireEvent.pause(video);
    await later(1_000);
    media.currentTime = 60;
    fireEvent.seeked(video);
    await later(1_000);
    media.currentTime = 119.96;
    fireEvent.ended(video);
    await later(0);
    expect(reports).toEqual([3, 4, 60, 120]);
  });

  it('never reports a position beyond the lesson duration or before its start', async () => {
    const { video, media } = renderVideo({ content: videoContent({ durationSeconds: 90 }) });
    media.currentTime = 95.5;
    fireEvent.ended(video);
    await later(0);
    media.currentTime = -3;
    fireEvent.seeked(video);
    await later(0);
    expect(reports).toEqual([90, 0]);
  });

  it('does not report the same position twice in a row', async () => {
    const { video, media } = renderVideo();
    media.currentTime = 30;
    fireEvent.pause(video);
    fireEvent.seeked(video);
    await later(0);
    expect(reports).toEqual([30]);
  });

  it('reports nothing for a learner who is not enrolled', async () => {
    const { video, media, tick } = renderVideo({ enrolled: false });
    tick(12);
    media.paused = true;
    fireEvent.pause(video);
    await later(0);
    expect(reports).toEqual([]);
    expect(screen.queryByText(/Saved position/)).toBeNull();
  });

  it('saves the position reached when the learner leaves the lesson', async () => {
    const { tick, unmount } = renderVideo();
    tick(1);
    await later(3_000);
    tick(4.2);
    unmount();
    await later(0);
    expect(reports).toEqual([1, 4.2]);
  });

  it('shows the error the server gives for a progress report', async () => {
    userErrors = [{ code: 'NOT_ENROLLED', message: 'Enroll in the course to save your progress.' }];
    const { video, media } = renderVideo();
    media.currentTime = 8;
    fireEvent.pause(video);
    await later(0);
    expect(screen.getByText('Enroll in the course to save your progress.')).toBeTruthy();
  });
});

describe('VideoLesson resume and transcript', () => {
  it('resumes at the saved position once the metadata has loaded', async () => {
    const { video, media } = renderVideo({ saved: 65 });
    media.currentTime = 0;
    media.duration = 120;
    fireEvent.loadedMetadata(video);
    expect(media.currentTime).toBe(65);
    expect(document.querySelector('.video-status')!.textContent).toBe(
      'Resuming at 1:05. Saved position: 1:05',
    );
    // The seek that the resume causes reports nothing new.
    fireEvent.seeked(video);
    await later(0);
    expect(reports).toEqual([]);
  });

  it('starts from the beginning when the saved position is within the last five seconds', () => {
    const { video, media } = renderVideo({ saved: 116 });
    media.currentTime = 0;
    media.duration = 120;
    fireEvent.loadedMetadata(video);
    expect(media.currentTime).toBe(0);
  });

  it('lists the transcript lines with their start times and marks the one being played', async () => {
    const { tick } = renderVideo();
    const lines = screen.getAllByRole('button', { name: /^\d+:\d\d / });
    expect(lines.map((line) => line.textContent)).toEqual(['0:00 Welcome.', '0:20 Pods.', '1:10 Services.']);
    tick(75);
    await later(0);
    expect(lines.map((line) => line.getAttribute('aria-current'))).toEqual([null, null, 'true']);
  });

  it('says so when the video has no transcript', () => {
    renderVideo({ content: videoContent({ transcriptVtt: null }) });
    expect(screen.getByText('No transcript is available for this video.')).toBeTruthy();
  });

  it('seeks the video when a transcript line is chosen and reports once the seek completes', async () => {
    const { video, media } = renderVideo();
    media.readyState = HTMLMediaElement.HAVE_METADATA;
    fireEvent.click(screen.getByRole('button', { name: '0:20 Pods.' }));
    expect(media.currentTime).toBe(20);
    await later(0);
    expect(reports).toEqual([]);
    fireEvent.seeked(video);
    await later(0);
    expect(reports).toEqual([20]);
  });

  it('reports the chosen transcript position directly when the media failed to load', async () => {
    const { video, media } = renderVideo();
    media.readyState = HTMLMediaElement.HAVE_METADATA;
    fireEvent.error(video);
    expect(screen.getByRole('status').textContent).toMatch(/^The video could not be loaded\./);
    fireEvent.click(screen.getByRole('button', { name: '1:10 Services.' }));
    await later(0);
    expect(reports).toEqual([70]);
    expect(media.currentTime).toBe(0);
    expect(screen.getByRole('button', { name: '1:10 Services.' }).getAttribute('aria-current')).toBe('true');
  });
});

describe('VideoLesson started at a second of the URL (a tutor citation)', () => {
  it('starts there once the metadata has loaded, over the saved position, and reports nothing for it', async () => {
    const { video, media, unmount } = renderVideo({ saved: 30, startAt: 50 });
    media.duration = 120;
    fireEvent.loadedMetadata(video);
    expect(media.currentTime).toBe(50);
    expect(document.querySelector('.video-status')!.textContent).toBe(
      'Starting at 0:50. Saved position: 0:30',
    );
    const lines = screen.getAllByRole('button', { name: /^\d+:\d\d / });
    expect(lines.map((line) => line.getAttribute('aria-current'))).toEqual([null, 'true', null]);
    fireEvent.seeked(video);
    unmount();
    await later(0);
    expect(reports).toEqual([]);
  });

  it('seeks a loaded video at once when the second changes', async () => {
    const { video, media, restart } = renderVideo({ startAt: 83 });
    media.duration = 120;
    media.readyState = HTMLMediaElement.HAVE_METADATA;
    fireEvent.loadedMetadata(video);
    expect(media.currentTime).toBe(83);
    restart(25);
    await later(0);
    expect(media.currentTime).toBe(25);
    const lines = screen.getAllByRole('button', { name: /^\d+:\d\d / });
    expect(lines.map((line) => line.getAttribute('aria-current'))).toEqual([null, 'true', null]);
  });

  it('never starts beyond the end of the video', () => {
    const { video, media } = renderVideo({ startAt: 5000 });
    media.duration = 120;
    fireEvent.loadedMetadata(video);
    expect(media.currentTime).toBe(120);
  });
});

describe('VideoLesson sources', () => {
  const hlsContent: VideoContentData = videoContent({ url: 'https://cdn.example/k8s/master.m3u8' });

  afterEach(() => jest.restoreAllMocks());

  it('plays a plain video file directly', () => {
    const { video } = renderVideo();
    expect(video.getAttribute('src')).toBe('https://cdn.example/k8s/intro.mp4');
    expect(hls.instances).toHaveLength(0);
  });

  it('plays an HLS playlist natively where the browser can', () => {
    jest.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('maybe');
    const { video } = renderVideo({ content: hlsContent });
    expect(video.getAttribute('src')).toBe('https://cdn.example/k8s/master.m3u8');
    expect(hls.instances).toHaveLength(0);
  });

  it('plays an HLS playlist through hls.js elsewhere and falls back to the transcript on a fatal error', async () => {
    jest.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('');
    const { video, unmount } = renderVideo({ content: hlsContent });
    await later(0);
    expect(hls.instances).toHaveLength(1);
    const [player] = hls.instances;
    expect(player!.loadSource.mock.calls).toEqual([['https://cdn.example/k8s/master.m3u8']]);
    expect(player!.attachMedia.mock.calls).toEqual([[video]]);
    expect(video.getAttribute('src')).toBeNull();

    act(() => player!.handlers.get('hlsError')!('hlsError', { fatal: false }));
    expect(screen.queryByText(/The video could not be loaded/)).toBeNull();
    act(() => player!.handlers.get('hlsError')!('hlsError', { fatal: true }));
    expect(screen.getByText(/The video could not be loaded/)).toBeTruthy();

    unmount();
    expect(player!.destroy).toHaveBeenCalledTimes(1);
  });

  it('falls back to the transcript when the browser can play HLS neither natively nor through hls.js', async () => {
    jest.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockReturnValue('');
    hls.supported = false;
    renderVideo({ content: hlsContent });
    await later(0);
    expect(hls.instances).toHaveLength(0);
    expect(screen.getByText(/The video could not be loaded/)).toBeTruthy();
  });
});
