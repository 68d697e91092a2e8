/**
 * Course content as the catalog hands it over for indexing (`POST /internal/course-content`):
 * everything a learner may read, and nothing they may not — quiz questions carry their options and
 * explanations but never which options are correct; labs carry instructions but no check commands,
 * setup scripts or solutions.
 */

export type LessonKind = 'VIDEO' | 'READING' | 'QUIZ' | 'LAB';

export interface CourseContent {
  id: string;
  /** The catalog's optimistic-concurrency version; bumped by every write. */
  version: number;
  title: string;
  published: boolean;
  instructorIds: string[];
  /** Every lesson in syllabus order. */
  lessons: LessonContent[];
}

export interface LessonContent {
  id: string;
  title: string;
  kind: LessonKind;
  moduleId: string;
  moduleTitle: string;
  /** READING lessons: the Markdown text. */
  markdown: string | null;
  /** VIDEO lessons: the WebVTT transcript, when there is one. */
  transcriptVtt: string | null;
  /** LAB lessons. */
  lab: null | {
    instructions: string;
    steps: { id: string; title: string; instructions: string }[];
  };
  /** QUIZ lessons: prompts, option labels and explanations (no answer key). */
  quiz: null | {
    questions: {
      id: string;
      prompt: string;
      options: { id: string; label: string }[];
      explanation: string | null;
    }[];
  };
}

/** The catalog's summary of a course for reconciling the index on start. */
export interface CourseVersion {
  id: string;
  version: number;
}
