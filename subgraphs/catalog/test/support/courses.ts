/** Course documents for store and server tests, built directly (not through the authoring rules). */
import { randomUUID } from 'node:crypto';
import type { CourseDocument, LessonDocument, ModuleDocument } from '../../src/domain/course';

export function readingLesson(title: string, overrides: Partial<LessonDocument> = {}): LessonDocument {
  return {
    id: randomUUID(),
    title,
    kind: 'READING',
    durationSeconds: 300,
    content: { kind: 'READING', markdown: `# ${title}` },
    ...overrides,
  };
}

export function quizLesson(title: string): LessonDocument {
  return {
    id: randomUUID(),
    title,
    kind: 'QUIZ',
    durationSeconds: 120,
    content: {
      kind: 'QUIZ',
      passPercent: 70,
      questions: [
        {
          id: randomUUID(),
          prompt: 'Which one?',
          multiple: false,
          explanation: 'Because B.',
          options: [
            { id: randomUUID(), label: 'A', correct: false },
            { id: randomUUID(), label: 'B', correct: true },
          ],
        },
      ],
    },
  };
}

/** A LAB lesson; `legacy` leaves out profile, idle timeout and setup script, as labs were stored before them. */
export function labLesson(title: string, options: { legacy?: boolean } = {}): LessonDocument {
  const settings = options.legacy
    ? {}
    : { profile: 'KUBERNETES' as const, idleTimeoutMinutes: 20, setupScript: 'mkdir -p ~/k8s\n' };
  return {
    id: randomUUID(),
    title,
    kind: 'LAB',
    durationSeconds: 1800,
    content: {
      kind: 'LAB',
      image: options.legacy ? 'learncraft/lab-node:20' : 'learncraft/lab-kubernetes:1.32',
      instructions: '# Lab',
      timeLimitMinutes: 30,
      ...settings,
      steps: [
        {
          id: randomUUID(),
          title: 'Write it',
          instructions: 'Write the file.',
          checkCommand: 'test -f ~/k8s/deployment.yaml',
          hint: 'Use an editor.',
        },
      ],
    },
  };
}

export function module(title: string, lessons: LessonDocument[]): ModuleDocument {
  return { id: randomUUID(), title, summary: '', lessons };
}

export function makeCourse(overrides: Partial<CourseDocument> = {}): CourseDocument {
  const title = overrides.title ?? `Course ${randomUUID().slice(0, 8)}`;
  const createdAt = overrides.createdAt ?? '2025-01-01T00:00:00.000Z';
  return {
    id: randomUUID(),
    slug: title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    title,
    summary: `About ${title}`,
    description: `# ${title}`,
    level: 'BEGINNER',
    categorySlug: 'programming',
    language: 'en',
    thumbnailUrl: null,
    instructorIds: ['00000000-0000-4000-8000-000000000002'],
    modules: [module('Basics', [readingLesson('First steps')])],
    published: true,
    publishedAt: overrides.published === false ? null : createdAt,
    createdAt,
    updatedAt: createdAt,
    version: 0,
    ...overrides,
  };
}

export const CATEGORIES = [
  { id: randomUUID(), slug: 'programming', name: 'Programming', description: 'Code.' },
  { id: randomUUID(), slug: 'cloud-native', name: 'Cloud Native', description: 'Clusters.' },
  { id: randomUUID(), slug: 'linux', name: 'Linux', description: 'Shells.' },
];
