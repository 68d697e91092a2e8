/** The per-request context every resolver receives. */
import type { AccessChecker, Logger, RequestBase } from '@learncraft/kit';
import { createLoaders, type Loaders } from './loaders';
import type { InstructorTools } from './services/instructorTools';
import type { ReplyStreams } from './services/replyStreams';
import type { TutorService } from './services/tutorService';
import type { TutorStore } from './stores/tutorStore';

export interface AiContext extends RequestBase {
  store: TutorStore;
  tutor: TutorService;
  instructor: InstructorTools;
  streams: ReplyStreams;
  /** Fresh per request; a subscription replaces them before its final event (see refreshLoaders). */
  loaders: Loaders;
  logger: Logger;
  /** Drops every cached read, so a long-lived subscription resolves its end from current data. */
  refreshLoaders(): void;
}

export interface AiContextDeps {
  store: TutorStore;
  tutor: TutorService;
  instructor: InstructorTools;
  streams: ReplyStreams;
  logger: Logger;
  /** Course access (commerce), for what lessons show to learners. */
  access: AccessChecker;
}

export function createContext(base: RequestBase, deps: AiContextDeps): AiContext {
  const context: AiContext = {
    ...base,
    ...deps,
    loaders: createLoaders(deps.store, deps.access, base.viewer),
    refreshLoaders() {
      context.loaders = createLoaders(deps.store, deps.access, base.viewer);
    },
  };
  return context;
}
