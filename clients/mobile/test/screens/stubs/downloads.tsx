/**
 * A stand-in for offline's `src/offline/DownloadsContext` in the screens' tests: `useDownloads()`
 * with the contract's surface, recording what a screen asks to download.
 */
import { createContext, useContext, useState, type ReactNode } from 'react';

export type DownloadStatus = 'none' | 'downloading' | 'ready' | 'failed';

export interface DownloadRequest {
  lessonId: string;
  courseSlug: string;
}

export interface Downloads {
  status(lessonId: string): DownloadStatus;
  download(request: DownloadRequest): Promise<void>;
  remove(lessonId: string): Promise<void>;
  localVideoUri(lessonId: string): string | null;
  items: readonly { lessonId: string; courseSlug: string; status: DownloadStatus }[];
  forgetLearner(): Promise<void>;
}

/** How many times sign-out asked to forget the learner's downloads in the current test. */
export const forgotten = { count: 0 };

/** Every download asked for in the current test, in order. */
export const requested: DownloadRequest[] = [];

const Context = createContext<Downloads | null>(null);

export function DownloadsProvider({ children }: { children: ReactNode; ownerId?: string | null }) {
  const [ready, setReady] = useState<DownloadRequest[]>([]);
  const value: Downloads = {
    status: (lessonId) => (ready.some((item) => item.lessonId === lessonId) ? 'ready' : 'none'),
    download: (request) => {
      requested.push(request);
      setReady((items) => [...items, request]);
      return Promise.resolve();
    },
    remove: (lessonId) => {
      setReady((items) => items.filter((item) => item.lessonId !== lessonId));
      return Promise.resolve();
    },
    localVideoUri: () => null,
    forgetLearner: () => {
      forgotten.count += 1;
      setReady([]);
      return Promise.resolve();
    },
    items: ready.map((item) => ({ ...item, status: 'ready' as const })),
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useDownloads(): Downloads {
  const downloads = useContext(Context);
  if (!downloads) throw new Error('useDownloads needs a DownloadsProvider');
  return downloads;
}
