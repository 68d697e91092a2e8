/** @learncraft/catalog: the catalog subgraph's public surface. */
export { startCatalogSubgraph, type StartCatalogOptions, type RunningCatalog } from './server';
export { loadConfig, catalogConfigSchema, type CatalogConfig } from './config';
export { seedDemoCatalog, type SeedResult } from './seed/seedDemoCatalog';
export {
  type CourseStore,
  type CourseListFilter,
  type CourseOrder,
  SlugTakenError,
  VersionConflictError,
} from './stores/courseStore';
export { createEmbeddedCourseStore, migrateCatalog, CATALOG_SCHEMA } from './stores/embedded';
export { createMongoCourseStore } from './stores/mongo';
export {
  MAX_INTERNAL_IDS,
  type InternalLesson,
  type InternalCourse,
  type CourseContent,
  type LessonContent as CourseLessonContent,
} from './internal';
export { COURSE_CHANGED_TOPIC, type CourseChangedEvent } from './services/courseEvents';
export type {
  CourseDocument,
  LessonDocument,
  ModuleDocument,
  LessonRecord,
  CourseLevel,
  LessonKind,
} from './domain/course';
