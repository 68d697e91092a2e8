/**
 * The benchmark's catalog: a realistic course document (modules of video, reading and quiz lessons
 * with transcripts, markdown and answer keys) built from a seeded pseudo-random generator, so two
 * runs measure the same data.
 */
import type { CourseDocument, LessonDocument, ModuleDocument } from '@learncraft/catalog/src/domain/course';

/** A small deterministic generator (mulberry32): the same seed gives the same catalog. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic uuid (version 4 layout) from the generator. */
export function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const TOPICS = [
  'kubernetes',
  'containers',
  'typescript',
  'rust',
  'python',
  'postgres',
  'graphql',
  'linux',
  'networking',
  'security',
  'react',
  'testing',
  'observability',
  'terraform',
  'go',
  'distributed',
  'caching',
  'streaming',
  'databases',
  'algorithms',
  'compilers',
  'webassembly',
  'docker',
  'serverless',
  'machine',
  'learning',
];
const WORDS = [
  'pod',
  'node',
  'cluster',
  'service',
  'deployment',
  'volume',
  'index',
  'query',
  'schema',
  'resolver',
  'function',
  'module',
  'thread',
  'process',
  'memory',
  'cache',
  'latency',
  'throughput',
  'replica',
  'partition',
  'network',
  'packet',
  'socket',
  'shell',
  'kernel',
  'compiler',
  'type',
  'interface',
  'class',
  'closure',
  'promise',
  'stream',
  'buffer',
  'request',
  'response',
  'token',
  'session',
  'policy',
  'role',
];
const LEVELS = ['BEGINNER', 'INTERMEDIATE', 'ADVANCED'] as const;

export const BENCH_CATEGORIES = [
  { slug: 'cloud-native', name: 'Cloud Native', description: 'Containers, Kubernetes and the cloud.' },
  { slug: 'programming', name: 'Programming', description: 'Languages, types and software design.' },
  { slug: 'linux', name: 'Linux & Systems', description: 'The command line and operating systems.' },
  { slug: 'data', name: 'Data', description: 'Databases, streaming and analytics.' },
  { slug: 'security', name: 'Security', description: 'Application and infrastructure security.' },
  { slug: 'web', name: 'Web', description: 'Front ends, APIs and delivery.' },
];

export interface CatalogShape {
  modulesPerCourse: number;
  lessonsPerModule: number;
}

export function courseTopicOf(index: number): string {
  return TOPICS[index % TOPICS.length]!;
}

function sentence(random: () => number, words: number): string {
  const out = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]!);
  out[0] = out[0]!.charAt(0).toUpperCase() + out[0]!.slice(1);
  return `${out.join(' ')}.`;
}

function transcript(random: () => number, durationSeconds: number): string {
  const cues = ['WEBVTT', ''];
  const step = Math.max(10, Math.floor(durationSeconds / 12));
  for (let start = 0; start < durationSeconds; start += step) {
    const end = Math.min(durationSeconds, start + step);
    const time = (s: number) =>
      `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000`;
    cues.push(`${time(start)} --> ${time(end)}`, sentence(random, 14), '');
  }
  return cues.join('\n');
}

function lesson(random: () => number, kind: LessonDocument['kind'], title: string): LessonDocument {
  const id = uuidFrom(random);
  if (kind === 'VIDEO') {
    const durationSeconds = 180 + Math.floor(random() * 900);
    return {
      id,
      title,
      kind,
      durationSeconds,
      content: {
        kind,
        url: `https://media.learncraft.dev/${id}.mp4`,
        durationSeconds,
        transcriptVtt: transcript(random, durationSeconds),
      },
    };
  }
  if (kind === 'READING') {
    const paragraphs = Array.from({ length: 6 }, () => sentence(random, 30));
    return {
      id,
      title,
      kind,
      durationSeconds: 300,
      content: {
        kind,
        markdown: `# ${title}\n\n${paragraphs.join('\n\n')}\n\n\`\`\`sh\nkubectl get pods\n\`\`\`\n`,
      },
    };
  }
  return {
    id,
    title,
    kind: 'QUIZ',
    durationSeconds: 240,
    content: {
      kind: 'QUIZ',
      passPercent: 70,
      maxAttempts: null,
      cooldownSeconds: 0,
      questions: Array.from({ length: 4 }, () => ({
        id: uuidFrom(random),
        prompt: sentence(random, 10).replace(/\.$/, '?'),
        multiple: false,
        explanation: sentence(random, 12),
        options: Array.from({ length: 4 }, (_, option) => ({
          id: uuidFrom(random),
          label: sentence(random, 4),
          correct: option === 0,
        })),
      })),
    },
  };
}

/** The lesson kinds of one module: mostly video, some reading, one quiz at the end. */
function kindsOf(count: number): LessonDocument['kind'][] {
  return Array.from({ length: count }, (_, i) =>
    i === count - 1 ? 'QUIZ' : i % 3 === 2 ? 'READING' : 'VIDEO',
  );
}

/** Course number `index` of the benchmark catalog, published, taught by `instructorId`. */
export function benchCourse(index: number, instructorId: string, shape: CatalogShape): CourseDocument {
  const random = seededRandom(index + 1);
  const topic = courseTopicOf(index);
  const title = `${topic.charAt(0).toUpperCase()}${topic.slice(1)} ${sentence(random, 3).replace(/\.$/, '')} ${index}`;
  const modules: ModuleDocument[] = Array.from({ length: shape.modulesPerCourse }, (_, m) => ({
    id: uuidFrom(random),
    title: `Module ${m + 1}: ${sentence(random, 3).replace(/\.$/, '')}`,
    summary: sentence(random, 16),
    lessons: kindsOf(shape.lessonsPerModule).map((kind, l) =>
      lesson(random, kind, `${topic} ${sentence(random, 3).replace(/\.$/, '')} ${m + 1}.${l + 1}`),
    ),
  }));
  const created = new Date(Date.UTC(2025, 0, 1) + index * 3_600_000).toISOString();
  return {
    id: uuidFrom(random),
    slug: `bench-${topic}-${index}`,
    title,
    summary: sentence(random, 20),
    description: `## About\n\n${sentence(random, 40)}\n\n${sentence(random, 40)}`,
    level: LEVELS[index % LEVELS.length]!,
    categorySlug: BENCH_CATEGORIES[index % BENCH_CATEGORIES.length]!.slug,
    language: 'en',
    thumbnailUrl: `https://media.learncraft.dev/thumbs/${index}.png`,
    instructorIds: [instructorId],
    modules,
    published: true,
    publishedAt: created,
    createdAt: created,
    updatedAt: created,
    version: 1,
  };
}
