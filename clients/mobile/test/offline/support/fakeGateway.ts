/**
 * A local GraphQL server (node:http on 127.0.0.1) that answers the app's progress mutations and
 * lesson queries the way the gateway does — the same payload shapes, the first quiz attempt
 * replayed for a reused idempotency key — and counts what it receives. Tests switch it to be
 * unreachable, to apply a mutation and then lose the response, or to refuse the session.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedOperation {
  operationName: string;
  variables: Record<string, unknown>;
}

interface QuizAttempt {
  id: string;
  key: string | null;
  lessonId: string;
  scorePercent: number;
  answers: string;
}

export type GatewayMode = 'up' | 'unreachable' | 'loseResponses' | 'unauthenticated';

export interface FakeLesson {
  id: string;
  title: string;
  kind: 'VIDEO' | 'READING' | 'QUIZ';
  /** VideoContent's url, ReadingContent's markdown. */
  url?: string;
  markdown?: string;
}

export const COURSE = { id: 'course-1', slug: 'http-basics', title: 'HTTP Basics' };
export const LESSONS: FakeLesson[] = [
  { id: 'video-1', title: 'What is HTTP', kind: 'VIDEO', url: 'http://127.0.0.1:9/media/what-is-http.mp4' },
  { id: 'video-2', title: 'Streaming', kind: 'VIDEO', url: 'http://127.0.0.1:9/media/streaming/index.m3u8' },
  { id: 'reading-1', title: 'Methods', kind: 'READING', markdown: '# Methods\n\nGET is safe.' },
  { id: 'quiz-1', title: 'Check yourself', kind: 'QUIZ' },
];

export class FakeGateway {
  readonly received: ReceivedOperation[] = [];
  readonly attempts: QuizAttempt[] = [];
  readonly positions = new Map<string, number>();
  readonly completed = new Set<string>();
  mode: GatewayMode = 'up';
  /** Changes an instructor made to a lesson since the tests began (by lesson id). */
  readonly edits = new Map<string, Partial<FakeLesson>>();
  /** Runs when a request arrives, before it is answered (e.g. to look at the app's storage). */
  onRequest: ((operation: ReceivedOperation) => void) | null = null;
  private server: Server | null = null;

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}/graphql`;
  }

  /** The mutations received, by operation name. */
  count(operationName: string): number {
    return this.received.filter((operation) => operation.operationName === operationName).length;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    if (this.mode === 'unreachable') {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      operationName: string;
      variables?: Record<string, unknown>;
    };
    const operation = { operationName: body.operationName, variables: body.variables ?? {} };
    this.received.push(operation);
    this.onRequest?.(operation);
    if (this.mode === 'unauthenticated') {
      return this.answer(response, {
        data: null,
        errors: [{ message: 'Sign in first.', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
    const result = this.execute(operation);
    // The server did the work; the answer never reaches the phone.
    if (this.mode === 'loseResponses') {
      response.socket?.destroy();
      return;
    }
    this.answer(response, result);
  }

  private answer(response: ServerResponse, result: unknown) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(result));
  }

  private execute({ operationName, variables }: ReceivedOperation): unknown {
    const input = (variables.input ?? {}) as Record<string, unknown>;
    switch (operationName) {
      case 'VideoProgressRecord': {
        const lessonId = String(input.lessonId);
        const furthest = Math.max(this.positions.get(lessonId) ?? 0, Number(input.positionSeconds));
        this.positions.set(lessonId, furthest);
        return {
          data: {
            videoProgressRecord: {
              __typename: 'VideoProgressRecordPayload',
              lessonProgress: this.lessonProgress(lessonId, 'IN_PROGRESS', furthest),
              enrollment: this.enrollment(),
              userErrors: [],
            },
          },
        };
      }
      case 'LessonComplete': {
        const lessonId = String(input.lessonId);
        this.completed.add(lessonId);
        return {
          data: {
            lessonComplete: {
              __typename: 'LessonCompletePayload',
              lessonProgress: this.lessonProgress(lessonId, 'COMPLETED', 0),
              enrollment: this.enrollment(),
              userErrors: [],
            },
          },
        };
      }
      case 'QuizSubmit':
        return { data: { quizSubmit: this.quizSubmit(input) } };
      case 'LessonPage':
        return { data: { course: this.lessonPage(String(variables.lessonId)) } };
      default:
        return {
          data: null,
          errors: [
            {
              message: `${operationName} is not served here.`,
              extensions: { code: 'INTERNAL_SERVER_ERROR' },
            },
          ],
        };
    }
  }

  private quizSubmit(input: Record<string, unknown>) {
    const lessonId = String(input.lessonId);
    const key = typeof input.idempotencyKey === 'string' ? input.idempotencyKey : null;
    const answers = JSON.stringify(input.answers);
    let attempt = key ? this.attempts.find((a) => a.key === key && a.lessonId === lessonId) : undefined;
    if (attempt && attempt.answers !== answers) {
      return {
        __typename: 'QuizSubmitPayload',
        attempt: null,
        enrollment: null,
        userErrors: [{ __typename: 'UserError', code: 'IDEMPOTENCY_KEY_REUSED', message: 'Key reused.' }],
      };
    }
    if (!attempt) {
      // Graded like the server: one question, option "b" is right.
      const right = answers.includes('"b"');
      attempt = {
        id: `attempt-${this.attempts.length + 1}`,
        key,
        lessonId,
        scorePercent: right ? 100 : 0,
        answers,
      };
      this.attempts.push(attempt);
      if (right) this.completed.add(lessonId);
    }
    const passed = attempt.scorePercent === 100;
    return {
      __typename: 'QuizSubmitPayload',
      attempt: {
        __typename: 'QuizAttempt',
        id: attempt.id,
        scorePercent: attempt.scorePercent,
        passed,
        submittedAt: '2031-01-01T00:00:00.000Z',
        answerKeyRevealed: passed,
        results: [
          {
            __typename: 'QuizQuestionResult',
            questionId: 'q1',
            selectedOptionIds: [passed ? 'b' : 'a'],
            correct: passed,
            incorrectOptionIds: passed ? [] : ['a'],
            correctOptionIds: passed ? ['b'] : null,
            explanation: null,
          },
        ],
        lesson: {
          __typename: 'Lesson',
          id: lessonId,
          viewerProgress: {
            ...this.progressFields(passed ? 'COMPLETED' : 'IN_PROGRESS', 0),
            quiz: {
              __typename: 'QuizProgress',
              attemptsUsed: this.attempts.filter((a) => a.lessonId === lessonId).length,
              attemptsRemaining: null,
              passed,
              answerKeyRevealed: passed,
              nextAttemptAt: null,
              canSubmit: !passed,
            },
          },
        },
      },
      enrollment: this.enrollment(),
      userErrors: [],
    };
  }

  private progressFields(status: string, positionSeconds: number) {
    return {
      __typename: 'LessonProgress',
      status,
      positionSeconds,
      completedAt: status === 'COMPLETED' ? '2031-01-01T00:00:00.000Z' : null,
    };
  }

  private lessonProgress(lessonId: string, status: string, positionSeconds: number) {
    return {
      ...this.progressFields(status, positionSeconds),
      lesson: {
        __typename: 'Lesson',
        id: lessonId,
        viewerProgress: this.progressFields(status, positionSeconds),
      },
    };
  }

  private enrollment() {
    return {
      __typename: 'Enrollment',
      id: 'enrollment-1',
      progressPercent: Math.floor((100 * this.completed.size) / LESSONS.length),
      enrolledAt: '2031-01-01T00:00:00.000Z',
      completedAt: null,
      lastActivityAt: '2031-01-01T00:00:00.000Z',
    };
  }

  private content(lesson: FakeLesson) {
    switch (lesson.kind) {
      case 'VIDEO':
        return { __typename: 'VideoContent', url: lesson.url, durationSeconds: 200, transcriptVtt: null };
      case 'READING':
        return { __typename: 'ReadingContent', markdown: lesson.markdown };
      case 'QUIZ':
        return {
          __typename: 'QuizContent',
          passPercent: 100,
          maxAttempts: null,
          cooldownSeconds: 0,
          questions: [
            {
              __typename: 'QuizQuestion',
              id: 'q1',
              prompt: 'Which method is safe?',
              multiple: false,
              options: [
                { __typename: 'QuizOption', id: 'a', label: 'POST' },
                { __typename: 'QuizOption', id: 'b', label: 'GET' },
              ],
            },
          ],
        };
    }
  }

  private lessonPage(lessonId: string) {
    const found = LESSONS.find((candidate) => candidate.id === lessonId);
    const lesson = found ? { ...found, ...this.edits.get(lessonId) } : undefined;
    return {
      __typename: 'Course',
      ...COURSE,
      modules: [
        {
          __typename: 'Module',
          id: 'module-1',
          title: 'Basics',
          position: 1,
          lessons: LESSONS.map((item, index) => ({
            __typename: 'Lesson',
            id: item.id,
            title: item.title,
            kind: item.kind,
            position: index + 1,
            viewerProgress: { __typename: 'LessonProgress', status: 'NOT_STARTED' },
          })),
        },
      ],
      lesson: lesson
        ? {
            __typename: 'Lesson',
            id: lesson.id,
            title: lesson.title,
            kind: lesson.kind,
            position: LESSONS.findIndex((item) => item.id === lesson.id) + 1,
            durationSeconds: lesson.kind === 'VIDEO' ? 200 : 0,
            viewerProgress: { ...this.progressFields('NOT_STARTED', 0), quiz: null },
            content: this.content(lesson),
            viewerLabSession: null,
          }
        : null,
      viewerEnrollment: this.enrollment(),
      price: null,
      viewerAccess: { __typename: 'CourseAccess', hasAccess: true, reason: 'FREE', expiresAt: null },
    };
  }
}

export async function startFakeGateway(): Promise<FakeGateway> {
  return new FakeGateway().start();
}
