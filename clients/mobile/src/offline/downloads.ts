/**
 * Downloading a lesson for offline use, without React: its queries (the lesson page's and the
 * lesson extras', and the course page's so the course opens too) run network-only and their
 * answers make the lesson's snapshot (snapshots.ts), kept apart from the capped persisted cache;
 * quiz questions come with the lesson, never answer keys. `refreshLesson` asks again and keeps
 * each answer only when the server gave it whole, so a failure never replaces what was saved. A video whose source is a plain file (MP4, WebM, M4V — not an HLS playlist, which is many
 * files) is saved to the device by the injected `saveVideo`.
 */
import type { ApolloClient, ApolloQueryResult } from '@apollo/client';
import { CoursePageQuery, LessonExtrasQuery, LessonPageQuery } from '@learncraft/operations';
import { snapshotBytes, type LessonSnapshot, type SnapshotEntry } from './snapshots';

export interface DownloadRecord {
  lessonId: string;
  courseSlug: string;
  /** The learner who downloaded it: only they see it (null: nobody was signed in). */
  ownerId: string | null;
  lessonTitle: string;
  courseTitle: string;
  kind: string;
  /** ISO-8601. */
  downloadedAt: string;
  /** The size of the lesson's saved data (JSON bytes of its snapshot). */
  dataBytes: number;
  /** Where the saved video file is; null when the lesson has none or its source cannot be saved. */
  videoUri: string | null;
  videoBytes: number | null;
}

export type SaveVideo = (url: string, lessonId: string) => Promise<{ uri: string; bytes: number }>;

export class DownloadError extends Error {}

/** Whether a video URL is one file the app can save (not an HLS playlist). */
export function isPlainVideoFile(url: string): boolean {
  const path = url.split(/[?#]/)[0] ?? '';
  return /\.(mp4|webm|m4v)$/i.test(path);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

type Client = Pick<ApolloClient<object>, 'query'>;

/** A server answer fit to keep: data and no error (a partial answer would replace a whole one). */
function whole<T>(result: ApolloQueryResult<T> | null): T | null {
  if (!result || result.errors?.length || result.error || !result.data) return null;
  return result.data;
}

function fetchLessonQueries(client: Client, variables: { slug: string; lessonId: string }) {
  // Labs may fail apart (the lesson page is served without its lab session), as on the lesson page.
  return Promise.all([
    client
      .query({ query: LessonPageQuery, variables, fetchPolicy: 'network-only', errorPolicy: 'all' })
      .catch(() => null),
    client
      .query({ query: LessonExtrasQuery, variables, fetchPolicy: 'network-only', errorPolicy: 'all' })
      .catch(() => null),
    client
      .query({
        query: CoursePageQuery,
        variables: { slug: variables.slug },
        fetchPolicy: 'network-only',
        errorPolicy: 'all',
      })
      .catch(() => null),
  ]);
}

export async function downloadLesson(options: {
  client: Client;
  lessonId: string;
  courseSlug: string;
  ownerId: string | null;
  /** Null where files cannot be saved (the web export): the video then plays only online. */
  saveVideo: SaveVideo | null;
  now?: () => Date;
}): Promise<{ record: DownloadRecord; snapshot: LessonSnapshot }> {
  const { client, lessonId, courseSlug } = options;
  const variables = { slug: courseSlug, lessonId };
  const [page, extras, coursePage] = await fetchLessonQueries(client, variables);
  if (!page) throw new DownloadError('The download failed. Check your connection and try again.');
  const course = page.data?.course;
  const lesson = course?.lesson;
  if (!course || !lesson) {
    throw new DownloadError(
      page.errors?.length ? 'The lesson could not be loaded.' : 'This lesson was not found.',
    );
  }
  if (lesson.content.__typename === 'LockedContent')
    throw new DownloadError(`This lesson is locked: buy ${course.title} to download it.`);
  // The lesson page may come without its lab session (labs down): still the lesson to read.
  const entries: SnapshotEntry[] = [{ operation: 'LessonPage', variables, data: page.data }];
  // Nothing in these blocks the lesson: they are kept when they come whole.
  const extrasData = whole(extras);
  if (extrasData) entries.push({ operation: 'LessonExtras', variables, data: extrasData });
  const courseData = whole(coursePage);
  if (courseData)
    entries.push({ operation: 'CoursePage', variables: { slug: courseSlug }, data: courseData });
  let video: { uri: string; bytes: number } | null = null;
  const content = lesson.content;
  if (content.__typename === 'VideoContent' && options.saveVideo && isPlainVideoFile(content.url)) {
    video = await options.saveVideo(content.url, lessonId);
  }
  const savedAt = (options.now?.() ?? new Date()).toISOString();
  const snapshot: LessonSnapshot = { lessonId, courseSlug, ownerId: options.ownerId, savedAt, entries };
  return {
    snapshot,
    record: {
      lessonId,
      courseSlug,
      ownerId: options.ownerId,
      lessonTitle: lesson.title,
      courseTitle: course.title,
      kind: lesson.kind,
      downloadedAt: savedAt,
      dataBytes: snapshotBytes(snapshot),
      videoUri: video?.uri ?? null,
      videoBytes: video?.bytes ?? null,
    },
  };
}

/**
 * The snapshot with what the server answers now (an instructor's fix reaches the phone); null when
 * nothing came back whole — offline, an error, the lesson gone — and the saved copy stays as it is.
 */
export async function refreshLesson(options: {
  client: Client;
  snapshot: LessonSnapshot;
  now?: () => Date;
}): Promise<{ snapshot: LessonSnapshot; lessonTitle: string | null; courseTitle: string | null } | null> {
  const { snapshot } = options;
  const variables = { slug: snapshot.courseSlug, lessonId: snapshot.lessonId };
  const [page, extras, coursePage] = await fetchLessonQueries(options.client, variables);
  const fresh: SnapshotEntry[] = [];
  const pageData = whole(page);
  if (pageData?.course?.lesson) fresh.push({ operation: 'LessonPage', variables, data: pageData });
  const extrasData = whole(extras);
  if (extrasData) fresh.push({ operation: 'LessonExtras', variables, data: extrasData });
  const courseData = whole(coursePage);
  if (courseData?.course)
    fresh.push({ operation: 'CoursePage', variables: { slug: snapshot.courseSlug }, data: courseData });
  if (fresh.length === 0) return null;
  const entries = [
    ...snapshot.entries.filter((entry) => !fresh.some((next) => next.operation === entry.operation)),
    ...fresh,
  ];
  return {
    snapshot: { ...snapshot, entries, savedAt: (options.now?.() ?? new Date()).toISOString() },
    // An instructor may have renamed them: the Downloads list follows.
    lessonTitle: pageData?.course?.lesson?.title ?? null,
    courseTitle: pageData?.course?.title ?? null,
  };
}
