/** Tutor messages in the shape of TutorMessageFields, for the tutor's unit tests. */
import type { TutorMessageData } from '@learncraft/operations/tutorThread';

export const CONVERSATION_ID = '7d0c1a52-0000-4000-8000-00000000c0a1';

export function tutorMessage(overrides: Partial<TutorMessageData> = {}): TutorMessageData {
  return {
    id: 'reply-1',
    role: 'TUTOR',
    kind: 'ANSWER',
    content: '',
    status: 'PENDING',
    error: null,
    citations: [],
    offline: true,
    hintLevel: null,
    rating: null,
    createdAt: '2030-01-01T12:00:00.000Z',
    completedAt: null,
    conversation: { id: CONVERSATION_ID },
    ...overrides,
  };
}

export function learnerQuestion(content: string, id = 'question-1'): TutorMessageData {
  return tutorMessage({ id, role: 'LEARNER', content, status: 'COMPLETE', completedAt: null });
}

export const podsCitation = {
  lesson: { id: 'lesson-pods', title: 'Pods and Containers' },
  source: 'TRANSCRIPT' as const,
  heading: null,
  snippet: 'A Pod is the smallest deployable unit in Kubernetes.',
  startSeconds: 83,
};
