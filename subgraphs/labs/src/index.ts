/** @learncraft/labs: the labs subgraph (hands-on lab sessions in isolated sandboxes). */
export { loadConfig, labsConfigSchema, type LabsConfig } from './config';
export {
  startLabsSubgraph,
  SUBGRAPH_NAME,
  MIGRATIONS_DIR,
  SCHEMA_PATH,
  TERMINAL_SECRET_FILE,
  type StartLabsOptions,
  type RunningLabsSubgraph,
} from './server';
export type {
  LabRuntime,
  SandboxSpec,
  SandboxInfo,
  ProvisionProgress,
  ExecOptions,
  ExecResult,
  TerminalStream,
  RuntimeAvailability,
} from './runtime/types';
export {
  createHttpCatalogClient,
  type CatalogClient,
  type CatalogLesson,
  type CatalogLab,
} from './stores/catalogClient';
export {
  createHttpProgressClient,
  type ProgressClient,
  type CompletionResult,
  type LessonCompletion,
} from './stores/progressClient';
export { createLabStore, type LabStore, type SessionRecord, type StepRecord } from './stores/labStore';
export { labTopic, type LabEventKind, type LabEventPayload } from './domain/events';
export type { SessionStatus, StepStatus, LabTemplate } from './domain/session';
export { TERMINAL_CLOSE, MAX_TERMINAL_FRAME_BYTES } from './services/terminals';
