/**
 * A local stand-in for catalog's internal HTTP API (POST /internal/lessons, /internal/courses),
 * serving fixture courses on 127.0.0.1 and counting the requests it receives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_HEADER } from '@learncraft/kit';
import type { CatalogCourse, CatalogLesson } from '../../src/stores/catalogClient';

export const CATALOG_SECRET = 'test-internal-secret-0123456789';

export interface FixtureCourse {
  id: string;
  published: boolean;
  instructorIds: string[];
  lessons: Omit<CatalogLesson, 'courseId' | 'coursePublished'>[];
}

export interface CatalogFixture {
  url: string;
  /** Requests received, by path. */
  requests: { path: string; ids: string[] }[];
  courses: Map<string, FixtureCourse>;
  add(course: FixtureCourse): void;
  close(): Promise<void>;
}

export async function startCatalogFixture(courses: FixtureCourse[]): Promise<CatalogFixture> {
  const byId = new Map(courses.map((course) => [course.id, course]));
  const requests: CatalogFixture['requests'] = [];

  const lessonsById = () => {
    const lessons = new Map<string, CatalogLesson>();
    for (const course of byId.values()) {
      for (const lesson of course.lessons) {
        lessons.set(lesson.id, { ...lesson, courseId: course.id, coursePublished: course.published });
      }
    }
    return lessons;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers[INTERNAL_HEADER] !== CATALOG_SECRET) return reply(401, { error: 'unauthorized' });
      const { ids } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { ids?: string[] };
      if (!Array.isArray(ids) || ids.length > 500)
        return reply(400, { error: 'ids must be an array of at most 500' });
      requests.push({ path: req.url ?? '', ids });
      if (req.method === 'POST' && req.url === '/internal/lessons') {
        const lessons = lessonsById();
        return reply(200, { lessons: ids.flatMap((id) => lessons.get(id) ?? []) });
      }
      if (req.method === 'POST' && req.url === '/internal/courses') {
        return reply(200, {
          courses: ids.flatMap((id): CatalogCourse[] => {
            const course = byId.get(id);
            return course
              ? [
                  {
                    id,
                    published: course.published,
                    instructorIds: course.instructorIds,
                    lessonIds: course.lessons.map((l) => l.id),
                  },
                ]
              : [];
          }),
        });
      }
      reply(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    courses: byId,
    add: (course) => void byId.set(course.id, course),
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export const INSTRUCTOR_ID = '00000000-0000-4000-8000-0000000000aa';

/** A published course of four lessons (so percentages step by 25): video, reading, quiz, lab. */
export const WEB_COURSE: FixtureCourse = {
  id: 'course-web',
  published: true,
  instructorIds: [INSTRUCTOR_ID],
  lessons: [
    { id: 'web-video', kind: 'VIDEO', durationSeconds: 200, quiz: null },
    { id: 'web-reading', kind: 'READING', durationSeconds: 0, quiz: null },
    {
      id: 'web-quiz',
      kind: 'QUIZ',
      durationSeconds: 0,
      quiz: {
        passPercent: 60,
        maxAttempts: null,
        cooldownSeconds: 0,
        questions: [
          {
            id: 'q1',
            multiple: false,
            optionIds: ['q1a', 'q1b', 'q1c'],
            correctOptionIds: ['q1b'],
            explanation: 'HTTP is stateless.',
          },
          {
            id: 'q2',
            multiple: true,
            optionIds: ['q2a', 'q2b', 'q2c'],
            correctOptionIds: ['q2a', 'q2c'],
            explanation: null,
          },
          {
            id: 'q3',
            multiple: false,
            optionIds: ['q3a', 'q3b'],
            correctOptionIds: ['q3a'],
            explanation: 'GET is safe.',
          },
        ],
      },
    },
    { id: 'web-lab', kind: 'LAB', durationSeconds: 0, quiz: null },
  ],
};

const WEB_QUIZ = WEB_COURSE.lessons.find((lesson) => lesson.id === 'web-quiz')!.quiz!;

/** Answers that pass WEB_COURSE's quiz: every question's correct options. */
export const WEB_QUIZ_CORRECT_ANSWERS = WEB_QUIZ.questions.map((question) => ({
  questionId: question.id,
  optionIds: question.correctOptionIds,
}));

/**
 * A course of one quiz per attempt rule, each with WEB_COURSE's questions (q1..q3): two attempts
 * with a one-minute cool-down, three attempts without a wait, and an unlimited one with a wait.
 */
export const LIMITED_COURSE: FixtureCourse = {
  id: 'course-limited',
  published: true,
  instructorIds: [INSTRUCTOR_ID],
  lessons: [
    {
      id: 'two-tries',
      kind: 'QUIZ',
      durationSeconds: 0,
      quiz: { ...WEB_QUIZ, maxAttempts: 2, cooldownSeconds: 60 },
    },
    {
      id: 'three-tries',
      kind: 'QUIZ',
      durationSeconds: 0,
      quiz: { ...WEB_QUIZ, maxAttempts: 3, cooldownSeconds: 0 },
    },
    {
      id: 'practice',
      kind: 'QUIZ',
      durationSeconds: 0,
      quiz: { ...WEB_QUIZ, maxAttempts: null, cooldownSeconds: 30 },
    },
  ],
};

export const OTHER_COURSE: FixtureCourse = {
  id: 'course-other',
  published: true,
  instructorIds: [],
  lessons: [
    { id: 'other-video', kind: 'VIDEO', durationSeconds: 60, quiz: null },
    {
      id: 'other-empty-quiz',
      kind: 'QUIZ',
      durationSeconds: 0,
      quiz: { passPercent: 50, maxAttempts: null, cooldownSeconds: 0, questions: [] },
    },
  ],
};

export const DRAFT_COURSE: FixtureCourse = {
  id: 'course-draft',
  published: false,
  instructorIds: [INSTRUCTOR_ID],
  lessons: [{ id: 'draft-video', kind: 'VIDEO', durationSeconds: 60, quiz: null }],
};
