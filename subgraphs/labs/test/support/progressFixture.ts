/**
 * A local stand-in for progress's internal routes as labs uses them:
 * `POST /internal/enrollments/check {userId, courseId}` -> `{enrolled}` and
 * `POST /internal/lesson-completions {userId, lessonId, reference}` -> `{completed: true,
 * alreadyComplete}` (idempotent; 409 for a non-LAB lesson or a learner not enrolled). It counts
 * every completion call, can be stopped and started again on the same port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { INTERNAL_HEADER } from '@learncraft/kit';
import { INTERNAL_SECRET } from './catalogFixture';

export interface ProgressFixture {
  url: string;
  /** `${userId}:${courseId}` pairs that are enrolled. */
  enrolled: Set<string>;
  /** Lesson ids of LAB lessons and their course. */
  labLessons: Map<string, string>;
  /** Every completion request received, in order. */
  completionCalls: { userId: string; lessonId: string; reference: string }[];
  /** `${userId}:${lessonId}` completed, with the reference of the call that completed it. */
  completed: Map<string, string>;
  enroll(userId: string, courseId: string): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startProgressFixture(labLessons: Map<string, string>): Promise<ProgressFixture> {
  const enrolled = new Set<string>();
  const completionCalls: ProgressFixture['completionCalls'] = [];
  const completed = new Map<string, string>();
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;

  const listen = async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.headers[INTERNAL_HEADER] !== INTERNAL_SECRET) return reply(403, { error: 'forbidden' });
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, string>;
        if (req.method === 'POST' && req.url === '/internal/enrollments/check')
          return reply(200, { enrolled: enrolled.has(`${body.userId}:${body.courseId}`) });
        if (req.method === 'POST' && req.url === '/internal/lesson-completions') {
          const { userId = '', lessonId = '', reference = '' } = body;
          completionCalls.push({ userId, lessonId, reference });
          const courseId = labLessons.get(lessonId);
          if (!courseId)
            return reply(409, { error: 'NOT_A_LAB', message: 'The lesson is not a LAB lesson.' });
          if (!enrolled.has(`${userId}:${courseId}`))
            return reply(409, { error: 'NOT_ENROLLED', message: 'The learner is not enrolled.' });
          const key = `${userId}:${lessonId}`;
          const alreadyComplete = completed.has(key);
          if (!alreadyComplete) completed.set(key, reference);
          return reply(200, { completed: true, alreadyComplete });
        }
        reply(404, { error: 'not found' });
      });
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    enrolled,
    labLessons,
    completionCalls,
    completed,
    enroll: (userId, courseId) => void enrolled.add(`${userId}:${courseId}`),
    stop,
    start: listen,
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}
