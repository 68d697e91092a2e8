/** @learncraft/progress: the progress subgraph (enrollments, lesson progress, quiz attempts). */
export { loadConfig, progressConfigSchema, type ProgressConfig } from './config';
export {
  startProgressSubgraph,
  SUBGRAPH_NAME,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
  type StartProgressOptions,
  type RunningProgressSubgraph,
} from './server';
export {
  createHttpCatalogClient,
  CATALOG_MAX_IDS,
  type CatalogClient,
  type CatalogCourse,
  type CatalogLesson,
  type CatalogReadOptions,
  type HttpCatalogClientOptions,
  type LessonKind,
} from './stores/catalogClient';
export { createProgressStore, type ProgressStore, type EnrollmentRecord } from './stores/progressStore';
export { progressTopic, type ProgressEventKind, type ProgressEventPayload } from './domain/events';
export { gradeQuiz, type QuizKey, type QuizAnswer, type QuizGrade } from './domain/quiz';
export { LEARNING_TOPIC, type LearningEvent, type LearningEventType } from './domain/learningEvents';
export {
  SEAT_ASSIGN_PATH,
  type SeatClient,
  type SeatCounts,
  type SeatRefusal,
} from './stores/commerceClient';
