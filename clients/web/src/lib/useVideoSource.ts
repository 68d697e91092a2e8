/**
 * Attaches a lesson's video source to a <video> element: plain files (MP4, WebM) directly, HLS
 * playlists (.m3u8) natively where the browser plays them (Safari, iOS) and through hls.js
 * elsewhere. hls.js is loaded only when an HLS lesson is opened, so it stays out of the main chunk.
 */
import { useEffect, type RefObject } from 'react';

/** An HLS playlist is told by its path: a `.m3u8` inside the query string (`?next=a.m3u8`) does not count. */
export const isHlsUrl = (url: string) => /\.m3u8$/i.test(url.split(/[?#]/, 1)[0]!);

export function useVideoSource(
  video: RefObject<HTMLVideoElement | null>,
  url: string,
  onFatalError: () => void,
): void {
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    if (!isHlsUrl(url) || element.canPlayType('application/vnd.apple.mpegurl') !== '') {
      element.src = url;
      return;
    }
    let destroyed = false;
    let destroy = () => undefined as void;
    void import('hls.js').then(({ default: Hls }) => {
      if (destroyed) return;
      if (!Hls.isSupported()) return onFatalError();
      const hls = new Hls();
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) onFatalError();
      });
      hls.loadSource(url);
      hls.attachMedia(element);
      destroy = () => hls.destroy();
    }, onFatalError);
    return () => {
      destroyed = true;
      destroy();
    };
  }, [video, url, onFatalError]);
}
