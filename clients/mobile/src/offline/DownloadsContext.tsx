/**
 * The learner's downloaded lessons. `download({ lessonId, courseSlug })` keeps the lesson's own
 * snapshot (snapshots.ts: the answers the lesson and course screens read, one entry per learner
 * and lesson — a file in the document directory on a phone, localStorage on the web export —
 * outside the capped persisted cache) and its video file when the source is a plain file. The
 * list of downloads is in AsyncStorage. The snapshots are written into the Apollo cache when the provider starts (after
 * `restoreCache`, which App awaits before rendering it), when the learner changes, when the store
 * is cleared or reset, and whenever a downloaded lesson goes missing from the cache — so the
 * lesson screen's cache-first read finds it offline. Opening a downloaded lesson while online
 * refreshes its snapshot; only a whole answer replaces it, never an error.
 *
 * Downloads belong to a learner (`ownerId`): another learner signed in on the phone sees none of
 * them. `forgetLearner()` is sign-out's: the persisted cache and this learner's downloads go.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { Platform } from 'react-native';
import AsyncStorage from '@react-native-async-storage/async-storage';
import { useApolloClient } from '@apollo/client';
import { LessonPageQuery } from '@learncraft/operations';
import { Directory, File, Paths } from 'expo-file-system';
import { Loading } from '../ui';
import { connection } from './connectionState';
import {
  DownloadError,
  downloadLesson,
  refreshLesson,
  type DownloadRecord,
  type SaveVideo,
} from './downloads';
import type { KeyValueStorage } from './outbox';
import { fileStorage } from './fileStorage';
import { clearPersistedCache } from './persist';
import {
  lessonInCache,
  readSnapshot,
  removeSnapshot,
  snapshotBytes,
  snapshotKey,
  writeSnapshot,
  writeSnapshotToCache,
  type LessonSnapshot,
} from './snapshots';

export type { DownloadRecord } from './downloads';
export type DownloadStatus = 'none' | 'downloading' | 'ready' | 'failed';

export interface DownloadsValue {
  status: (lessonId: string) => DownloadStatus;
  download: (target: { lessonId: string; courseSlug: string }) => Promise<void>;
  remove: (lessonId: string) => Promise<void>;
  localVideoUri: (lessonId: string) => string | null;
  /** Why the last download of this lesson failed, in words for the learner; null otherwise. */
  failure: (lessonId: string) => string | null;
  /**
   * A downloaded lesson is being opened: it is put back in the cache if it is missing there and,
   * online, its snapshot is refreshed from the server. Does nothing for a lesson not downloaded.
   */
  opened: (lessonId: string) => Promise<void>;
  /** Removes every download of the signed-in learner (snapshots and video files). */
  removeAll: () => Promise<void>;
  /**
   * Sign-out: the persisted cache and this learner's downloads are removed. Call it before
   * `session.signOut()` (while the learner is still the owner). Queued progress stays: it is
   * the learner's, sent only while they are signed in (see outbox.ts).
   */
  forgetLearner: () => Promise<void>;
  /** The signed-in learner's downloads whose data is really on the phone. */
  items: readonly DownloadRecord[];
}

export const DOWNLOADS_STORAGE_KEY = 'learncraft:downloads';

const DownloadsContext = createContext<DownloadsValue | null>(null);

/** Saves the video in the app's document directory (kept until removed, unlike the cache directory). */
export const saveVideoToDocuments: SaveVideo = async (url, lessonId) => {
  const folder = new Directory(Paths.document, 'downloads');
  if (!folder.exists) folder.create({ intermediates: true });
  const extension = (url.split(/[?#]/)[0] ?? '').split('.').pop()?.toLowerCase() ?? 'mp4';
  const target = new File(folder, `${lessonId}.${extension}`);
  if (target.exists) target.delete();
  const file = await File.downloadFileAsync(url, target);
  return { uri: file.uri, bytes: file.size };
};

function videoFileExists(uri: string): boolean {
  try {
    return new File(uri).exists;
  } catch {
    return false;
  }
}

function deleteVideo(record: DownloadRecord) {
  if (!record.videoUri) return;
  try {
    const file = new File(record.videoUri);
    if (file.exists) file.delete();
  } catch {
    // A file already gone is what removing wants.
  }
}

function parseRecords(raw: string | null): DownloadRecord[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is DownloadRecord {
  return typeof value === 'object' && value !== null && 'lessonId' in value && 'courseSlug' in value;
}

const ownerOf = (record: DownloadRecord) => record.ownerId ?? null;
const keyOf = (record: DownloadRecord) => snapshotKey(ownerOf(record), record.lessonId);

export function DownloadsProvider(props: {
  children: ReactNode;
  /** Where the list of downloads is kept (AsyncStorage unless a test gives another). */
  storage?: KeyValueStorage;
  /** Where the snapshots are kept: files on a phone, else `storage` (tests, the web export). */
  snapshotStorage?: KeyValueStorage;
  /**
   * The signed-in learner's user id (null when nobody is): downloads are made for them and only
   * theirs are listed and put in the cache.
   */
  ownerId?: string | null;
  /** How a video file is saved; null to keep videos online-only (the web export cannot save files). */
  saveVideo?: SaveVideo | null;
  /** Whether a saved video file is still there (the system may clear storage). */
  fileExists?: (uri: string) => boolean;
}) {
  const client = useApolloClient();
  const storage = props.storage ?? AsyncStorage;
  const [defaultSnapshotStorage] = useState(() =>
    props.storage || Platform.OS === 'web'
      ? storage
      : fileStorage(new Directory(Paths.document, 'downloads', 'lessons')),
  );
  const snapshotStorage = props.snapshotStorage ?? defaultSnapshotStorage;
  const owner = props.ownerId ?? null;
  const ownerRef = useRef(owner);
  ownerRef.current = owner;
  const saveVideo =
    props.saveVideo === undefined ? (Platform.OS === 'web' ? null : saveVideoToDocuments) : props.saveVideo;
  const fileExists = props.fileExists ?? videoFileExists;
  // Every learner's records as last written, so concurrent downloads each add to the latest list.
  const records = useRef<DownloadRecord[]>([]);
  // The snapshots on the phone, by storage key: kept in memory so a change of learner or a cleared
  // cache is answered synchronously, before a screen's query can miss.
  const snapshots = useRef(new Map<string, LessonSnapshot>());
  const [items, setItems] = useState<DownloadRecord[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [failures, setFailures] = useState<Readonly<Record<string, string>>>({});
  const loading = useRef<Promise<void> | null>(null);
  const refreshing = useRef(new Set<string>());

  /** The owner's downloads whose snapshot (and video file, when one was saved) is on the phone. */
  const available = useCallback(
    (ownerId: string | null) =>
      records.current.filter(
        (record) =>
          ownerOf(record) === ownerId &&
          snapshots.current.has(keyOf(record)) &&
          (!record.videoUri || fileExists(record.videoUri)),
      ),
    [fileExists],
  );

  const publish = useCallback(() => setItems(available(ownerRef.current)), [available]);

  const save = useCallback(
    async (next: DownloadRecord[]) => {
      records.current = next;
      publish();
      await storage.setItem(DOWNLOADS_STORAGE_KEY, JSON.stringify(next)).catch(() => undefined);
    },
    [storage, publish],
  );

  /** Writes the owner's downloaded lessons missing from the cache into it. */
  const hydrate = useCallback(
    (ownerId: string | null) => {
      for (const record of available(ownerId)) {
        const snapshot = snapshots.current.get(keyOf(record));
        if (snapshot && !lessonInCache(client.cache, record.lessonId, record.courseSlug))
          writeSnapshotToCache(client.cache, snapshot);
      }
    },
    [available, client],
  );

  if (!loading.current) {
    loading.current = (async () => {
      const stored = parseRecords(await storage.getItem(DOWNLOADS_STORAGE_KEY).catch(() => null));
      const kept: DownloadRecord[] = [];
      for (const record of stored) {
        const snapshot = await readSnapshot(snapshotStorage, ownerOf(record), record.lessonId);
        if (snapshot && (!record.videoUri || fileExists(record.videoUri))) {
          snapshots.current.set(keyOf(record), snapshot);
          kept.push({ ...record, ownerId: ownerOf(record) });
        } else {
          // Half a download (its data lost, or a list from before snapshots) is not a download.
          deleteVideo(record);
          await removeSnapshot(snapshotStorage, ownerOf(record), record.lessonId);
        }
      }
      records.current = [...kept, ...records.current];
      if (kept.length !== stored.length)
        await storage.setItem(DOWNLOADS_STORAGE_KEY, JSON.stringify(records.current)).catch(() => undefined);
    })()
      .catch(() => undefined)
      .finally(() => setLoaded(true));
  }

  // Before the screens' effects subscribe their queries: a learner's lessons are in the cache
  // by the time a lesson screen first asks it.
  useLayoutEffect(() => {
    if (!loaded) return;
    hydrate(owner);
    publish();
  }, [loaded, owner, hydrate, publish]);

  useEffect(() => {
    // Apollo awaits these before it refetches: the lessons are back before any query asks.
    const put = () => Promise.resolve(hydrate(ownerRef.current));
    const offClear = client.onClearStore(put);
    const offReset = client.onResetStore(put);
    return () => {
      offClear();
      offReset();
    };
  }, [client, hydrate]);

  // Whatever takes a downloaded lesson out of the cache (eviction, garbage collection), it is put
  // back: a watch per downloaded lesson sees its page go incomplete.
  useEffect(() => {
    if (!loaded) return;
    const stops = items.map((record) =>
      client.cache.watch({
        query: LessonPageQuery,
        variables: { slug: record.courseSlug, lessonId: record.lessonId },
        optimistic: false,
        callback: (diff) => {
          if (diff.complete) return;
          // Not from inside the cache's broadcast: the write would broadcast again within it.
          void Promise.resolve().then(() => {
            const snapshot = snapshots.current.get(keyOf(record));
            if (snapshot && !lessonInCache(client.cache, record.lessonId, record.courseSlug))
              writeSnapshotToCache(client.cache, snapshot);
          });
        },
      }),
    );
    return () => stops.forEach((stop) => stop());
  }, [loaded, items, client]);

  const setBusyFor = (lessonId: string, on: boolean) =>
    setBusy((before) => {
      const next = new Set(before);
      if (on) next.add(lessonId);
      else next.delete(lessonId);
      return next;
    });

  const download = useCallback<DownloadsValue['download']>(
    async ({ lessonId, courseSlug }) => {
      await loading.current;
      const ownerId = ownerRef.current;
      setBusyFor(lessonId, true);
      setFailures(({ [lessonId]: _dropped, ...rest }) => rest);
      try {
        const { record, snapshot } = await downloadLesson({
          client,
          lessonId,
          courseSlug,
          ownerId,
          saveVideo,
        });
        try {
          await writeSnapshot(snapshotStorage, snapshot);
        } catch {
          deleteVideo(record);
          throw new DownloadError('There is not enough space on this phone to save the lesson.');
        }
        snapshots.current.set(keyOf(record), snapshot);
        await save([
          ...records.current.filter((item) => !(item.lessonId === lessonId && ownerOf(item) === ownerId)),
          record,
        ]);
      } catch (error) {
        const message =
          error instanceof DownloadError
            ? error.message
            : 'The download failed. Check your connection and try again.';
        setFailures((before) => ({ ...before, [lessonId]: message }));
      } finally {
        setBusyFor(lessonId, false);
      }
    },
    [client, saveVideo, save, snapshotStorage],
  );

  const dropRecords = useCallback(
    async (doomed: DownloadRecord[]) => {
      for (const record of doomed) {
        deleteVideo(record);
        snapshots.current.delete(keyOf(record));
        await removeSnapshot(snapshotStorage, ownerOf(record), record.lessonId);
      }
      await save(records.current.filter((record) => !doomed.includes(record)));
    },
    [save, snapshotStorage],
  );

  const remove = useCallback<DownloadsValue['remove']>(
    async (lessonId) => {
      await loading.current;
      const ownerId = ownerRef.current;
      await dropRecords(
        records.current.filter((record) => record.lessonId === lessonId && ownerOf(record) === ownerId),
      );
    },
    [dropRecords],
  );

  const removeAll = useCallback<DownloadsValue['removeAll']>(async () => {
    await loading.current;
    const ownerId = ownerRef.current;
    await dropRecords(records.current.filter((record) => ownerOf(record) === ownerId));
  }, [dropRecords]);

  const forgetLearner = useCallback<DownloadsValue['forgetLearner']>(async () => {
    await removeAll();
    await clearPersistedCache().catch(() => undefined);
  }, [removeAll]);

  const opened = useCallback<DownloadsValue['opened']>(
    async (lessonId) => {
      await loading.current;
      const ownerId = ownerRef.current;
      const record = available(ownerId).find((item) => item.lessonId === lessonId);
      const key = record ? keyOf(record) : null;
      const snapshot = key ? snapshots.current.get(key) : undefined;
      if (!record || !key || !snapshot) return;
      if (!lessonInCache(client.cache, record.lessonId, record.courseSlug))
        writeSnapshotToCache(client.cache, snapshot);
      if (!connection.online() || refreshing.current.has(key)) return;
      refreshing.current.add(key);
      try {
        const refreshed = await refreshLesson({ client, snapshot });
        // Removed (or signed out) while the server answered: nothing to refresh any more.
        if (!refreshed || snapshots.current.get(key) !== snapshot) return;
        const fresh = refreshed.snapshot;
        await writeSnapshot(snapshotStorage, fresh);
        snapshots.current.set(key, fresh);
        await save(
          records.current.map((item) =>
            keyOf(item) === key
              ? {
                  ...item,
                  dataBytes: snapshotBytes(fresh),
                  lessonTitle: refreshed.lessonTitle ?? item.lessonTitle,
                  courseTitle: refreshed.courseTitle ?? item.courseTitle,
                }
              : item,
          ),
        );
      } catch {
        // A refresh that cannot be saved leaves the saved copy as it was.
      } finally {
        refreshing.current.delete(key);
      }
    },
    [available, client, save, snapshotStorage],
  );

  const value = useMemo<DownloadsValue>(() => {
    const readyRecord = (lessonId: string) =>
      items.find(
        (item) =>
          item.lessonId === lessonId &&
          snapshots.current.has(keyOf(item)) &&
          (!item.videoUri || fileExists(item.videoUri)),
      );
    return {
      status: (lessonId) =>
        busy.has(lessonId)
          ? 'downloading'
          : failures[lessonId]
            ? 'failed'
            : readyRecord(lessonId)
              ? 'ready'
              : 'none',
      download,
      remove,
      localVideoUri: (lessonId) => readyRecord(lessonId)?.videoUri ?? null,
      failure: (lessonId) => failures[lessonId] ?? null,
      opened,
      removeAll,
      forgetLearner,
      items,
    };
  }, [busy, failures, items, download, remove, opened, removeAll, forgetLearner, fileExists]);

  return (
    <DownloadsContext.Provider value={value}>
      {loaded ? props.children : <Loading label="Opening your downloads" />}
    </DownloadsContext.Provider>
  );
}

export function useDownloads(): DownloadsValue {
  const value = useContext(DownloadsContext);
  if (!value) throw new Error('useDownloads must be used inside a DownloadsProvider');
  return value;
}
