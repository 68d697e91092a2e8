/**
 * Per-request DataLoaders over the tutor store, so a list of N conversations (with their message
 * pages and counts) or N lessons' summaries costs a constant number of SQL queries.
 */
import { keyedLoader, type PageRequest } from '@learncraft/kit';
import DataLoader from 'dataloader';
import type { MessageRecord, TutorStore } from './stores/tutorStore';

export interface ConversationPageKey {
  conversationId: string;
  page: PageRequest;
}

export function createLoaders(store: TutorStore) {
  return {
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
    messagePage: messagePageLoader(store),
    messageCount: new DataLoader<string, number>(async (conversationIds) => {
      const counts = new Map(
        (await store.messageCounts(conversationIds)).map((row) => [row.conversationId, row.count]),
      );
      return conversationIds.map((id) => counts.get(id) ?? 0);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** Keys sharing a page window are fetched together: one query per distinct (first, after). */
function messagePageLoader(store: TutorStore) {
  const pageKey = (key: ConversationPageKey) =>
    `${key.conversationId}\u0000${key.page.limit}\u0000${key.page.offset}`;
  return new DataLoader<ConversationPageKey, MessageRecord[], string>(
    async (keys) => {
      const windows = new Map<string, { page: PageRequest; ids: string[] }>();
      for (const key of keys) {
        const window = `${key.page.limit}\u0000${key.page.offset}`;
        const entry = windows.get(window) ?? { page: key.page, ids: [] };
        entry.ids.push(key.conversationId);
        windows.set(window, entry);
      }
      const byKey = new Map<string, MessageRecord[]>();
      for (const { page, ids } of windows.values()) {
        for (const row of await store.messagePages(ids, page)) {
          const key = pageKey({ conversationId: row.conversationId, page });
          byKey.set(key, [...(byKey.get(key) ?? []), row]);
        }
      }
      return keys.map((key) => byKey.get(pageKey(key)) ?? []);
    },
    { cacheKeyFn: pageKey },
  );
}
