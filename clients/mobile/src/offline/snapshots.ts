/**
 * A downloaded lesson's own copy of its data, kept apart from the persisted Apollo cache: the
 * answers of the queries the lesson and course screens read (LessonPage, LessonExtras, CoursePage,
 * with their variables), one storage entry per learner and lesson. The persisted cache is capped
 * and may be dropped whole (see persist.ts); a snapshot is not, so a download stays readable. It is
 * written back into the in-memory cache with `writeQuery` (same documents, same variables), which
 * is what a cache-first read of the lesson screen then finds.
 */
import type { ApolloCache, DocumentNode } from '@apollo/client';
import { CoursePageQuery, LessonExtrasQuery, LessonPageQuery } from '@learncraft/operations';
import type { KeyValueStorage } from './outbox';

/** One query's answer as the server gave it. `data` is kept as JSON: it goes back through writeQuery. */
export type SnapshotEntry =
  | { operation: 'LessonPage'; variables: { slug: string; lessonId: string }; data: unknown }
  | { operation: 'LessonExtras'; variables: { slug: string; lessonId: string }; data: unknown }
  | { operation: 'CoursePage'; variables: { slug: string }; data: unknown };

export interface LessonSnapshot {
  lessonId: string;
  courseSlug: string;
  /** The learner it was downloaded by (null: nobody was signed in). */
  ownerId: string | null;
  /** ISO-8601: when the server last answered for it (the download or a refresh). */
  savedAt: string;
  entries: SnapshotEntry[];
}

const SNAPSHOT_PREFIX = 'learncraft:download:';

/** The storage key of one learner's snapshot of one lesson. */
export function snapshotKey(ownerId: string | null, lessonId: string): string {
  return `${SNAPSHOT_PREFIX}${encodeURIComponent(ownerId ?? '-')}:${encodeURIComponent(lessonId)}`;
}

export function snapshotBytes(snapshot: LessonSnapshot): number {
  return new TextEncoder().encode(JSON.stringify(snapshot.entries)).length;
}

export async function readSnapshot(
  storage: KeyValueStorage,
  ownerId: string | null,
  lessonId: string,
): Promise<LessonSnapshot | null> {
  const raw = await storage.getItem(snapshotKey(ownerId, lessonId)).catch(() => null);
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isSnapshot(parsed) && parsed.lessonId === lessonId && parsed.ownerId === ownerId ? parsed : null;
  } catch {
    return null;
  }
}

/** Throws when the storage refuses (a full device): the caller says the download failed. */
export async function writeSnapshot(storage: KeyValueStorage, snapshot: LessonSnapshot): Promise<void> {
  await storage.setItem(snapshotKey(snapshot.ownerId, snapshot.lessonId), JSON.stringify(snapshot));
}

export async function removeSnapshot(
  storage: KeyValueStorage,
  ownerId: string | null,
  lessonId: string,
): Promise<void> {
  await storage.removeItem(snapshotKey(ownerId, lessonId)).catch(() => undefined);
}

function isSnapshot(value: unknown): value is LessonSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof LessonSnapshot, unknown>>;
  return (
    typeof candidate.lessonId === 'string' &&
    typeof candidate.courseSlug === 'string' &&
    Array.isArray(candidate.entries) &&
    candidate.entries.every(isEntry)
  );
}

function isEntry(value: unknown): value is SnapshotEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as { operation?: unknown; variables?: unknown; data?: unknown };
  return (
    (entry.operation === 'LessonPage' ||
      entry.operation === 'LessonExtras' ||
      entry.operation === 'CoursePage') &&
    typeof entry.variables === 'object' &&
    entry.variables !== null &&
    typeof entry.data === 'object' &&
    entry.data !== null
  );
}

function documentOf(entry: SnapshotEntry): DocumentNode {
  switch (entry.operation) {
    case 'LessonPage':
      return LessonPageQuery;
    case 'LessonExtras':
      return LessonExtrasQuery;
    case 'CoursePage':
      return CoursePageQuery;
  }
}

/**
 * Puts the snapshot's answers into the cache. An answer that no longer fits the app's documents
 * (saved by an older version of the app) is skipped rather than stop the others.
 */
export function writeSnapshotToCache(cache: ApolloCache<unknown>, snapshot: LessonSnapshot): void {
  for (const entry of snapshot.entries) {
    try {
      cache.writeQuery<unknown, Record<string, string>>({
        query: documentOf(entry),
        variables: entry.variables,
        data: entry.data,
      });
    } catch {
      // The lesson page entry is what opens the lesson; `lessonInCache` tells whether it made it.
    }
  }
}

/** Whether a cache-first read of the lesson screen's query would be answered from the cache. */
export function lessonInCache(cache: ApolloCache<unknown>, lessonId: string, courseSlug: string): boolean {
  try {
    return cache.readQuery({ query: LessonPageQuery, variables: { slug: courseSlug, lessonId } }) !== null;
  } catch {
    return false;
  }
}
