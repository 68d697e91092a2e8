/**
 * A local stand-in for catalog's internal `POST /internal/lessons` as labs reads it: per lesson
 * `{ id, courseId, kind, coursePublished, lab }` with the lab content (or null).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { INTERNAL_HEADER } from '@learncraft/kit';
import type { CatalogLab, CatalogLesson } from '../../src/stores/catalogClient';

export const INTERNAL_SECRET = 'test-internal-secret-0123456789';

export interface CatalogFixture {
  url: string;
  requests: string[][];
  lessons: Map<string, CatalogLesson>;
  close(): Promise<void>;
}

export async function startCatalogFixture(lessons: CatalogLesson[]): Promise<CatalogFixture> {
  const byId = new Map(lessons.map((lesson) => [lesson.id, lesson]));
  const requests: string[][] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers[INTERNAL_HEADER] !== INTERNAL_SECRET) return reply(403, { error: 'forbidden' });
      if (req.method !== 'POST' || req.url !== '/internal/lessons') return reply(404, { error: 'not found' });
      const { ids } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { ids?: string[] };
      if (!Array.isArray(ids) || ids.length > 500)
        return reply(400, { error: 'ids must be an array of at most 500' });
      requests.push(ids);
      reply(200, { lessons: ids.flatMap((id) => byId.get(id) ?? []) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    lessons: byId,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

export const COURSE_ID = 'course-linux';

export const SHELL_LAB: CatalogLab = {
  profile: 'linux',
  image: 'learncraft/lab-linux:1',
  instructions: '# Shell basics\n\nWork in your home directory.',
  setupScript: 'echo prepared > setup.log',
  timeLimitMinutes: 30,
  idleTimeoutMinutes: 10,
  steps: [
    {
      id: 'create-file',
      title: 'Create hello.txt',
      instructions: 'Create an empty file named `hello.txt`.',
      hint: 'The `touch` command creates a file.',
      checkCommand:
        'test -f hello.txt && echo "hello.txt exists" || { echo "hello.txt is missing"; exit 1; }',
    },
    {
      id: 'greet',
      title: 'Write a greeting',
      instructions: 'Write a greeting into `hello.txt`.',
      hint: null,
      checkCommand: 'grep -q hi hello.txt && echo "greeting found"',
    },
  ],
};

/** A step without instructions or hint. */
const step = (fields: { id: string; title: string; checkCommand: string }): CatalogLab['steps'][number] => ({
  ...fields,
  instructions: '',
  hint: null,
});

const lab = (
  id: string,
  content: CatalogLab,
  courseId = COURSE_ID,
  coursePublished = true,
): CatalogLesson => ({
  id,
  title: `Lab ${id}`,
  courseId,
  kind: 'LAB',
  coursePublished,
  lab: content,
});

/** The lessons every test catalog serves. */
export const LESSONS: CatalogLesson[] = [
  lab('lab-shell', SHELL_LAB),
  lab('lab-other', {
    ...SHELL_LAB,
    setupScript: null,
    steps: [step({ id: 'only', title: 'Anything', checkCommand: 'true' })],
  }),
  lab('lab-slow-check', {
    ...SHELL_LAB,
    steps: [step({ id: 'sleepy', title: 'Takes too long', checkCommand: 'echo started; sleep 5' })],
  }),
  lab('lab-noisy', {
    ...SHELL_LAB,
    steps: [step({ id: 'noisy', title: 'Prints a lot', checkCommand: 'yes x | head -c 10000; exit 3' })],
  }),
  lab('lab-broken-setup', { ...SHELL_LAB, setupScript: 'exit 7' }),
  lab('lab-draft', SHELL_LAB, 'course-draft', false),
  lab('lab-elsewhere', SHELL_LAB, 'course-other'),
  {
    id: 'reading-1',
    title: 'Reading',
    courseId: COURSE_ID,
    kind: 'READING',
    coursePublished: true,
    lab: null,
  },
];
