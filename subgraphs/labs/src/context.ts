/** The per-request context every resolver receives. */
import type { Logger, PubSub, RequestBase } from '@learncraft/kit';
import { createLoaders, type Loaders } from './loaders';
import type { LabService } from './services/labService';
import type { LabStore, SessionRecord } from './stores/labStore';

export interface LabsContext extends RequestBase {
  store: LabStore;
  labs: LabService;
  /** Fresh per request; a subscription replaces them before each event (see refreshLoaders). */
  loaders: Loaders;
  pubsub: PubSub;
  logger: Logger;
  now: () => Date;
  /** A fresh single-use terminal URL for the session's learner. */
  terminalUrl(session: SessionRecord): string;
  /** Drops every cached read, so a long-lived subscription resolves each event from current data. */
  refreshLoaders(): void;
}

export interface LabsContextDeps {
  store: LabStore;
  labs: LabService;
  pubsub: PubSub;
  logger: Logger;
  now: () => Date;
  terminalUrl(session: SessionRecord): string;
}

export function createContext(base: RequestBase, deps: LabsContextDeps): LabsContext {
  const context: LabsContext = {
    ...base,
    ...deps,
    loaders: createLoaders(deps.store),
    refreshLoaders() {
      context.loaders = createLoaders(deps.store);
    },
  };
  return context;
}
