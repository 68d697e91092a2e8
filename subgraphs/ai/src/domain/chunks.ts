/** The unit of retrieval: a passage of one lesson, with where it sits (heading, video time). */
import type { LessonKind } from './content';

export type ChunkSource = 'READING' | 'TRANSCRIPT' | 'LAB' | 'QUIZ';

export interface Chunk {
  /** Stable across re-indexing of unchanged content: `<lessonId>:<ordinal>`. */
  id: string;
  courseId: string;
  lessonId: string;
  lessonTitle: string;
  lessonKind: LessonKind;
  source: ChunkSource;
  /** The heading path the passage sits under ("Pods › Lifecycle"), or a step or question title. */
  heading: string | null;
  /** Plain text (Markdown stripped of markup, transcript cues joined). */
  text: string;
  /** TRANSCRIPT chunks: the first cue's start, whole seconds. */
  startSeconds: number | null;
  /** QUIZ chunks: the question the explanation belongs to. */
  quizQuestionId: string | null;
  /** LAB chunks: the step, or null for the lab's overall instructions. */
  labStepId: string | null;
}

export interface ScoredChunk extends Chunk {
  /** Higher is more relevant; only comparable within one search. */
  score: number;
}
