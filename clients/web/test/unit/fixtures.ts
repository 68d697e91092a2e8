/** Lesson data in the shape the LessonPage query gives the lesson parts, for component tests. */
import type {
  LabContentData,
  LessonData,
  QuizContentData,
  VideoContentData,
} from '../../src/pages/lesson/types';

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
  passPercent: 50,
  maxAttempts: 3,
  cooldownSeconds: 30,
  questions: [
    {
      id: 'q1',
      prompt: 'Which object **runs** containers?',
      multiple: false,
      options: [
        { id: 'q1-pod', label: 'Pod' },
        { id: 'q1-svc', label: 'Service' },
        { id: 'q1-ns', label: 'Namespace' },
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
  steps: [
    { id: 'make-dir', title: 'Make a directory', instructions: 'Create `~/work`.' },
    { id: 'write-file', title: 'Write a file', instructions: 'Put `hello` into `~/work/hello.txt`.' },
  ],
};

export const LAB_SESSION_ID = '6f1c2b3a-0000-4000-8000-000000000001';

type LabSession = NonNullable<LessonData['viewerLabSession']>;
type LabStep = LabSession['steps'][number];

export function labStep(id: string, overrides: Partial<LabStep> = {}): LabStep {
  const title = labContent.steps.find((step) => step.id === id)!.title;
  return {
    __typename: 'LabStepState',
    id,
    title,
    status: 'PENDING',
    lastOutput: null,
    checkedAt: null,
    ...overrides,
  } as LabStep;
}

/** A lab session of `labContent`; READY with both steps pending unless told otherwise. */
export function labSession(overrides: Partial<LabSession> = {}): LabSession {
  return {
    __typename: 'LabSession',
    id: LAB_SESSION_ID,
    status: 'READY',
    progressPercent: 100,
    statusMessage: null,
    steps: [labStep('make-dir'), labStep('write-file')],
    startedAt: '2030-01-01T12:00:00.000Z',
    expiresAt: '2030-01-01T12:30:00.000Z',
    ...overrides,
  } as LabSession;
}
