/** Lesson data in the shape the LessonPage query gives the lesson parts, for the learning tests. */
import type {
  LabContentData,
  LessonData,
  QuizContentData,
  VideoContentData,
} from '../../src/screens/lesson/types';

export const LESSON_ID = 'TGVzc29uOjQy';

export function lesson(
  content: LessonData['content'],
  viewerProgress: LessonData['viewerProgress'] = null,
  viewerLabSession: LessonData['viewerLabSession'] = null,
): LessonData {
  return {
    id: LESSON_ID,
    title: 'A lesson',
    kind: 'VIDEO',
    position: 1,
    durationSeconds: 120,
    viewerProgress,
    content,
    viewerLabSession,
  };
}

export const quizContent: QuizContentData = {
  __typename: 'QuizContent',
  passPercent: 70,
  maxAttempts: 3,
  cooldownSeconds: 0,
  questions: [
    {
      id: 'q1',
      prompt: 'Which object **runs** containers?',
      multiple: false,
      options: [
        { id: 'q1-pod', label: 'Pod' },
        { id: 'q1-svc', label: 'Service' },
      ],
    },
    {
      id: 'q2',
      prompt: 'Which commands change the cluster?',
      multiple: true,
      options: [
        { id: 'q2-apply', label: 'kubectl apply' },
        { id: 'q2-get', label: 'kubectl get' },
        { id: 'q2-delete', label: 'kubectl delete' },
      ],
    },
  ],
};

export const TRANSCRIPT = [
  'WEBVTT',
  '',
  '00:00.000 --> 00:20.000',
  'Welcome.',
  '',
  '00:20.000 --> 01:10.000',
  'Pods.',
  '',
  '01:10.000 --> 02:00.000',
  'Services.',
].join('\n');

export function videoContent(overrides: Partial<VideoContentData> = {}): VideoContentData {
  return {
    __typename: 'VideoContent',
    url: 'https://cdn.example/k8s/intro.mp4',
    durationSeconds: 120,
    transcriptVtt: TRANSCRIPT,
    ...overrides,
  };
}

export const labContent: LabContentData = {
  __typename: 'LabContent',
  image: 'learncraft/linux-basics',
  instructions: 'Practise **files** in a real shell.',
  timeLimitMinutes: 30,
  steps: [{ id: 'make-dir', title: 'Make a directory', instructions: 'Create `~/work`.' }],
};

export const LAB_SESSION_ID = '6f1c2b3a-0000-4000-8000-000000000001';

export type LabSession = NonNullable<LessonData['viewerLabSession']>;

export function labSession(overrides: Partial<LabSession> = {}): LabSession {
  return {
    id: LAB_SESSION_ID,
    status: 'READY',
    progressPercent: 100,
    statusMessage: null,
    steps: [
      {
        id: 'make-dir',
        title: 'Make a directory',
        status: 'PENDING',
        lastOutput: null,
        checkedAt: null,
      },
    ],
    startedAt: '2030-01-01T12:00:00.000Z',
    expiresAt: '2030-01-01T12:30:00.000Z',
    ...overrides,
  };
}
