/** The per-request context every resolver receives. */
import type { AccessChecker, Logger, OrganizationDirectory, PubSub, RequestBase } from '@learncraft/kit';
import { createLoaders, type Loaders } from './loaders';
import type { CatalogClient } from './stores/catalogClient';
import type { SeatClient } from './stores/commerceClient';
import type { ProgressStore } from './stores/progressStore';

export interface ProgressStores {
  progress: ProgressStore;
  catalog: CatalogClient;
  /** Who belongs to which organization (identity), asked afresh on every request. */
  organizations: OrganizationDirectory;
  /** Organization seats (commerce). */
  seats: SeatClient;
}

export interface ProgressContext extends RequestBase {
  stores: ProgressStores;
  /** Fresh per request; a subscription replaces them before each event (see refreshLoaders). */
  loaders: Loaders;
  pubsub: PubSub;
  /** Who may learn which course (commerce); open when no commerce is deployed. */
  access: AccessChecker;
  logger: Logger;
  /** The clock every decision and timestamp of the request uses (injectable for tests). */
  now: () => Date;
  /** Drops every cached read, so a long-lived subscription resolves each event from current data. */
  refreshLoaders(): void;
}

export function createContext(
  base: RequestBase,
  deps: { stores: ProgressStores; pubsub: PubSub; access: AccessChecker; logger: Logger; now: () => Date },
): ProgressContext {
  const context: ProgressContext = {
    ...base,
    ...deps,
    loaders: createLoaders(deps.stores),
    refreshLoaders() {
      context.loaders = createLoaders(deps.stores);
    },
  };
  return context;
}
