/**
 * Per-request DataLoaders over the tutor store, so a list of N conversations (with their message
 * pages and counts) or N lessons' summaries costs a constant number of SQL queries, and over
 * commerce's course-access decisions for the viewer (one call per request).
 */
import {
  courseAccessLoader,
  keyedLoader,
  pagedLoader,
  type AccessChecker,
  type AccessSubject,
} from '@learncraft/kit';
import DataLoader from 'dataloader';
import type { TutorStore } from './stores/tutorStore';

export function createLoaders(store: TutorStore, access: AccessChecker, viewer: AccessSubject | null) {
  return {
    /** The viewer's access to each course; missing (null) when commerce could not be asked. */
    courseAccess: courseAccessLoader(access, viewer),
    conversation: keyedLoader(
      (ids: readonly string[]) => store.conversationsByIds(ids),
      (row) => row.id,
    ),
    message: keyedLoader(
      (ids: readonly string[]) => store.messagesByIds(ids),
      (row) => row.id,
    ),
    summary: keyedLoader(
      (lessonIds: readonly string[]) => store.summariesByLessons(lessonIds),
      (row) => row.lessonId,
    ),
    messagePage: pagedLoader(
      (ownerIds, page) => store.messagePages(ownerIds, page),
      (row) => row.conversationId,
    ),
    messageCount: new DataLoader<string, number>(async (conversationIds) => {
      const counts = new Map(
        (await store.messageCounts(conversationIds)).map((row) => [row.conversationId, row.count]),
      );
      return conversationIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
