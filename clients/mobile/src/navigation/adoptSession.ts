/**
 * After log-in or sign-up: the session is adopted, then the cache is reset so the screens still
 * mounted under the log-in screen (a course page, the dashboard tab) ask again as the learner —
 * what the anonymous viewer saw (access, enrolment) must not stay on screen.
 */
import type { ApolloClient } from '@apollo/client';
import type { SessionFieldsFragment } from '@learncraft/operations/types';

export async function adoptSession(
  client: ApolloClient<object>,
  session: { accept(fields: SessionFieldsFragment): void },
  created: SessionFieldsFragment,
): Promise<void> {
  session.accept(created);
  // A screen whose refetch fails shows its own error and retry; logging in has succeeded.
  await client.resetStore().catch(() => undefined);
}
