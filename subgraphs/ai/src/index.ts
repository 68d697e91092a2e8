/** @learncraft/ai: the ai subgraph (the course-grounded tutor, lab hints, instructor drafts). */
export { loadConfig, aiConfigSchema, type AiConfig } from './config';
export {
  startAiSubgraph,
  SUBGRAPH_NAME,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
  type StartAiOptions,
  type RunningAiSubgraph,
} from './server';
export type { TutorModel, Embedder, ReplyTask, ReplyChunk } from './providers/types';
export { ProviderError } from './providers/types';
export type { CourseContent, LessonContent } from './domain/content';
export { replyTopic } from './services/replyStreams';
