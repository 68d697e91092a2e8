/**
 * The Apollo cache of both clients and its type policies, apart from the links so component tests
 * (and the phone's persisted cache) use the same normalisation the apps use.
 */
import { InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          courses: relayStylePagination(['filterBy', 'orderBy']),
          courseSearch: relayStylePagination(['query', 'filterBy']),
        },
      },
      // The tutor panel's history pages through one course's conversations at a time.
      // The orders page loads more orders onto the same list.
      User: {
        fields: { tutorConversations: relayStylePagination(['courseId']), orders: relayStylePagination() },
      },
      // Progress rows have no id of their own: they belong to their lesson or enrollment. Merged,
      // because some operations select a lesson's quiz standing and others do not.
      LessonProgress: { keyFields: false, merge: true },
      Enrollment: { fields: { lessons: { merge: false } } },
      // A step's id is the lab's step id, the same in every session of the lesson: normalised by
      // it, a new session's (or a reset's) results would overwrite the old session's. Steps belong
      // to their session.
      LabStepState: { keyFields: false },
    },
  });
}
